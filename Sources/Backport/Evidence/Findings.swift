import Git

/// What one evidence step established about a (candidate, target) pair.
enum Finding {
    /// The candidate cannot be picked as it is (a merge without `--mainline`).
    case cannotPick(Reason)
    /// The target already has the fix: its history, a marker, the same patch-id, or a
    /// pick that changes nothing.
    case alreadyThere(Reason)
    /// A commit the fix's `Fixes:` names reached the target: the fix is meant for it.
    case fixesReached(Reason)
    /// No commit the fix's `Fixes:` names reached the target: the bug never did.
    case fixesMissed(Reason)
    /// The pick's merge.
    case merged(PickOutput)
    /// The pick merges, but the result must be reworked for the target (the project's own
    /// check failed on it; later, the adaptation signals).
    case needsRework(Reason)
    /// Evidence for people that decides nothing (a file followed through a rename).
    case note(Reason)
    /// An adaptation signal fired (``Signal``): ``OutcomePolicy`` says whether it makes the
    /// merge `needs-adaptation` or only informs.
    case signal(Reason)
    /// The step could not be done: an object it needs is missing or corrupt.
    case failed(Reason)

    /// The reason this finding gives, if it gives one.
    var reason: Reason? {
        switch self {
        case .cannotPick(let r), .alreadyThere(let r), .fixesReached(let r), .fixesMissed(let r), .note(let r), .failed(let r),
             .needsRework(let r), .signal(let r):
            return r
        case .merged:
            return nil
        }
    }
}

/// The one outcome policy: reads the findings of the evidence steps, in the order they
/// ran, and says when they settle the outcome and which it is (DESIGN.md §3).
///
/// The steps run cheapest first; the first finding that settles the outcome stops them,
/// so a fix found by its marker is never merged. The adaptation signals are findings read
/// here too: ``reworks(_:mergedCleanly:)`` is the whole policy of which of them turn a
/// merge into `needs-adaptation` (Docs/adaptation.md).
enum OutcomePolicy {
    /// True when no later step can change the outcome.
    static func isSettled(_ findings: [Finding]) -> Bool {
        findings.contains { finding in
            switch finding {
            case .cannotPick, .alreadyThere, .fixesMissed, .failed: return true
            case .fixesReached, .merged, .note, .needsRework, .signal: return false
            }
        }
    }

    /// The outcome a finding speaks for, if it speaks for one.
    static func outcome(of finding: Finding) -> Outcome? {
        switch finding {
        case .failed: return .error
        case .cannotPick: return .skipped
        case .alreadyThere: return .alreadyApplied
        case .fixesMissed: return .notAffected
        case .merged(let merge): return merge.tree == nil ? .conflicted : .clean
        case .needsRework: return .needsAdaptation
        case .fixesReached, .note, .signal: return nil
        }
    }

    /// The outcome of all the findings: the strongest one any of them speaks for, where a
    /// signal that ``reworks(_:mergedCleanly:)`` the merge speaks for `needs-adaptation`.
    static func outcome(of findings: [Finding]) -> Outcome {
        let outcome = findings.compactMap(outcome(of:)).max { rank($0) < rank($1) } ?? .clean
        guard outcome == .clean || outcome == .conflicted else { return outcome }
        return findings.contains { isDeciding($0, mergedCleanly: outcome == .clean) } ? .needsAdaptation : outcome
    }

    /// True when `finding` is a signal that turns this merge into `needs-adaptation`.
    static func isDeciding(_ finding: Finding, mergedCleanly: Bool) -> Bool {
        guard case .signal(let reason) = finding else { return false }
        return reworks(reason.code, mergedCleanly: mergedCleanly)
    }

    /// The adaptation policy: whether a signal makes a merge `needs-adaptation`. Measured
    /// with `replay` on containerd, etcd and telegraf (Docs/adaptation.md).
    ///
    /// - `missing-file`, `restructured` and `diverged-lines` (conflicted merges) say the code
    ///   the fix changes is not what the target has: its conflict is not one a person
    ///   settles by choosing lines (for `diverged-lines`: lines of the fix must be written
    ///   again against the target's).
    /// - `missing-symbol` says the fix relies on what the target lacks: on a clean merge it
    ///   is the only evidence there is; on a conflicted one it does not decide (it lowered
    ///   the balanced accuracy of the replays, 0.74 to 0.72), and is looked for only in
    ///   `preview` (``TargetRun``).
    /// - `prerequisite`, `depends-on-unapplied` and `renamed-path` explain a conflict or a
    ///   pick; alone they do not say the fix must be rewritten (a maintainer picks the
    ///   earlier commit first, or resolves the lines; `prerequisite` fires on nearly every
    ///   conflicted pick of a long-diverged branch).
    static func reworks(_ code: Reason.Code, mergedCleanly: Bool) -> Bool {
        switch code {
        case .missingFile, .restructured, .divergedLines: return !mergedCleanly
        case .missingSymbol: return mergedCleanly
        default: return false
        }
    }

    /// Which outcome wins when findings speak for several (an error beats everything; a
    /// merge's clean or conflicted call counts only when nothing settled the pick first).
    private static func rank(_ outcome: Outcome) -> Int {
        switch outcome {
        case .clean: return 0
        case .conflicted: return 1
        case .needsAdaptation: return 2
        case .notAffected: return 3
        case .alreadyApplied: return 4
        case .skipped: return 5
        case .error: return 6
        }
    }
}
