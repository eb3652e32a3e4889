import Foundation
import Git

/// A plan read as `preview` shows it: per target, each pick with the conflicts as git would
/// leave them in the files (every region with a few lines around it), the diff of a clean
/// pick, or the evidence that settled it.
public struct Preview: Encodable {
    /// One conflict region, as data: its lines in the marked-up file, and each side's lines.
    public struct Region: Encodable {
        public var first: Int
        public var last: Int
        public var ours: [String]
        /// The base's lines (`diff3` and `zdiff3` styles only).
        public var base: [String]?
        public var theirs: [String]
    }

    public struct Conflict: Encodable {
        public var path: String
        public var kind: ConflictReport.Kind
        public var binary: Bool
        public var regions: [Region]
    }

    public struct Pick: Encodable {
        public var commit: OID
        public var subject: String
        public var outcome: Outcome
        public var reasons: [Reason]
        public var conflicts: [Conflict]
        /// For a clean pick: what it changes, as `git diff` shows it, and its `--stat`.
        public var patch: String?
        public var stat: String?
    }

    public struct Target: Encodable {
        public var branch: String
        public var picks: [Pick]
    }

    public var version = 1
    public var source: SourceReport
    public var targets: [Target]

    public init(_ plan: Plan) {
        source = plan.source
        let subjects = Dictionary(plan.candidates.map { ($0.commit, $0.subject) }, uniquingKeysWith: { a, _ in a })
        targets = plan.targets.map { target in
            Target(branch: target.branch, picks: plan.results.filter { $0.target == target.branch }.map { result in
                Pick(commit: result.commit, subject: subjects[result.commit] ?? "", outcome: result.outcome, reasons: result.reasons,
                     conflicts: result.conflicts.map { conflict in
                         let text = result.detail?.markedFiles[conflict.path]
                         return Conflict(path: conflict.path, kind: conflict.kind, binary: conflict.binary,
                                         regions: text.map { Self.regions(of: Self.lines($0), in: conflict.regions ?? []) } ?? [])
                     },
                     patch: result.detail?.patch, stat: result.detail?.stat)
            })
        }
    }

    /// A file's lines, without their line ends.
    static func lines(_ bytes: [UInt8]) -> [String] {
        var lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if bytes.last == 0x0a { lines.removeLast() }
        return lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    }

    /// Each region's sides, read between its markers (`|||||||` starts the base, `=======`
    /// theirs).
    static func regions(of lines: [String], in spans: [ConflictReport.Region]) -> [Region] {
        spans.map { span in
            var region = Region(first: span.first, last: span.last, ours: [], base: nil, theirs: [])
            var part = 0  // 0 ours, 1 base, 2 theirs
            // The lines between the markers (1-based first + 1 to last - 1).
            for line in lines[min(span.first, lines.count)..<max(min(span.last - 1, lines.count), min(span.first, lines.count))] {
                if part < 1, line.hasPrefix("|||||||") { part = 1; region.base = []; continue }
                if part < 2, line == "=======" { part = 2; continue }
                switch part {
                case 0: region.ours.append(line)
                case 1: region.base?.append(line)
                default: region.theirs.append(line)
                }
            }
            return region
        }
    }
}

/// Renders a ``Preview`` for people: a section per target, each pick's outcome, each
/// conflict region with its line numbers and `context` lines around it, a clean pick's
/// stat and patch.
public struct PreviewRenderer {
    public var context = 3
    /// Only the stat of a clean pick, not its patch.
    public var statOnly = false

    public init(context: Int = 3, statOnly: Bool = false) {
        self.context = context
        self.statOnly = statOnly
    }

    public func render(_ plan: Plan) -> String {
        let preview = Preview(plan)
        var out = ""
        for target in preview.targets {
            out += "== \(target.branch) ==\n"
            for pick in target.picks {
                out += "\n\(pick.commit.short()) \(PathCoding.displayed(pick.subject)): \(pick.outcome.rawValue)\n"
                for reason in pick.reasons { out += "  \(PathCoding.displayed(reason.message))\n" }
                if let stat = pick.stat, !stat.isEmpty {
                    out += "\n" + stat.split(separator: "\n").map { "  " + PathCoding.displayed(String($0)) + "\n" }.joined()
                }
                if !statOnly, let patch = pick.patch, !patch.isEmpty { out += "\n" + PathCoding.displayed(patch, keepingLines: true) }
                // The plan's own facts of each conflict (kind, names, regions) for its line, the
                // preview's regions for the excerpt.
                let result = plan.result(for: pick.commit, on: target.branch)
                for (report, conflict) in zip(result?.conflicts ?? [], pick.conflicts) {
                    out += "\n  \(TextRenderer.describe(report))\n"
                    guard let text = result?.detail?.markedFiles[conflict.path] else { continue }
                    out += excerpt(Preview.lines(text), regions: conflict.regions)
                }
            }
            out += "\n"
        }
        return out
    }

    /// The regions with `context` lines around them, numbered; overlapping spans merge.
    private func excerpt(_ lines: [String], regions: [Preview.Region]) -> String {
        var spans: [ClosedRange<Int>] = []
        for region in regions {
            let span = max(1, region.first - context)...min(lines.count, region.last + context)
            if let last = spans.last, last.upperBound + 1 >= span.lowerBound {
                spans[spans.count - 1] = last.lowerBound...max(last.upperBound, span.upperBound)
            } else {
                spans.append(span)
            }
        }
        let width = String(lines.count).count
        var out = ""
        for (i, span) in spans.enumerated() {
            if i > 0 { out += "    " + String(repeating: " ", count: width) + " ⋮\n" }
            for number in span {
                out += "    " + String(repeating: " ", count: width - String(number).count) + "\(number) │ "
                    + PathCoding.displayed(lines[number - 1], keepingLines: true) + "\n"
            }
        }
        return out
    }
}
