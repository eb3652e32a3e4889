import Foundation
import Git

/// What a commit changes against one of its parents: the files, and the patch-id, each
/// computed on first use and then kept.
///
/// A candidate's change is shared by the pickers of every target, which run on several
/// threads with their own repository handles: the first picker that needs the files or
/// the patch-id computes them with its handle (any handle reads the same objects), the
/// others wait for it and reuse the result. So nothing about a candidate is computed
/// twice, and nothing is computed for a candidate no target gets that far with (one found
/// by its marker, say).
final class CommitChange: @unchecked Sendable {
    // Safe: the mutable fields are read and written only under `lock`.
    let commit: OID
    /// The parent the change is taken against (nil: a root commit, against the empty tree).
    let parent: OID?
    let tree: OID
    private let lock = NSLock()
    private var computed: Files?
    private var patch: OID?

    private struct Files {
        let baseTree: OID?
        let changes: [PathChange]
        let pathKey: String
    }

    init(commit: OID, parent: OID?, tree: OID) {
        self.commit = commit
        self.parent = parent
        self.tree = tree
    }

    convenience init(_ commit: Commit) {
        self.init(commit: commit.id, parent: commit.parents.first, tree: commit.tree)
    }

    /// The parent's tree: the merge base of the pick.
    func baseTree(_ repository: Repository) throws -> OID? { try files(repository).baseTree }

    /// The files the change adds, deletes or modifies (no rename detection), in path order.
    func changes(_ repository: Repository) throws -> [PathChange] { try files(repository).changes }

    /// The changed paths, sorted and joined: changes with the same key may have the same
    /// patch-id; changes with different keys cannot.
    func pathKey(_ repository: Repository) throws -> String { try files(repository).pathKey }

    /// `git patch-id --stable` of the change.
    func patchID(_ repository: Repository) throws -> OID {
        try lock.withLock {
            if let patch { return patch }
            let files = try filesLocked(repository)
            let id = try repository.patchID(from: files.baseTree, to: tree, paths: files.changes.paths)
            patch = id
            return id
        }
    }

    private func files(_ repository: Repository) throws -> Files {
        try lock.withLock { try filesLocked(repository) }
    }

    private func filesLocked(_ repository: Repository) throws -> Files {
        if let computed { return computed }
        let baseTree = try parent.map { try repository.treeID(ofCommit: $0) }
        let changes = try repository.changes(from: baseTree, to: tree)
        let files = Files(baseTree: baseTree, changes: changes, pathKey: changes.paths.sorted().joined(separator: "\n"))
        computed = files
        return files
    }
}
