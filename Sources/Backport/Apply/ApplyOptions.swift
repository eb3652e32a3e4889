import Foundation
import Git

/// What `apply` was asked to do (the flags, after validation).
public struct ApplyOptions: Sendable {
    /// What to pick and onto what: the same selection and order as `plan`.
    public var plan = PlanOptions()
    /// How commits, branch names and the pull-request body look (`--style`,
    /// `backport.style`).
    public var style: BackportStyle = .git
    /// The branch each target's picks go to (`--branch`); nil: the style's.
    public var branchTemplate: String?
    /// One branch per unit (pull request, or commit) and target instead of one per target
    /// (`--per-unit`; also when the template names `{commit}`, `{short}` or `{pr}`).
    public var perUnit = false
    /// The committer of the commits written; nil: the user's identity, as git finds it.
    public var committer: (name: String, email: String)?
    /// Add `Signed-off-by:` the committer (`--signoff`); nil: as the style says.
    public var signOff: Bool?
    /// What happens to a pick that is not clean.
    public var onConflict: ConflictPolicy = .skip
    /// Replace an existing branch whose commits are not a prefix of the new ones.
    public var force = false
    /// Allow the branch to be the release branch itself (`--update-target`).
    public var updateTarget = false
    /// Write nothing: no object, no reference.
    public var dryRun = false
    /// The moment the run stands for: `{date}` in branch names, the body's title.
    public var now = Date()

    public init() {}
}

/// How `apply` writes what it writes: the marker in each commit's message, the default
/// branch name and the pull-request body.
public enum BackportStyle: String, Sendable, CaseIterable {
    /// git's: `(cherry picked from commit <sha>)` as `git cherry-pick -x` appends it,
    /// branches `backport/{target}`.
    case git
    /// Cilium's: `[ upstream commit <sha> ]` after the title, `Signed-off-by:` the
    /// committer, branches `pr/v{version}-backport-{date}`, the body Cilium's scripts write.
    case cilium

    /// The branch name template of the style: one branch per target, or per unit.
    public func branchTemplate(perUnit: Bool) -> String {
        switch (self, perUnit) {
        case (.git, false): return "backport/{target}"
        case (.git, true): return "backport/{target}/{pr}"
        case (.cilium, false): return "pr/v{version}-backport-{date}"
        case (.cilium, true): return "pr/v{version}-backport-{pr}"
        }
    }

    /// Whether the style signs off its commits.
    var signsOff: Bool { self == .cilium }
}

/// What `apply` does with a pick that is not clean (conflicted, needs adaptation, error).
public enum ConflictPolicy: String, Sendable, CaseIterable {
    /// Leave it out, list it with why, and go on with the picks after it.
    case skip
    /// End the target's stack at it: the picks after it wait too.
    case stop
    /// Commit it with its conflict markers (as `git cherry-pick` leaves them) and end the
    /// stack there: for a draft pull request a person finishes.
    case commit
    /// End the stack there and hand the pick over to a person: a kept worktree on the
    /// branch with its conflicts (`git backport resolve`); `git backport continue` there
    /// records it and goes on with the picks after it.
    case resolve
}
