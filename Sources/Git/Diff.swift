import CLibGit2

/// What a commit changes: its paths and its patch-id.
public struct TreeDiff: Sendable, Hashable {
    /// The stable patch-id of the diff (`git patch-id --stable`): equal for the same change
    /// made on different bases.
    public let patchID: OID
    public let changes: [PathChange]

    /// Every path the diff names, old and new.
    public var paths: Set<String> {
        var result = Set<String>()
        for change in changes {
            if let old = change.oldPath { result.insert(old) }
            if let new = change.newPath { result.insert(new) }
        }
        return result
    }
}

/// One file of a diff.
public struct PathChange: Sendable, Hashable {
    public enum Status: String, Sendable, Codable { case added, deleted, modified, renamed, copied, typeChanged, other }
    public let status: Status
    /// The path before (nil when added).
    public let oldPath: String?
    /// The path after (nil when deleted).
    public let newPath: String?
}

extension Repository {
    /// Diffs two trees (nil `from`: the empty tree) and computes the diff's patch-id.
    /// Wraps `git_diff_tree_to_tree` and `git_diff_patchid`.
    public func diff(from old: OID?, to new: OID) throws -> TreeDiff {
        var options = git_diff_options()
        try call("git_diff_options_init") { git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)) }
        var diff: OpaquePointer?
        try withTree(old) { oldTree in
            try withTree(new) { newTree in
                try call("git_diff_tree_to_tree") { git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options) }
            }
        }
        defer { git_diff_free(diff) }
        var patchID = git_oid()
        try call("git_diff_patchid") { git_diff_patchid(&patchID, diff, nil) }
        let changes = (0..<git_diff_num_deltas(diff)).map { i -> PathChange in
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
                newPath: status == .deleted ? nil : String(cString: delta.new_file.path)
            )
        }
        return TreeDiff(patchID: OID(patchID), changes: changes)
    }
}
