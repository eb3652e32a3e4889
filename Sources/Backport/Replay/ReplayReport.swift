import Git

/// The report of `git backport replay`: how the tool would have classified the backports a
/// target already has, beside what their maintainers did. A value; Docs/adaptation.md
/// explains the grading and the measures.
public struct ReplayReport: Codable, Sendable {
    public static let currentSchemaVersion = 1

    public var schemaVersion = ReplayReport.currentSchemaVersion
    /// The target as named with `--onto`, and its tip.
    public var target: String
    public var head: OID
    /// Every backport replayed, newest first.
    public var backports: [ReplayedBackport]
    /// What the backports say about the signals (``ReplayMeasures``).
    public var measures: ReplayMeasures

    init(target: String, head: OID, backports: [ReplayedBackport]) {
        self.target = target
        self.head = head
        self.backports = backports
        measures = ReplayMeasures(backports)
    }
}

/// What a maintainer's backport did with the upstream commit's change.
public enum Grade: String, Codable, Sendable, CaseIterable {
    /// The backport's tree is the tree of the clean pick.
    case asIs = "as-is"
    /// Otherwise, at least ``ReplayMeasures/resolvedSimilarity`` of the lines the two
    /// commits add are the same (Jaccard of the multisets): the conflict was settled.
    case resolved
    /// Less than that: the fix was rewritten for the target.
    case rewritten
}

/// One backport commit B of the target, and its upstream commit U picked onto B's parent.
public struct ReplayedBackport: Codable, Sendable {
    public var backport: OID
    public var upstream: OID
    public var subject: String
    /// The outcome `plan` gives U on B's parent.
    public var outcome: Outcome
    /// True when the merge itself conflicts (what git would call conflicted).
    public var conflicted: Bool
    public var grade: Grade
    /// Jaccard similarity of the lines B and U add (1 for as-is).
    public var similarity: Double
    public var reasons: [Reason]
    /// The raw measures behind the signals on a conflicted pick (`linesFound` of
    /// `linesLookedFor`, `conflictTargetLines`, `conflictFixLines`, `fixChangedLines`...),
    /// to tune the thresholds on a project's own history.
    public var measures: [String: Double] = [:]
}

/// The confusion table and the measures of `needs-adaptation` against what maintainers did.
public struct ReplayMeasures: Codable, Sendable {
    /// The least Jaccard similarity of added lines for *resolved*.
    public static let resolvedSimilarity = 0.8

    /// Counts by our outcome, then by grade: `table["conflicted"]["rewritten"]`.
    public var table: [String: [String: Int]]
    /// Among the picks whose merge conflicts: `needs-adaptation` predicting *rewritten*.
    public var conflictedPicks: Int
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    public var trueNegatives: Int
    public var precision: Double?
    public var recall: Double?
    public var specificity: Double?
    public var balancedAccuracy: Double?
    /// Among the *as-is* backports: how many we call `clean`.
    public var asIs: Int
    public var asIsClean: Int
    public var asIsCleanShare: Double?

    init(_ backports: [ReplayedBackport]) {
        var table: [String: [String: Int]] = [:]
        for b in backports { table[b.outcome.rawValue, default: [:]][b.grade.rawValue, default: 0] += 1 }
        self.table = table
        let conflicted = backports.filter { $0.conflicted && ($0.outcome == .conflicted || $0.outcome == .needsAdaptation) }
        conflictedPicks = conflicted.count
        truePositives = conflicted.filter { $0.outcome == .needsAdaptation && $0.grade == .rewritten }.count
        falsePositives = conflicted.filter { $0.outcome == .needsAdaptation && $0.grade != .rewritten }.count
        falseNegatives = conflicted.filter { $0.outcome == .conflicted && $0.grade == .rewritten }.count
        trueNegatives = conflicted.filter { $0.outcome == .conflicted && $0.grade != .rewritten }.count
        precision = Self.ratio(truePositives, truePositives + falsePositives)
        recall = Self.ratio(truePositives, truePositives + falseNegatives)
        specificity = Self.ratio(trueNegatives, trueNegatives + falsePositives)
        if let r = recall, let s = specificity { balancedAccuracy = (r + s) / 2 } else { balancedAccuracy = nil }
        let asIsPicks = backports.filter { $0.grade == Grade.asIs }
        asIs = asIsPicks.count
        asIsClean = asIsPicks.filter { $0.outcome == .clean }.count
        asIsCleanShare = Self.ratio(asIsClean, asIs)
    }

    private static func ratio(_ a: Int, _ b: Int) -> Double? { b == 0 ? nil : Double(a) / Double(b) }
}
