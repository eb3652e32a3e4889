#ifndef GIT_BACKPORT_CLIBGIT2_SHIM_H
#define GIT_BACKPORT_CLIBGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
#include <git2/sys/index.h>

/* git_libgit2_opts is variadic, so Swift cannot call it directly: one
 * non-variadic inline function per option we set. */

/* Turn off re-hashing of every object read (git does not verify on read
 * either); it is about half the cost of an in-memory pick. */
static inline int git_backport_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

/* The bytes all repositories' caches may hold together (default 256 MiB). */
static inline int git_backport_set_cache_max_size(ssize_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, bytes);
}

/* Let trees be written whose entries name objects this repository lacks (a
 * partial clone, a mirror without some blobs): a pick that only passes a blob's
 * id along does not need the blob, as git's merge does not. */
static inline int git_backport_set_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

/* Whether libgit2 refuses a repository another user owns (git's safe.directory
 * check); git-backport reads safe.directory itself, as git does. */
static inline int git_backport_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

/* Where the global, XDG and system configuration files are looked for (a list
 * of folders; "" for none). */
static inline int git_backport_set_config_search_path(git_config_level_t level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

#endif
