import Git

/// What `git backport apply` did (or, with `--dry-run`, would do): per target, the
/// branch, its old and new head, and every pick with its outcome and its new commit.
/// Its JSON form is documented in Docs/usage.md (`git backport apply`).
public struct ApplyReport: Codable, Sendable {
    public static let currentSchemaVersion = 1

    public var schemaVersion = ApplyReport.currentSchemaVersion
    /// True when nothing was written (`--dry-run`).
    public var dryRun: Bool
    public var style: String
    /// The day of the run (`2026-11-28`, local time): `{date}` in branch names.
    public var date: String
    public var source: SourceReport
    public var targets: [TargetApplication]
    /// The plan the picks come from (every reason and conflict).
    public var plan: Plan

    /// True when something selected was left out (not clean, or refused).
    public var leftSomethingOut: Bool {
        targets.contains { $0.status == .refused || $0.status == .failed || $0.picks.contains { !$0.applied && $0.outcome.needsAttention } }
    }
}

/// One target's branch.
public struct TargetApplication: Codable, Sendable {
    /// What happened to the branch.
    public enum Status: String, Codable, Sendable {
        /// A new branch was made (or would be, with `--dry-run`).
        case created
        /// An existing branch got more commits, or was replaced with `--force`.
        case updated
        /// The branch already has every pick there is: nothing written.
        case unchanged
        /// Nothing to apply and no branch: none made.
        case nothing
        /// Not done: the branch exists with other commits (see `message`).
        case refused
        /// Not done: writing failed, or someone moved the branch meanwhile (see `message`).
        case failed
    }

    /// The release branch, as people type it.
    public var target: String
    /// The branch written (`backport/release/1.6`), and its full reference name.
    public var branch: String
    public var ref: String
    /// Where the branch pointed before (nil: it did not exist), and after.
    public var oldHead: OID?
    public var newHead: OID?
    /// The commit the picks were stacked on: the target's tip, or the branch's when
    /// extending it.
    public var base: OID
    public var status: Status
    /// Why a branch was refused or failed.
    public var message: String?
    /// Every pick meant for the target, in order.
    public var picks: [AppliedPick]
    /// With a branch per unit: the unit (pull request's merge, or commit) it carries.
    public var unit: OID?
    /// With `--on-conflict resolve`: the worktree where the pick the stack ended at waits
    /// for a person (`git backport continue` there).
    public var resolveWorktree: String?

    /// The picks written (or that would be).
    public var applied: [AppliedPick] { picks.filter(\.applied) }
    /// The picks the branch carries: written now, or by an earlier run.
    public var carried: [AppliedPick] { picks.filter { $0.applied || $0.onBranch != nil } }
}

/// A pick and what became of it.
public struct AppliedPick: Codable, Sendable {
    public var commit: OID
    public var subject: String
    public var outcome: Outcome
    /// True when it is on the branch now as a new commit (or would be, `--dry-run`).
    public var applied: Bool
    /// The commit written for it (nil with `--dry-run`, or when not applied).
    public var newCommit: OID?
    /// True for a conflicted pick committed with its markers (`--on-conflict commit`).
    public var withConflictMarkers: Bool = false
    /// Why it was not applied, when it was not and needs a person (or was stopped).
    public var leftOut: String?
    /// For a pick the branch carries already (from an earlier run): its commit there.
    public var onBranch: OID?
    /// True when it was not tried: the stack ended before it (`--on-conflict stop` or
    /// `commit`).
    public var notTried: Bool = false
}
