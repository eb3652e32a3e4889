import Git

/// The adaptation signals: evidence, beside the merge, that a fix must be reworked for a
/// target. Each is a reason code in the report and can be switched off in configuration
/// (`backport.signals`); how they make an outcome is ``OutcomePolicy``'s, not theirs.
/// Docs/adaptation.md explains each.
public enum Signal: String, CaseIterable, Sendable, Hashable {
    /// A file the fix edits is not on the target, even under rename detection.
    case missingFile = "missing-file"
    /// Most of the lines the fix edits or sits beside are not in the target's file.
    case restructured
    /// Lines the fix rewrites that the target changed in its own way, which its new lines do
    /// not carry.
    case divergedLines = "diverged-lines"
    /// Names the fix's added lines use, defined on the source, found nowhere on the target.
    case missingSymbol = "missing-symbol"
    /// Commits only on the source that last changed the lines the fix edits.
    case prerequisite
    /// An earlier candidate of the plan, not clean on this target, changed lines the fix edits.
    case dependsOnUnapplied = "depends-on-unapplied"
    /// The fix's file is on the target under another name (rename detection).
    case renamedPath = "renamed-path"

    /// The reason code the signal reports with.
    var code: Reason.Code {
        switch self {
        case .missingFile: return .missingFile
        case .restructured: return .restructured
        case .divergedLines: return .divergedLines
        case .missingSymbol: return .missingSymbol
        case .prerequisite: return .prerequisite
        case .dependsOnUnapplied: return .dependsOnUnapplied
        case .renamedPath: return .renamedPath
        }
    }

    /// Reads `backport.signals`: names separated by commas or spaces, `all` or `none`;
    /// nil when a name is not a signal.
    static func parseList(_ text: String) -> Set<Signal>? {
        var result = Set<Signal>()
        for word in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map({ $0.lowercased() }) {
            switch word {
            case "all": result.formUnion(Signal.allCases)
            case "none": break
            default:
                guard let signal = Signal(rawValue: word) else { return nil }
                result.insert(signal)
            }
        }
        return result
    }
}

/// What every signal reads about one pick: the fix, the trees, the merge's output, and the
/// shared caches.
struct PickEvidence {
    let repository: Repository
    let cache: AdaptationCache
    let candidate: CandidateWork
    let input: PickInput
    let output: PickOutput
    let targetName: String
    /// What the fix changes (base to fix), without rename detection.
    let fixChanges: [PathChange]

    /// The target's name for a file of the fix (another one when rename detection followed it).
    func targetPath(of fixPath: String) -> String {
        output.renamedPaths.first { $0.fix == fixPath }?.target ?? fixPath
    }

    /// The fix's text files it modifies (regular on both sides), with their line hunks.
    var modifiedFiles: [(path: String, hunks: [LineHunk])] {
        fixChanges.compactMap { change in
            guard change.status == .modified, let old = change.old, let new = change.new, old.isRegularFile, new.isRegularFile,
                  let path = change.newPath else { return nil }
            return (path, cache.hunks(from: old.blob, to: new.blob, in: repository))
        }
    }

    /// The target's version of a file of the fix, on the tree the pick goes onto.
    func targetFile(of fixPath: String) throws -> TreeEntry? {
        try repository.file(at: targetPath(of: fixPath), inTree: input.onto).flatMap { $0.isRegularFile ? $0 : nil }
    }
}
