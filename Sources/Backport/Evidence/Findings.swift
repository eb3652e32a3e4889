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
    /// Evidence for people that decides nothing (a file followed through a rename).
    case note(Reason)
    /// The step could not be done: an object it needs is missing or corrupt.
    case failed(Reason)

    /// The reason this finding gives, if it gives one.
    var reason: Reason? {
        switch self {
        case .cannotPick(let r), .alreadyThere(let r), .fixesReached(let r), .fixesMissed(let r), .note(let r), .failed(let r):
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
/// so a fix found by its marker is never merged. The adaptation signals will be findings
/// read here too, turning a merge into `needs-adaptation`.
enum OutcomePolicy {
    /// True when no later step can change the outcome.
    static func isSettled(_ findings: [Finding]) -> Bool {
        findings.contains { finding in
            switch finding {
            case .cannotPick, .alreadyThere, .fixesMissed, .failed: return true
            case .fixesReached, .merged, .note: return false
            }
        }
    }

    static func outcome(of findings: [Finding]) -> Outcome {
        var outcome = Outcome.clean
        func rank(_ o: Outcome) -> Int {
            [.clean: 0, .conflicted: 1, .needsAdaptation: 2, .notAffected: 3, .alreadyApplied: 4, .skipped: 5, .error: 6][o]!
        }
        for finding in findings {
            let said: Outcome
            switch finding {
            case .failed: said = .error
            case .cannotPick: said = .skipped
            case .alreadyThere: said = .alreadyApplied
            case .fixesMissed: said = .notAffected
            case .merged(let merge): said = merge.tree == nil ? .conflicted : .clean
            case .fixesReached, .note: continue
            }
            if rank(said) > rank(outcome) { outcome = said }
        }
        return outcome
    }
}
