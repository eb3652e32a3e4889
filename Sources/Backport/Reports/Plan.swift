import Git

/// The report of `git backport plan`: every (candidate, target) pair with its outcome.
///
/// A value: renderers turn it into text, JSON or Markdown. Its JSON form is the versioned
/// schema documented in Docs/report-schema.md (``Plan/currentSchemaVersion``).
public struct Plan: Codable, Sendable {
    public static let currentSchemaVersion = 2

    public var schemaVersion: Int = Plan.currentSchemaVersion
    public var source: SourceReport
    /// True when clean picks are stacked (each candidate tried on top of the earlier clean
    /// ones); false with `--independent` (each tried on the bare target tip).
    public var stacked: Bool
    public var targets: [TargetReport]
    public var candidates: [CandidateReport]
    public var results: [PickResult]
    /// The pull requests carried as units (`--units prs`), in order; nil when commits are.
    public var units: [UnitReport]?

    /// The result for one pair, if the candidate was meant for that target.
    public func result(for commit: OID, on target: String) -> PickResult? {
        results.first { $0.commit == commit && $0.target == target }
    }

    /// Every candidate's results, in target order: for a renderer that visits every pair
    /// (one pass over the results, where ``result(for:on:)`` is a search each time).
    public func resultsByCommit() -> [OID: [PickResult]] {
        Dictionary(grouping: results, by: \.commit)
    }

    /// A unit's outcome on a target: clean only when every commit of it is clean or already
    /// there; otherwise what its first commit that is not says (conflicted, needs
    /// adaptation, error...); already-applied when every commit is; nil where it is not tried.
    public func outcome(ofUnit unit: UnitReport, on target: String) -> Outcome? {
        let outcomes = unit.commits.compactMap { result(for: $0, on: target)?.outcome }
        guard !outcomes.isEmpty else { return nil }
        if let failed = outcomes.first(where: { $0.needsAttention || $0 == .skipped }) { return failed }
        if outcomes.contains(.clean) { return .clean }
        if outcomes.allSatisfy({ $0 == .alreadyApplied }) { return .alreadyApplied }
        return outcomes.first { $0 != .alreadyApplied } ?? .alreadyApplied
    }

    /// The unit a commit belongs to, if commits go in units.
    public func unit(of commit: OID) -> UnitReport? {
        units?.first { $0.commits.contains(commit) }
    }

    /// True when some result needs a person: `conflicted` or `needs-adaptation`.
    public var needsAttention: Bool { results.contains { $0.outcome.needsAttention } }
}

public struct SourceReport: Codable, Sendable {
    /// The branch as people type it (`main`, `origin/main`).
    public var branch: String
    public var head: OID

    public init(_ source: Source) {
        branch = source.name
        head = source.branch.tip
    }

    init(branch: String, head: OID) {
        self.branch = branch
        self.head = head
    }
}

public struct TargetReport: Codable, Sendable {
    public var branch: String
    /// The full reference name (`refs/heads/release/1.2`).
    public var ref: String
    public var version: String?
    public var head: OID
    public var remote: Bool

    public init(_ target: Target) {
        branch = target.name
        ref = target.branch.name
        version = target.version?.description
        head = target.branch.tip
        remote = target.branch.isRemote
    }
}

public struct CandidateReport: Codable, Sendable {
    /// Why a commit is a candidate.
    public enum Selection: String, Codable, Sendable {
        /// Its trailers ask for a backport.
        case trailer
        /// It was named on the command line.
        case argument
        /// `--all`: every commit the targets lack.
        case all
        /// A label on its pull request names targets (`--labels-from`).
        case label
    }

    public var commit: OID
    public var subject: String
    public var author: Person
    /// The trailers that ask for a backport (`Fixes:`, `Backport-To:`, `Cc: stable`...).
    public var trailers: [Trailer]
    public var selectedBy: Selection
    /// The commits its `Fixes:` trailers name, resolved to full ids.
    public var fixes: [OID]
    /// The targets it is meant for, oldest first.
    public var targets: [String]
    /// Problems with its trailers, one line each.
    public var warnings: [String]
    /// The unit (a pull request's merge, or the commit itself) it is carried in, with
    /// `--units prs`.
    public var unit: OID?
    /// Later candidates whose `Fixes:` names this one (follow-up fixes), oldest first:
    /// carried with it, they are tried on the same targets (omitted when none).
    public var followUps: [OID]?
}

public struct Person: Codable, Sendable, Hashable {
    public var name: String
    public var email: String
}

/// How a pick turned out on one target. DESIGN.md §3 defines each.
public enum Outcome: String, Codable, Sendable, CaseIterable {
    case clean
    case conflicted
    case needsAdaptation = "needs-adaptation"
    case alreadyApplied = "already-applied"
    case notAffected = "not-affected"
    case skipped
    /// The pick could not be tried (an object it needs is missing or corrupt...).
    case error

    /// `conflicted`, `needs-adaptation` and `error` need a person (and make `--exit-code`
    /// exit 1).
    public var needsAttention: Bool { self == .conflicted || self == .needsAdaptation || self == .error }
}

/// One (candidate, target) attempt and its evidence.
public struct PickResult: Codable, Sendable {
    public var commit: OID
    public var target: String
    public var outcome: Outcome
    public var reasons: [Reason]
    /// For `conflicted` (and `needs-adaptation` with textual conflicts): every conflicted path.
    public var conflicts: [ConflictReport]
    /// For `clean`: the tree the pick produces (on top of the earlier clean picks when stacked).
    public var tree: OID?
    /// What `preview` shows beyond these facts; kept only when asked (not in the JSON report).
    public var detail: PickDetail?
    /// The merged tree whenever the merge had no conflict (a `needs-adaptation` pick that
    /// merges too): for `replay`'s grading (not in the JSON report).
    public var mergedTree: OID?

    enum CodingKeys: String, CodingKey { case commit, target, outcome, reasons, conflicts, tree }
}

/// The files and the patch of a pick, as a person previewing it reads them
/// (``PlanOptions/keepDetails``).
public struct PickDetail: Sendable {
    /// Each conflicted text file as the pick leaves it, with git's conflict markers, by path.
    public var markedFiles: [String: [UInt8]] = [:]
    /// For a clean pick: what it changes on the tree it goes onto, as `git diff` shows it.
    public var patch: String?
    /// For a clean pick: `git diff --stat`'s lines for that change.
    public var stat: String?

    public init() {}
}

/// A machine-readable reason with a sentence for people and, where there is one, the
/// commit that is the evidence (the backport carrying a marker, the culprit of `Fixes:`...).
public struct Reason: Codable, Sendable, Hashable {
    public enum Code: String, Codable, Sendable {
        /// The pick applies without conflict.
        case applies
        /// The three-way pick leaves conflicts.
        case conflicts
        /// The target's history already contains the commit itself.
        case inTargetHistory = "in-target-history"
        /// A commit on the target names it in a marker (`cherry picked from commit ...`).
        case marker
        /// A commit on the target makes the same change (same patch-id).
        case samePatchID = "same-patch-id"
        /// Picking it changes nothing on the target.
        case emptyPick = "empty-pick"
        /// None of the commits its `Fixes:` names reached the target.
        case fixesNotInTarget = "fixes-not-in-target"
        /// A commit its `Fixes:` names reached the target (directly, as a backport, or
        /// earlier in this plan).
        case fixesInTarget = "fixes-in-target"
        /// A merge commit, skipped without `--mainline`.
        case mergeCommit = "merge-commit"
        /// Not tried (`skipped`): an earlier commit of its pull request (`--units prs`) is
        /// not clean on the target, and a pull request goes whole or not at all.
        case unitIncomplete = "unit-incomplete"
        /// The pick follows a file the target has under another name (rename detection):
        /// informative, the pick is still judged on its merge.
        case renamedPath = "renamed-path"
        /// Informative: a commit on the target has the same subject and author but a
        /// different patch; it may be this fix, backported with changes.
        case possiblyApplied = "possibly-applied"
        /// Informative, on a stacked clean pick: it is clean only on top of earlier picks of
        /// the plan (`commit`, the first of them); on the bare target it conflicts.
        case stackedOn = "stacked-on"
        /// Informative, on a delete/modify conflict: the target files holding most of the
        /// content of the file it lacks (moved and rewritten, or split), with their shares.
        case contentElsewhere = "content-elsewhere"
        /// Adaptation signal: a file the fix edits is not on the target, even under rename
        /// detection (with where its content went, when it moved or was split).
        case missingFile = "missing-file"
        /// Adaptation signal: most of the lines the fix edits or sits beside are not in the
        /// target's file (the share found, by file).
        case restructured
        /// Adaptation signal: lines the fix rewrites that the target changed in its own way,
        /// which the fix's new lines do not carry (how many, and some with the target's version).
        case divergedLines = "diverged-lines"
        /// Adaptation signal: names the fix's added lines use, which the source has and the
        /// target has nowhere (each with a file that has it on the source).
        case missingSymbol = "missing-symbol"
        /// Adaptation signal: commits only on the source last changed the lines the fix
        /// edits (oldest first, the order to pick them in; `commit`, the oldest).
        case prerequisite
        /// Adaptation signal: an earlier candidate of the plan that is not clean on this
        /// target added lines the fix edits (`commit`, that candidate).
        case dependsOnUnapplied = "depends-on-unapplied"
        /// For `needs-adaptation`: the project's own check (`--verify`) failed on the pick's
        /// result, or ran out of time; `output` has its last lines, `log` all of it.
        case verifyFailed = "verify-failed"
        /// An object the pick needs is not in the repository (a partial clone, a mirror
        /// without some blobs): the pick could not be tried.
        case missingObject = "missing-object"
        /// The pick could not be tried for another reason (a corrupt object, a commit that
        /// cannot be parsed): the message names it.
        case pickFailed = "pick-failed"
    }

    public var code: Code
    public var message: String
    public var commit: OID?
    /// Output a person needs to read (the last lines of a failed `--verify` command).
    public var output: [String]?
    /// Where the whole output is kept.
    public var log: String?

    public init(_ code: Code, _ message: String, commit: OID? = nil, output: [String]? = nil, log: String? = nil) {
        self.code = code
        self.message = message
        self.commit = commit
        self.output = output
        self.log = log
    }
}

/// One conflicted path of a pick.
public struct ConflictReport: Codable, Sendable, Hashable {
    /// What clashed, as git's merge names it (`CONFLICT (<kind>)`).
    public enum Kind: String, Codable, Sendable {
        /// Both the target and the fix changed the same lines.
        case content
        /// The target modified the file; the fix deletes it.
        case modifyDelete = "modify/delete"
        /// The target deleted the file (and no rename was found); the fix modifies it.
        case deleteModify = "delete/modify"
        /// Both added a file at this path with different content.
        case addAdd = "add/add"
        /// One side renamed the file, the other deleted it.
        case renameDelete = "rename/delete"
        /// Both sides renamed the file, to different names.
        case renameRename = "rename/rename"
        /// The file's mode (executable bit) changed differently on each side.
        case mode
        /// The path is a different kind of thing on each side: file, symlink or submodule.
        case type
        /// The path is a file on one side and a folder on the other.
        case fileDirectory = "file/directory"
        /// A submodule moved to different commits on each side.
        case submodule
        /// The fix adds a file to a folder the target renamed: git moves it to the new
        /// folder and asks a person to confirm (`merge.directoryRenames`, default `conflict`).
        case fileLocation = "file-location"
        /// A folder one side removed, that the other side adds a file directly into, had
        /// its files renamed to several folders, none of them taking more than the others:
        /// git cannot tell where the folder went, leaves the new files where they are and
        /// calls the merge unclean without a conflicted file. The path is the folder's.
        case directoryRenameSplit = "directory-rename-split"
    }

    /// The lines of one conflict region, 1-based, from its `<<<<<<<` line to its
    /// `>>>>>>>` line, in the file as the pick leaves it.
    public struct Region: Codable, Sendable, Hashable {
        public var first: Int
        public var last: Int

        public init(first: Int, last: Int) {
            self.first = first
            self.last = last
        }
    }

    /// Where the conflict is left: the target's name for the file.
    public var path: String
    public var kind: Kind
    /// For text conflicts: every conflict region.
    public var regions: [Region]?
    /// True when the file merges as binary (its content, or a `merge`/`binary` attribute):
    /// a person picks one side whole.
    public var binary: Bool
    /// The file's path in the merge base, the target and the fix, where they differ.
    public var ancestorPath: String?
    public var targetPath: String?
    public var fixPath: String?
}
