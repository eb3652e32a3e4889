import CLibGit2

/// One file of a diff.
public struct PathChange: Sendable, Hashable {
    public enum Status: String, Sendable, Codable { case added, deleted, modified, renamed, copied, typeChanged, other }
    public let status: Status
    /// The path before (nil when added).
    public let oldPath: String?
    /// The path after (nil when deleted).
    public let newPath: String?
    /// The file before and after (nil when added or deleted).
    public let old: TreeEntry?
    public let new: TreeEntry?
}

extension Array where Element == PathChange {
    /// Every path the changes name, old and new.
    public var paths: Set<String> {
        var result = Set<String>()
        for change in self {
            if let old = change.oldPath { result.insert(old) }
            if let new = change.newPath { result.insert(new) }
        }
        return result
    }
}

extension Repository {
    /// The files that differ between two trees (nil `old`: the empty tree), without
    /// computing any file's content diff. Wraps `git_diff_tree_to_tree`.
    public func changes(from old: OID?, to new: OID) throws -> [PathChange] {
        try withDiff(from: old, to: new) { diff in
            (0..<git_diff_num_deltas(diff)).map { i -> PathChange in
                let delta = git_diff_get_delta(diff, i)!.pointee
                let status: PathChange.Status
                switch delta.status {
                case GIT_DELTA_ADDED: status = .added
                case GIT_DELTA_DELETED: status = .deleted
                case GIT_DELTA_MODIFIED: status = .modified
                case GIT_DELTA_RENAMED: status = .renamed
                case GIT_DELTA_COPIED: status = .copied
                case GIT_DELTA_TYPECHANGE: status = .typeChanged
                default: status = .other
                }
                return PathChange(
                    status: status,
                    oldPath: status == .added ? nil : String(cString: delta.old_file.path),
                    newPath: status == .deleted ? nil : String(cString: delta.new_file.path),
                    old: status == .added ? nil : TreeEntry(blob: OID(delta.old_file.id), mode: UInt32(delta.old_file.mode)),
                    new: status == .deleted ? nil : TreeEntry(blob: OID(delta.new_file.id), mode: UInt32(delta.new_file.mode))
                )
            }
        }
    }

    /// The stable patch-id of the diff between two trees (`git patch-id --stable`): equal
    /// for the same change made on different bases. Wraps `git_diff_patchid`.
    public func patchID(from old: OID?, to new: OID) throws -> OID {
        try withDiff(from: old, to: new) { diff in
            var id = git_oid()
            try call("git_diff_patchid") { git_diff_patchid(&id, diff, nil) }
            return OID(id)
        }
    }

    private func withDiff<T>(from old: OID?, to new: OID, _ body: (OpaquePointer) throws -> T) throws -> T {
        var options = git_diff_options()
        try call("git_diff_options_init") { git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)) }
        var diff: OpaquePointer?
        try withTree(old) { oldTree in
            try withTree(new) { newTree in
                try call("git_diff_tree_to_tree") { git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options) }
            }
        }
        defer { git_diff_free(diff) }
        return try body(diff!)
    }
}
