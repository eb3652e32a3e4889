import Foundation

/// Renders a ``ReplayReport`` for people: the confusion table (our outcome against what
/// the maintainer did), the measures of `needs-adaptation`, then the backports behind each
/// cell.
public struct ReplayRenderer {
    /// Every backport of every cell, not the first few.
    public var verbose = false
    /// Backports listed per cell unless `verbose`.
    static let listed = 8

    public init(verbose: Bool = false) { self.verbose = verbose }

    public func render(_ report: ReplayReport) -> String {
        let m = report.measures
        var out = "replay of \(report.backports.count) backport\(report.backports.count == 1 ? "" : "s") on \(report.target) (tip \(report.head.short()))\n\n"
        let outcomes = Outcome.allCases.filter { m.table[$0.rawValue] != nil }
        let columns = Grade.allCases.map(\.rawValue) + ["total"]
        out += "outcome".padding(toLength: 18, withPad: " ", startingAt: 0) + columns.map { pad($0, 11) }.joined() + "\n"
        for outcome in outcomes {
            let row = m.table[outcome.rawValue] ?? [:]
            let counts = Grade.allCases.map { row[$0.rawValue] ?? 0 }
            out += outcome.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)
                + (counts + [counts.reduce(0, +)]).map { pad(String($0), 11) }.joined() + "\n"
        }
        let totals = Grade.allCases.map { g in outcomes.map { m.table[$0.rawValue]?[g.rawValue] ?? 0 }.reduce(0, +) }
        out += "total".padding(toLength: 18, withPad: " ", startingAt: 0) + (totals + [totals.reduce(0, +)]).map { pad(String($0), 11) }.joined() + "\n\n"
        out += "among the \(m.conflictedPicks) picks whose merge conflicts, needs-adaptation for rewritten:\n"
        out += "  precision \(fmt(m.precision)) (\(m.truePositives)/\(m.truePositives + m.falsePositives)), "
        out += "recall \(fmt(m.recall)) (\(m.truePositives)/\(m.truePositives + m.falseNegatives)), "
        out += "specificity \(fmt(m.specificity)) (\(m.trueNegatives)/\(m.trueNegatives + m.falsePositives)), "
        out += "balanced accuracy \(fmt(m.balancedAccuracy))\n"
        out += "as-is backports kept clean: \(m.asIsClean) of \(m.asIs) (\(m.asIsCleanShare.map { String(format: "%.1f%%", $0 * 100) } ?? "-"))\n"
        for outcome in outcomes {
            for grade in Grade.allCases {
                let cell = report.backports.filter { $0.outcome == outcome && $0.grade == grade }
                guard !cell.isEmpty else { continue }
                out += "\n\(outcome.rawValue) / \(grade.rawValue) (\(cell.count)):\n"
                for b in verbose ? cell[...] : cell.prefix(Self.listed) {
                    let why = b.reasons.first { [.missingFile, .restructured, .divergedLines, .missingSymbol, .prerequisite].contains($0.code) }
                    out += "  \(b.backport.short()) <- \(b.upstream.short()) \(String(format: "%.2f", b.similarity)) \(b.subject.prefix(60))"
                    out += why.map { "\n      \($0.code.rawValue): \($0.message.prefix(160))" } ?? ""
                    out += "\n"
                }
                if !verbose, cell.count > Self.listed { out += "  ... and \(cell.count - Self.listed) more (--verbose)\n" }
            }
        }
        return out
    }

    private func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }

    private func fmt(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }
}
