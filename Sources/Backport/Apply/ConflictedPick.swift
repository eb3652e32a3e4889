import Foundation
import Git

/// A conflicted pick as `git cherry-pick` leaves it in a working tree, every file added
/// (conflict markers and all): what `apply --on-conflict commit` commits, so a draft pull
/// request shows a person exactly what git would show them. Made by git itself in a
/// scratch worktree (hooks off), removed afterwards.
enum ConflictedPick {
    /// The tree of `commit` picked onto `parent` with its conflicts left in the files, and
    /// the paths git reports as unmerged.
    static func tree(of commit: OID, onto parent: OID, mainline: Int?, committer: Signature,
                     in repository: Repository) throws -> (tree: OID, paths: [String]) {
        let worktrees = ScratchWorktrees(gitDirectory: repository.commonDirectory)
        defer { worktrees.removeAll() }
        let path = try worktrees.make(named: "apply-\(commit.short())", at: parent).path
        @discardableResult func git(_ arguments: [String]) throws -> String {
            try ScratchWorktree.git(["-c", "user.name=\(committer.name)", "-c", "user.email=\(committer.email)"] + arguments, inWorktree: path)
        }
        try git(["reset", "-q", "--hard"])
        let pick = ["cherry-pick", "--no-commit"] + (mainline.map { ["-m", String($0)] } ?? []) + [commit.hex]
        if (try? git(pick)) != nil {
            throw BackportError.invalidInput("\(commit.short()) picks cleanly with git onto \(parent.short()); nothing to commit with conflicts")
        }
        let paths = try git(["-c", "core.quotePath=false", "diff", "--name-only", "--diff-filter=U", "-z"])
            .split(separator: "\0").map(String.init)
        try git(["add", "-A"])
        let tree = try git(["write-tree"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let id = OID(hex: tree) else { throw BackportError.invalidInput("git write-tree gave '\(tree)'") }
        return (id, paths)
    }
}
