import CLibGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file in a tree: its blob and its mode (`0o100644`, `0o100755`, `0o120000`...).
public struct TreeEntry: Sendable, Hashable {
    public let blob: OID
    public let mode: UInt32

    public init(blob: OID, mode: UInt32) {
        self.blob = blob
        self.mode = mode
    }

    /// A regular file, executable or not (not a link, a submodule or a tree).
    public var isRegularFile: Bool { mode == 0o100644 || mode == 0o100755 }
    public var isSymlink: Bool { mode == 0o120000 }
    /// A submodule: the id is a commit of another repository (a gitlink).
    public var isSubmodule: Bool { mode == 0o160000 }
    public var isTree: Bool { mode == 0o040000 }
    /// File, symlink, submodule or tree: the part of the mode a merge may not reconcile.
    public var type: UInt32 { mode & 0o170000 }
}

/// The three-way merge of one file's content.
public struct FileMerge: Sendable {
    /// True when the merge has no conflict; `content` is then the merged file.
    public let automergeable: Bool
    /// The merged file, with conflict markers where it did not merge.
    public let content: [UInt8]
}

extension Repository {
    /// The entry at `path` in `tree` (a file, a symlink, a submodule or a folder), or nil
    /// when there is none. Wraps `git_tree_entry_bypath`.
    public func entry(at path: String, inTree tree: OID) throws -> TreeEntry? {
        try withTree(tree) { handle in
            var entry: OpaquePointer?
            let status = PathCoding.withCString(path) { git_tree_entry_bypath(&entry, handle, $0) }
            if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
            if status < 0 { throw lastError(code: status, function: "git_tree_entry_bypath") }
            defer { git_tree_entry_free(entry) }
            return TreeEntry(blob: OID(git_tree_entry_id(entry)!), mode: git_tree_entry_filemode(entry).rawValue)
        }
    }

    /// The file at `path` in `tree`: like ``entry(at:inTree:)`` but nil for a folder.
    public func file(at path: String, inTree tree: OID) throws -> TreeEntry? {
        try entry(at: path, inTree: tree).flatMap { $0.isTree ? nil : $0 }
    }

    /// True when a blob's content looks binary to git (a NUL in its first 8,000 bytes).
    /// Wraps `git_blob_is_binary`.
    public func isBinary(_ blob: OID) throws -> Bool {
        try withBlob(blob) { git_blob_is_binary($0) == 1 }
    }

    /// The `merge` attribute of `path` as libgit2's merge sees it (after
    /// ``useAttributes(fromTree:)``, the target's): nil when unspecified, `"set"`,
    /// `"unset"`, or the driver's name. Wraps `git_attr_get`.
    public func mergeAttribute(for path: String) throws -> String? {
        var value: UnsafePointer<CChar>?
        try call("git_attr_get") { PathCoding.withCString(path) { git_attr_get(&value, pointer, 0, $0, "merge") } }
        switch git_attr_value(value) {
        case GIT_ATTR_VALUE_UNSPECIFIED: return nil
        case GIT_ATTR_VALUE_TRUE: return "set"
        case GIT_ATTR_VALUE_FALSE: return "unset"
        default: return value.map { String(cString: $0) }
        }
    }

    /// Merges three versions of one file's content as git's merge (merge-ort) does for a
    /// text file changed on both sides: ``TextMerge`` (histogram diff, zealous merge, the
    /// `merge` conflict style, markers of 7), with `<<<<<<< ours-label` and
    /// `>>>>>>> theirs-label` on the markers. Nil when a version is binary (libgit2's test:
    /// `git_blob_is_binary`), which that merge settles differently. A nil `ancestor` merges
    /// two files added on both sides (an empty base, as git does). `favor` settles conflicts
    /// (`.union` for a `merge=union` file). `path` and `mode` name the file; they do not
    /// change the merge. `sideDiffs` gives the diff from `ancestor` to `theirs` when an
    /// earlier merge made it, and keeps it otherwise.
    public func mergeTextFile(path: String, mode: UInt32, ancestor: OID?, ours: OID, theirs: OID,
                              labels: (ours: String, theirs: String), baseLabel: String? = nil,
                              style: TextMerge.Style = .merge, favor: TextMerge.Favor = .none,
                              sideDiffs: SideDiffs? = nil) throws -> FileMerge? {
        try withOptionalBlob(ancestor) { a in
            try withBlob(ours) { o in
                try withBlob(theirs) { t in
                    if [a, o, t].contains(where: { $0.map { git_blob_is_binary($0) == 1 } ?? false }) { return nil }
                    do {
                        var theirChanges = sideDiffs?.diff(from: ancestor, to: theirs)
                        let known = theirChanges != nil
                        let result = try TextMerge.merge(base: Self.content(of: a), ours: Self.content(of: o), theirs: Self.content(of: t),
                                                         labels: (labels.ours, labels.theirs, baseLabel), style: style, favor: favor,
                                                         theirChanges: &theirChanges)
                        if !known, let theirChanges { sideDiffs?.keep(theirChanges, from: ancestor, to: theirs) }
                        return FileMerge(automergeable: result.conflicts == 0, content: result.content)
                    } catch is TextMerge.Failure {
                        throw GitError(code: -1, message: "the text merge of '\(path)' failed, as git's merge would", function: "xdl_merge")
                    }
                }
            }
        }
    }

    /// A blob's bytes (none for no blob). Wraps `git_blob_rawcontent`.
    private static func content(of blob: OpaquePointer?) -> [UInt8] {
        guard let blob, let bytes = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: Int(git_blob_rawsize(blob))))
    }

    /// Writes a blob (to memory after ``useInMemoryObjectStore()``).
    /// Wraps `git_blob_create_from_buffer`.
    public func writeBlob(_ bytes: [UInt8]) throws -> OID {
        var id = git_oid()
        _ = try bytes.withUnsafeBytes { buffer in
            try call("git_blob_create_from_buffer") { git_blob_create_from_buffer(&id, pointer, buffer.baseAddress, buffer.count) }
        }
        return OID(id)
    }

    /// A tree like `tree` with each path set to its entry (nil: removed; a folder left
    /// empty goes too), written without reading the rest of the tree.
    /// Wraps `git_tree_create_updated`.
    public func updateTree(_ tree: OID, setting entries: [(path: String, entry: TreeEntry?)]) throws -> OID {
        guard !entries.isEmpty else { return tree }
        let paths = entries.map { entry in PathCoding.withCString(entry.path) { strdup($0) } }
        defer { paths.forEach { free($0) } }
        var updates = entries.enumerated().map { i, item in
            guard let entry = item.entry else {
                return git_tree_update(action: GIT_TREE_UPDATE_REMOVE, id: git_oid(), filemode: GIT_FILEMODE_BLOB, path: paths[i])
            }
            return git_tree_update(action: GIT_TREE_UPDATE_UPSERT, id: entry.blob.raw,
                                   filemode: git_filemode_t(rawValue: entry.mode), path: paths[i])
        }
        var out = git_oid()
        try withTree(tree) { baseline in
            try call("git_tree_create_updated") { git_tree_create_updated(&out, pointer, baseline, updates.count, &updates) }
        }
        return OID(out)
    }

    func withOptionalBlob<T>(_ id: OID?, _ body: (OpaquePointer?) throws -> T) throws -> T {
        guard let id else { return try body(nil) }
        return try withBlob(id, body)
    }

    func withBlob<T>(_ id: OID, _ body: (OpaquePointer) throws -> T) throws -> T {
        var raw = id.raw
        var blob: OpaquePointer?
        try call("git_blob_lookup") { git_blob_lookup(&blob, pointer, &raw) }
        defer { git_blob_free(blob) }
        return try body(blob!)
    }
}
