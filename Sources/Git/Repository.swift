import CLibGit2
import Foundation

/// An open git repository: one libgit2 handle, used from one thread at a time.
///
/// libgit2 objects must not be shared across threads, and its last error is per thread, so
/// a parallel worker opens its own `Repository` (see ``openBare(gitDirectory:)``).
/// The handle is freed in `deinit`.
public final class Repository {
    let pointer: OpaquePointer
    /// The in-memory object database added by ``useInMemoryObjectStore()``, if any.
    var memoryStore: UnsafeMutablePointer<git_odb_backend>?
    /// Trees already read by ``changes(from:to:)``, by id: the diffs of one plan read the
    /// same folders again and again (every candidate's base shares most of them, and the
    /// target's tree is the same). Bounded (20,000 trees); cleared when full.
    var treeItems: [OID: TreeItems] = [:]

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_repository_free(pointer) }

    /// Finds and opens the repository the way git does for a command run in `path`
    /// (default: the current directory): `GIT_DIR` wins when set, otherwise the search
    /// walks up from `path`, stopping at `GIT_CEILING_DIRECTORIES`.
    ///
    /// Wraps `git_repository_open_ext`. Throws a ``GitError`` whose `isNotFound` is true
    /// when there is no repository there.
    public static func discover(startingAt path: String? = nil) throws -> Repository {
        do {
            return try open(startingAt: path)
        } catch let error as GitError where error.isDubiousOwnership || error.isNotFound {
            // A repository another user owns: libgit2 1.5 refuses it (and does not take
            // `safe.directory = *`), sometimes as "not found". git's rules, read here: the
            // system and global configuration (never the repository's) list its folder, or `*`.
            git_backport_set_owner_validation(0)
            defer { git_backport_set_owner_validation(1) }
            guard let found = try? open(startingAt: path) else { throw error }
            let folder = found.workDirectory ?? found.gitDirectory
            guard SafeDirectory.allows(folder) else {
                let shown = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
                throw GitError(code: GIT_EOWNER.rawValue, message: "detected dubious ownership in repository at '\(shown)' (another user owns it); "
                               + "to trust it: git config --global --add safe.directory \(shown)", function: "git_repository_open_ext")
            }
            return found
        }
    }

    private static func open(startingAt path: String?) throws -> Repository {
        libgit2Initialized()
        let env = ProcessInfo.processInfo.environment
        var handle: OpaquePointer?
        if let gitDir = env["GIT_DIR"], !gitDir.isEmpty {
            try call("git_repository_open_ext") {
                git_repository_open_ext(&handle, gitDir, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
            }
        } else {
            let start = path ?? FileManager.default.currentDirectoryPath
            try call("git_repository_open_ext") {
                git_repository_open_ext(&handle, start, 0, env["GIT_CEILING_DIRECTORIES"])
            }
        }
        let repository = Repository(handle!)
        // A git directory found as itself (not a `.git` inside a checkout) is bare to git
        // unless its config says otherwise; libgit2 takes one without a config file (some
        // mirrors have none) for a checkout of its parent folder.
        if !repository.isBare, git_repository_is_worktree(repository.pointer) == 0, !repository.gitDirectory.hasSuffix("/.git/"),
           (try? repository.config().bool("core.bare")) ?? nil == nil,
           (try? repository.config().string("core.worktree")) ?? nil == nil {
            return try openBare(gitDirectory: repository.gitDirectory)
        }
        return repository
    }

    /// Opens the repository whose git directory is `gitDirectory` without a working tree.
    ///
    /// Workers use this: with no working tree nothing on disk can be read or written by
    /// accident, and attributes come only from the source set by ``useAttributes(fromTree:)``.
    /// Wraps `git_repository_open_bare`.
    public static func openBare(gitDirectory: String) throws -> Repository {
        var handle: OpaquePointer?
        try call("git_repository_open_bare") { git_repository_open_bare(&handle, gitDirectory) }
        return Repository(handle!)
    }

    /// The directory a linked worktree shares with the main one (refs, objects, config):
    /// the git directory itself outside linked worktrees. With a trailing slash. Wraps
    /// `git_repository_commondir`.
    public var commonDirectory: String { String(cString: git_repository_commondir(pointer)) }

    /// The git directory (`.git/`, or the repository itself when bare), with a trailing slash.
    public var gitDirectory: String { String(cString: git_repository_path(pointer)) }

    /// The working tree, or nil for a bare repository.
    public var workDirectory: String? { git_repository_workdir(pointer).map { String(cString: $0) } }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// The short name of the branch HEAD points at, or nil when HEAD is detached or unborn.
    public var currentBranch: String? {
        var ref: OpaquePointer?
        guard git_repository_head(&ref, pointer) == 0, let ref else { git_error_clear(); return nil }
        defer { git_reference_free(ref) }
        guard git_reference_is_branch(ref) == 1 else { return nil }
        return String(cString: git_reference_shorthand(ref))
    }

    // MARK: Revisions

    /// Resolves a revision (`main`, `HEAD~2`, an abbreviated id, `v1.2^{commit}`...) to a commit id.
    ///
    /// Wraps `git_revparse_single` and `git_object_peel`.
    public func resolveCommit(_ spec: String) throws -> OID {
        var object: OpaquePointer?
        try call("git_revparse_single") { git_revparse_single(&object, pointer, spec) }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try call("git_object_peel") { git_object_peel(&commit, object, GIT_OBJECT_COMMIT) }
        defer { git_object_free(commit) }
        return OID(git_object_id(commit)!)
    }

    /// Resolves an abbreviated or full hexadecimal id to a commit, or nil when no commit has it.
    /// Throws only when the prefix is ambiguous or the repository is broken.
    public func lookupCommit(prefix hex: String) throws -> OID? {
        guard hex.utf8.count >= 4, hex.utf8.count <= 40, hex.utf8.allSatisfy(\.isHexDigit) else { return nil }
        var object: OpaquePointer?
        var short = git_oid()
        guard git_oid_fromstrn(&short, hex, hex.utf8.count) == 0 else { git_error_clear(); return nil }
        let result = git_object_lookup_prefix(&object, pointer, &short, hex.utf8.count, GIT_OBJECT_COMMIT)
        if result == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        if result < 0 { throw lastError(code: result, function: "git_object_lookup_prefix") }
        defer { git_object_free(object) }
        return OID(git_object_id(object)!)
    }

    /// The objects whose ids start with `hex`, each with its type (`commit`, `tree`,
    /// `blob`, `tag`), at most `limit`: the candidates of an ambiguous abbreviation, as git
    /// lists them. Reads every object id (wraps `git_odb_foreach`): for error messages only.
    public func objects(withPrefix hex: String, limit: Int = 10) throws -> [(id: OID, type: String)] {
        final class Found {
            let prefix: String
            var ids: [OID] = []
            init(_ prefix: String) { self.prefix = prefix }
        }
        var odb: OpaquePointer?
        try call("git_repository_odb") { git_repository_odb(&odb, pointer) }
        defer { git_odb_free(odb) }
        let found = Found(hex.lowercased())
        let box = Unmanaged.passRetained(found)
        defer { box.release() }
        _ = git_odb_foreach(odb, { id, payload in
            let found = Unmanaged<Found>.fromOpaque(payload!).takeUnretainedValue()
            let oid = OID(id!)
            if oid.hex.hasPrefix(found.prefix), !found.ids.contains(oid) { found.ids.append(oid) }
            return 0
        }, box.toOpaque())
        return try found.ids.sorted().prefix(limit).map { id in
            var raw = id.raw
            var size = 0
            var type = GIT_OBJECT_INVALID
            try call("git_odb_read_header") { git_odb_read_header(&size, &type, odb, &raw) }
            return (id, String(cString: git_object_type2string(type)))
        }
    }

    /// Resolves `A..B` to its two ends; nil when `spec` is not a two-dot range.
    ///
    /// Wraps `git_revparse`. Three-dot ranges are rejected with a ``GitError``.
    public func resolveRange(_ spec: String) throws -> (from: OID, to: OID)? {
        guard spec.contains("..") else { return nil }
        var revspec = git_revspec()
        try call("git_revparse") { git_revparse(&revspec, pointer, spec) }
        defer { git_object_free(revspec.from); git_object_free(revspec.to) }
        if revspec.flags & UInt32(GIT_REVSPEC_MERGE_BASE.rawValue) != 0 {
            throw GitError(code: -1, message: "symmetric ranges (A...B) are not supported: '\(spec)'", function: "git_revparse")
        }
        guard revspec.flags & UInt32(GIT_REVSPEC_RANGE.rawValue) != 0, let from = revspec.from, let to = revspec.to else { return nil }
        func peel(_ object: OpaquePointer) throws -> OID {
            var commit: OpaquePointer?
            try call("git_object_peel") { git_object_peel(&commit, object, GIT_OBJECT_COMMIT) }
            defer { git_object_free(commit) }
            return OID(git_object_id(commit)!)
        }
        return (try peel(from), try peel(to))
    }

    // MARK: References

    /// Local branches, or remote-tracking branches (without the symbolic `<remote>/HEAD`).
    ///
    /// Wraps `git_branch_iterator_new`; each branch is resolved to the commit it names.
    public func branches(remote: Bool) throws -> [Branch] {
        var iterator: OpaquePointer?
        try call("git_branch_iterator_new") {
            git_branch_iterator_new(&iterator, pointer, remote ? GIT_BRANCH_REMOTE : GIT_BRANCH_LOCAL)
        }
        defer { git_branch_iterator_free(iterator) }
        var result: [Branch] = []
        while true {
            var ref: OpaquePointer?
            var type = GIT_BRANCH_LOCAL
            let status = git_branch_next(&ref, &type, iterator)
            if status == GIT_ITEROVER.rawValue { git_error_clear(); break }
            if status < 0 { throw lastError(code: status, function: "git_branch_next") }
            defer { git_reference_free(ref) }
            if git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC { continue }
            guard let target = git_reference_target(ref) else { continue }
            let name = String(cString: git_reference_name(ref))
            let short = String(cString: git_reference_shorthand(ref))
            // Branches that name a tag or tree are skipped: only commits can be picked onto.
            guard (try? withCommit(OID(target)) { _ in }) != nil else { git_error_clear(); continue }
            result.append(Branch(name: name, shortName: short, isRemote: remote, tip: OID(target)))
        }
        return result.sorted { $0.name < $1.name }
    }

    /// The commit a fully qualified reference (`refs/remotes/origin/HEAD`) finally resolves to,
    /// with the name it resolves through; nil when there is no such reference.
    public func resolveReference(_ name: String) throws -> (name: String, tip: OID)? {
        var ref: OpaquePointer?
        let status = git_reference_lookup(&ref, pointer, name)
        // No such reference, or a name no reference can have (`release/9*`).
        if status == GIT_ENOTFOUND.rawValue || status == GIT_EINVALIDSPEC.rawValue { git_error_clear(); return nil }
        if status < 0 { throw lastError(code: status, function: "git_reference_lookup") }
        defer { git_reference_free(ref) }
        var resolved: OpaquePointer?
        try call("git_reference_resolve") { git_reference_resolve(&resolved, ref) }
        defer { git_reference_free(resolved) }
        guard let target = git_reference_target(resolved) else { return nil }
        return (String(cString: git_reference_name(resolved)), OID(target))
    }

    // MARK: Blobs

    /// The content of the blob at `path` in the tree of `commit`, or nil when there is none.
    ///
    /// Wraps `git_tree_entry_bypath` and `git_blob_lookup`.
    public func blobContent(at path: String, inCommit commit: OID) throws -> [UInt8]? {
        try file(at: path, inTree: try treeID(ofCommit: commit)).map { try blobBytes($0.blob) }
    }

    /// The bytes of a blob. Wraps `git_blob_lookup` and `git_blob_rawcontent`.
    public func blobBytes(_ id: OID) throws -> [UInt8] {
        try withBlob(id) { blob in
            let size = Int(git_blob_rawsize(blob))
            guard size > 0, let bytes = git_blob_rawcontent(blob) else { return [] }
            return Array(UnsafeRawBufferPointer(start: bytes, count: size))
        }
    }

    /// The size in bytes of a blob, read from the object's header without inflating its
    /// content (for a packed delta, only the start of the delta). Wraps `git_odb_read_header`.
    public func blobSize(_ id: OID) throws -> Int {
        var odb: OpaquePointer?
        try call("git_repository_odb") { git_repository_odb(&odb, pointer) }
        defer { git_odb_free(odb) }
        var raw = id.raw
        var size = 0
        var type = GIT_OBJECT_INVALID
        try call("git_odb_read_header") { git_odb_read_header(&size, &type, odb, &raw) }
        return size
    }

    /// Runs `body` with a tree looked up by id (nil id: nil tree), freed afterwards.
    @discardableResult
    func withTree<T>(_ id: OID?, _ body: (OpaquePointer?) throws -> T) throws -> T {
        guard let id else { return try body(nil) }
        var raw = id.raw
        var tree: OpaquePointer?
        try call("git_tree_lookup") { git_tree_lookup(&tree, pointer, &raw) }
        defer { git_tree_free(tree) }
        return try body(tree)
    }
}

/// A branch and the commit it points at.
public struct Branch: Sendable, Hashable, Codable {
    /// The full reference name, `refs/heads/release/1.2` or `refs/remotes/origin/release/1.2`.
    public let name: String
    /// The name people type: `release/1.2`, `origin/release/1.2`.
    public let shortName: String
    public let isRemote: Bool
    public let tip: OID

    public init(name: String, shortName: String, isRemote: Bool, tip: OID) {
        self.name = name
        self.shortName = shortName
        self.isRemote = isRemote
        self.tip = tip
    }
}

/// git's `safe.directory`: a repository another user owns is opened only when the
/// system or global configuration (or `git -c`) lists its folder, or `*`.
enum SafeDirectory {
    static func allows(_ folder: String) -> Bool {
        libgit2Initialized()
        var values: [String] = Config.commandLineEntries(ProcessInfo.processInfo.environment)
            .filter { $0.key.lowercased() == "safe.directory" }.map(\.value)
        var config: OpaquePointer?
        if git_config_open_default(&config) == 0 {
            defer { git_config_free(config) }
            var snapshot: OpaquePointer?
            if git_config_snapshot(&snapshot, config) == 0 {
                values = ((try? Config([snapshot!]).strings("safe.directory")) ?? []) + values
            }
        } else {
            git_error_clear()
        }
        // An empty value resets the list, as in git.
        if let reset = values.lastIndex(of: "") { values = Array(values[(reset + 1)...]) }
        let trimmed = { (path: String) in path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path }
        return values.contains { $0 == "*" || trimmed($0) == trimmed(folder) }
    }
}
