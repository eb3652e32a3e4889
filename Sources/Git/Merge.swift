import CLibGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a merge of trees looks for renames: git's `merge.renames` and `merge.renameLimit`.
public struct RenameOptions: Sendable, Equatable {
    /// Whether renames are looked for at all (`merge.renames`, default true).
    public var enabled: Bool
    /// The most files on one side of a rename search (`merge.renameLimit`, else
    /// `diff.renameLimit`, else git's merge default of 7,000).
    public var limit: Int
    /// The similarity a pair of files needs to be a rename, in percent (git: 50).
    public var minimumScore: Int
    /// What a file added into a folder the other side renamed does
    /// (`merge.directoryRenames`).
    public var directoryRenames: DirectoryRenames = .conflict

    /// git's `merge.directoryRenames`: `conflict` (the default) moves the file and reports
    /// a conflict, `true` moves it, `false` leaves it where it was added.
    public enum DirectoryRenames: Sendable, Equatable { case conflict, move, off }

    public static let gitDefaultLimit = 7000

    public init(enabled: Bool = true, limit: Int = RenameOptions.gitDefaultLimit, minimumScore: Int = 50) {
        self.enabled = enabled
        self.limit = limit
        self.minimumScore = minimumScore
    }
}

/// The result of a three-way merge of trees: a tree when it merged cleanly, else conflicts.
public struct TreeMerge: Sendable {
    public init(tree: OID?, conflicts: [Conflict], renames: [RenameRecord]) {
        self.tree = tree
        self.conflicts = conflicts
        self.renames = renames
    }

    /// The merged tree, written to the object database; nil when there are conflicts.
    public let tree: OID?
    /// One entry per conflicted path (by the paths of its sides).
    public let conflicts: [Conflict]
    /// Renames libgit2 recorded for conflicted paths: each side's name for one file.
    public let renames: [RenameRecord]

    public var isClean: Bool { conflicts.isEmpty }
}

/// One side of a conflict: a file as it stood in the ancestor, ours or theirs.
public struct ConflictSide: Sendable, Hashable {
    public let path: String
    public let mode: UInt32
    public let blob: OID

    public init(path: String, mode: UInt32, blob: OID) {
        self.path = path
        self.mode = mode
        self.blob = blob
    }
}

/// A conflicted path as the merge left it in the index (stages 1, 2, 3).
public struct Conflict: Sendable {
    public let ancestor: ConflictSide?
    public let ours: ConflictSide?
    public let theirs: ConflictSide?
    /// For a conflict with both ours and theirs: the file as a three-way text merge leaves
    /// it, with `<<<<<<<`/`=======`/`>>>>>>>` markers, as `git cherry-pick` would write it.
    public let mergedText: [UInt8]?

    public init(ancestor: ConflictSide?, ours: ConflictSide?, theirs: ConflictSide?, mergedText: [UInt8]?) {
        self.ancestor = ancestor
        self.ours = ours
        self.theirs = theirs
        self.mergedText = mergedText
    }

    /// The path people know the file by: ours, else theirs, else the ancestor's.
    public var path: String { ours?.path ?? theirs?.path ?? ancestor?.path ?? "" }
}

/// The names one renamed file has in the ancestor, ours and theirs (libgit2's NAME entries).
public struct RenameRecord: Sendable, Hashable {
    public let ancestor: String?
    public let ours: String?
    public let theirs: String?
}

extension Repository {
    /// Sends every object written through this handle to memory instead of the repository.
    ///
    /// Adds libgit2's mempack backend to the object database at the highest priority, so
    /// writes (merged blobs, trees) land there and reads find them. Nothing reaches
    /// `.git/objects`, not even a new modification time: libgit2 "freshens" the file of an
    /// object written again (`git gc --prune` keeps recent files), so the repository's own
    /// backends lose their `freshen` here. Wraps `git_mempack_new`, `git_odb_add_backend`
    /// and `git_odb_get_backend`.
    public func useInMemoryObjectStore() throws {
        guard memoryStore == nil else { return }
        var odb: OpaquePointer?
        try call("git_repository_odb") { git_repository_odb(&odb, pointer) }
        defer { git_odb_free(odb) }
        for i in 0..<git_odb_num_backends(odb) {
            var existing: UnsafeMutablePointer<git_odb_backend>?
            try call("git_odb_get_backend") { git_odb_get_backend(&existing, odb, i) }
            existing?.pointee.freshen = nil
        }
        var backend: UnsafeMutablePointer<git_odb_backend>?
        try call("git_mempack_new") { git_mempack_new(&backend) }
        // The object database owns the backend from here on and frees it with itself.
        try call("git_odb_add_backend") { git_odb_add_backend(odb, backend, 1000) }
        memoryStore = backend
    }

    /// Forgets every object written to the in-memory store. Wraps `git_mempack_reset`.
    public func resetInMemoryObjectStore() throws {
        guard let memoryStore else { return }
        try call("git_mempack_reset") { git_mempack_reset(memoryStore) }
    }

    /// Makes `.gitattributes` lookups (merge drivers, `binary`) read the files of `tree`.
    ///
    /// libgit2's merge asks for attributes from the working tree, then the index. `git
    /// cherry-pick` uses the attributes of the branch it picks onto, so a handle opened with
    /// ``openBare(gitDirectory:)`` (no working tree) is given an in-memory index holding
    /// the `.gitattributes` files of `tree`, and nothing else: they are the ones consulted,
    /// and no other blob of the tree is touched (one that is missing, as in a partial clone,
    /// has no effect). The repository's own index file is never read or written. Wraps
    /// `git_index_new`, `git_index_add` and `git_repository_set_index`.
    public func useAttributes(fromTree tree: OID) throws {
        var index: OpaquePointer?
        try call("git_index_new") { git_index_new(&index) }
        defer { git_index_free(index) }
        for (path, entry) in try attributeFiles(inTree: tree, prefix: "") {
            var item = git_index_entry()
            item.mode = entry.mode
            item.id = entry.blob.raw
            try PathCoding.withCString(path) { cPath in
                item.path = cPath
                try call("git_index_add") { git_index_add(index, &item) }
            }
        }
        try call("git_repository_set_index") { git_repository_set_index(pointer, index) }
    }

    /// Every `.gitattributes` file of a tree, reading its folders but no file. A symlink
    /// named `.gitattributes` is not one: git does not follow them in a tree either.
    private func attributeFiles(inTree id: OID, prefix: String) throws -> [(String, TreeEntry)] {
        var found: [(String, TreeEntry)] = []
        var folders: [(String, OID)] = []
        try withTree(id) { tree in
            for i in 0..<git_tree_entrycount(tree) {
                let entry = git_tree_entry_byindex(tree, i)
                let mode = git_tree_entry_filemode(entry).rawValue
                let name = git_tree_entry_name(entry)!
                if mode == 0o040000 {
                    folders.append((prefix + PathCoding.decode(name) + "/", OID(git_tree_entry_id(entry)!)))
                } else if strcmp(name, ".gitattributes") == 0, mode == 0o100644 || mode == 0o100755 {
                    found.append((prefix + ".gitattributes", TreeEntry(blob: OID(git_tree_entry_id(entry)!), mode: mode)))
                }
            }
        }
        for (path, folder) in folders { found += try attributeFiles(inTree: folder, prefix: path) }
        return found
    }

    /// Merges `theirs` into `ours` with `ancestor` as the base, in memory, with rename
    /// detection as `renames` says (on by default, as `git cherry-pick` does). A cherry-pick of C onto T is
    /// `mergeTrees(ancestor: tree(parent(C)), ours: tree(T), theirs: tree(C))`.
    ///
    /// A clean merge's tree is written to the object database (to memory after
    /// ``useInMemoryObjectStore()``). Wraps `git_merge_trees`, the index conflict
    /// iterator and `git_merge_file_from_index` (for the marked-up text of each conflict).
    public func mergeTrees(ancestor: OID?, ours: OID, theirs: OID, labels: (ours: String, theirs: String) = ("ours", "theirs"),
                           renames: RenameOptions = RenameOptions()) throws -> TreeMerge {
        var options = git_merge_options()
        try call("git_merge_options_init") { git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)) }
        if renames.enabled {
            options.flags |= GIT_MERGE_FIND_RENAMES.rawValue
            options.rename_threshold = UInt32(renames.minimumScore)
            options.target_limit = UInt32(renames.limit)
        } else {
            options.flags &= ~GIT_MERGE_FIND_RENAMES.rawValue
        }
        var index: OpaquePointer?
        try withTree(ancestor) { ancestorTree in
            try withTree(ours) { oursTree in
                try withTree(theirs) { theirsTree in
                    try call("git_merge_trees") {
                        git_merge_trees(&index, pointer, ancestorTree, oursTree, theirsTree, &options)
                    }
                }
            }
        }
        defer { git_index_free(index) }

        guard git_index_has_conflicts(index) == 1 else {
            var tree = git_oid()
            try call("git_index_write_tree_to") { git_index_write_tree_to(&tree, index, pointer) }
            return TreeMerge(tree: OID(tree), conflicts: [], renames: [])
        }
        return TreeMerge(tree: nil, conflicts: try conflicts(in: index!, labels: labels), renames: renameRecords(in: index!))
    }

    private func conflicts(in index: OpaquePointer, labels: (ours: String, theirs: String)) throws -> [Conflict] {
        var iterator: OpaquePointer?
        try call("git_index_conflict_iterator_new") { git_index_conflict_iterator_new(&iterator, index) }
        defer { git_index_conflict_iterator_free(iterator) }
        var result: [Conflict] = []
        while true {
            var ancestor: UnsafePointer<git_index_entry>?
            var ours: UnsafePointer<git_index_entry>?
            var theirs: UnsafePointer<git_index_entry>?
            let status = git_index_conflict_next(&ancestor, &ours, &theirs, iterator)
            if status == GIT_ITEROVER.rawValue { git_error_clear(); break }
            if status < 0 { throw lastError(code: status, function: "git_index_conflict_next") }
            var text: [UInt8]?
            // Submodules have no text to merge (their ids name commits of another repository).
            if let ours, let theirs, ours.pointee.mode != 0o160000, theirs.pointee.mode != 0o160000,
               ancestor.map({ $0.pointee.mode != 0o160000 }) ?? true {
                text = try mergedText(ancestor: ancestor, ours: ours, theirs: theirs, labels: labels)
            }
            result.append(Conflict(ancestor: side(ancestor), ours: side(ours), theirs: side(theirs), mergedText: text))
        }
        return result
    }

    private func side(_ entry: UnsafePointer<git_index_entry>?) -> ConflictSide? {
        guard let entry else { return nil }
        return ConflictSide(path: PathCoding.decode(entry.pointee.path), mode: entry.pointee.mode, blob: OID(entry.pointee.id))
    }

    private func mergedText(ancestor: UnsafePointer<git_index_entry>?, ours: UnsafePointer<git_index_entry>,
                            theirs: UnsafePointer<git_index_entry>, labels: (ours: String, theirs: String)) throws -> [UInt8] {
        var result = git_merge_file_result()
        try withMergeFileOptions(labels: labels) { options in
            try call("git_merge_file_from_index") { git_merge_file_from_index(&result, pointer, ancestor, ours, theirs, &options) }
        }
        defer { git_merge_file_result_free(&result) }
        guard let bytes = result.ptr, result.len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: result.len))
    }

    /// Runs `body` with merge-file options at libgit2's defaults (those `git_merge_trees`
    /// uses) and the given labels on the conflict markers.
    @discardableResult
    func withMergeFileOptions<T>(labels: (ours: String, theirs: String), _ body: (inout git_merge_file_options) throws -> T) throws -> T {
        var options = git_merge_file_options()
        try call("git_merge_file_options_init") { git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)) }
        return try labels.ours.withCString { ourLabel in
            try labels.theirs.withCString { theirLabel in
                options.our_label = ourLabel
                options.their_label = theirLabel
                return try body(&options)
            }
        }
    }

    private func renameRecords(in index: OpaquePointer) -> [RenameRecord] {
        (0..<git_index_name_entrycount(index)).compactMap { i in
            guard let entry = git_index_name_get_byindex(index, i) else { return nil }
            return RenameRecord(
                ancestor: entry.pointee.ancestor.map { PathCoding.decode($0) },
                ours: entry.pointee.ours.map { PathCoding.decode($0) },
                theirs: entry.pointee.theirs.map { PathCoding.decode($0) }
            )
        }
    }
}

extension Repository {
    /// libgit2's own in-memory cherry-pick of `commit` onto `onto`: true when it leaves
    /// conflicts. Used as the benchmark's floor (a plain `git_cherrypick_commit` loop); the
    /// engine uses ``mergeTrees(ancestor:ours:theirs:labels:)`` and its fast path instead.
    /// Wraps `git_cherrypick_commit`.
    public func cherrypickCommitConflicts(_ commit: OID, onto: OID, mainline: UInt32 = 0) throws -> Bool {
        try withCommit(commit) { picked in
            try withCommit(onto) { ours in
                var options = git_merge_options()
                try call("git_merge_options_init") { git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)) }
                var index: OpaquePointer?
                try call("git_cherrypick_commit") { git_cherrypick_commit(&index, pointer, picked, ours, mainline, &options) }
                defer { git_index_free(index) }
                return git_index_has_conflicts(index) == 1
            }
        }
    }
}
