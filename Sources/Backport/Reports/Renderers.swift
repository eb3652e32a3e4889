import Foundation
import Git

/// Which rows a report shows: `--only` some outcomes, or `--hide` some.
public struct OutcomeFilter: Sendable, Equatable {
    /// Only results with these outcomes (nil: every outcome).
    public var only: Set<Outcome>?
    /// Never results with these outcomes.
    public var hidden: Set<Outcome> = []

    public init(only: Set<Outcome>? = nil, hidden: Set<Outcome> = []) {
        self.only = only
        self.hidden = hidden
    }

    public func shows(_ outcome: Outcome) -> Bool {
        !hidden.contains(outcome) && (only?.contains(outcome) ?? true)
    }

    /// The candidates with at least one result shown (every candidate without a filter).
    func candidates(of plan: Plan) -> [CandidateReport] {
        guard only != nil || !hidden.isEmpty else { return plan.candidates }
        let byCommit = plan.resultsByCommit()
        return plan.candidates.filter { candidate in (byCommit[candidate.commit] ?? []).contains { shows($0.outcome) } }
    }
}

/// Renders a ``Plan`` as the table a person reads at a glance, then the details of
/// everything that was not clean.
///
/// The table fits `width` columns: targets are named by version where they have one,
/// outcomes by a short word (with a legend), subjects get what is left; targets that do
/// not fit beside at least a short subject go to a further table below.
public struct TextRenderer {
    public var colour: Bool
    /// The columns the table may use (the terminal's width).
    public var width = 80
    /// Every conflicted path and reason in the details, not the first few.
    public var verbose = false
    /// The rows shown.
    public var filter = OutcomeFilter()

    /// The least a subject column keeps before targets go to another table.
    static let minimumSubject = 16
    /// Conflicted paths listed per result unless `verbose`.
    static let pathsShown = 10

    public init(colour: Bool, width: Int = 80, verbose: Bool = false, filter: OutcomeFilter = OutcomeFilter()) {
        self.colour = colour
        self.width = max(40, width)
        self.verbose = verbose
        self.filter = filter
    }

    public func render(_ plan: Plan) -> String {
        var out = "source \(plan.source.branch) at \(plan.source.head.short()), "
        out += "\(plan.candidates.count) candidate\(plan.candidates.count == 1 ? "" : "s"), "
        if let units = plan.units { out += "in \(units.count) unit\(units.count == 1 ? "" : "s"), " }
        out += plan.stacked ? "clean picks stacked\n" : "each candidate tried on the bare target tip\n"
        guard !plan.candidates.isEmpty else {
            return out + "nothing to backport onto \(plan.targets.map(\.branch).joined(separator: ", "))\n"
        }
        let candidates = filter.candidates(of: plan)
        let byCommit = plan.resultsByCommit()
        for columns in tables(plan) {
            out += "\n" + table(plan, candidates: candidates, targets: columns, byCommit: byCommit)
        }
        if candidates.isEmpty { out += "(no row has an outcome shown)\n" }
        out += "\n" + Self.wrap(Self.summary(plan).components(separatedBy: ", "), width: width) + "\n"
        out += legend(plan) + "\n"

        var details = ""
        for candidate in candidates {
            let results = (byCommit[candidate.commit] ?? []).filter { $0.isNotable && filter.shows($0.outcome) }
            let followUps = candidate.followUps ?? []
            guard !results.isEmpty || !candidate.warnings.isEmpty || !followUps.isEmpty else { continue }
            details += "\n\(candidate.commit.short()) \(PathCoding.displayed(candidate.subject))\n"
            for warning in candidate.warnings { details += "  warning: \(PathCoding.displayed(warning))\n" }
            for id in followUps {
                let subject = plan.candidates.first { $0.commit == id }.map { " " + PathCoding.displayed($0.subject) } ?? ""
                details += "  follow-up fix: \(id.short())\(subject) (its Fixes: names this commit; carry them together)\n"
            }
            for result in results {
                details += "  \(result.target): \(paint(result.outcome.rawValue, result.outcome))"
                details += result.reasons.first.map { " — \(PathCoding.displayed($0.message))" } ?? ""
                details += "\n"
                for reason in result.reasons.dropFirst() { details += "    \(PathCoding.displayed(reason.message))\n" }
                for line in result.reasons.compactMap(\.output).joined() { details += "      │ \(PathCoding.displayed(line))\n" }
                let shown = verbose ? result.conflicts[...] : result.conflicts.prefix(Self.pathsShown)
                for conflict in shown { details += "    \(Self.describe(conflict))\n" }
                if shown.count < result.conflicts.count {
                    details += "    ... and \(result.conflicts.count - shown.count) more (--verbose lists them)\n"
                }
            }
        }
        if !details.isEmpty { out += details }
        return out
    }

    /// A target's column heading: its version where it has one no other target shares,
    /// else its branch name.
    static func heading(_ target: TargetReport, among targets: [TargetReport]) -> String {
        guard let version = target.version, targets.filter({ $0.version == version }).count == 1 else { return target.branch }
        return version
    }

    /// The short word of an outcome in a table cell.
    static func cell(_ outcome: Outcome) -> String {
        switch outcome {
        case .clean: return "clean"
        case .conflicted: return "confl"
        case .needsAdaptation: return "adapt"
        case .alreadyApplied: return "done"
        case .notAffected: return "n/a"
        case .skipped: return "skip"
        case .error: return "error"
        }
    }

    private static let commitColumn = 10
    private static let cellWidth = 5

    private func columnWidth(_ target: TargetReport, _ targets: [TargetReport]) -> Int {
        max(Self.cellWidth, Self.heading(target, among: targets).count)
    }

    /// The targets of each table: as few tables as fit each beside a subject of the
    /// minimum width (at least one target a table), the targets spread evenly over them.
    private func tables(_ plan: Plan) -> [[TargetReport]] {
        let room = width - Self.commitColumn - 2 - Self.minimumSubject
        let columns = plan.targets.map { 2 + columnWidth($0, plan.targets) }
        func fits(_ chunk: ArraySlice<Int>) -> Bool { chunk.count == 1 || chunk.reduce(0, +) <= room }
        // The fewest tables in which an even split fits.
        for count in 1...max(1, plan.targets.count) {
            let size = (plan.targets.count + count - 1) / count
            let starts = stride(from: 0, to: plan.targets.count, by: size)
            if starts.allSatisfy({ fits(columns[$0..<min($0 + size, columns.count)]) }) {
                return starts.map { Array(plan.targets[$0..<min($0 + size, plan.targets.count)]) }
            }
        }
        return plan.targets.map { [$0] }
    }

    private func table(_ plan: Plan, candidates: [CandidateReport], targets: [TargetReport],
                       byCommit: [OID: [PickResult]]) -> String {
        let widths = targets.map { columnWidth($0, plan.targets) }
        let room = width - Self.commitColumn - 2 - widths.reduce(0) { $0 + 2 + $1 }
        let longest = candidates.map { PathCoding.displayed($0.subject).count }.max() ?? 0
        let subjectColumn = max(7, min(longest, room))
        var out = Self.pad("commit", Self.commitColumn) + "  " + Self.pad("subject", subjectColumn)
        for (target, width) in zip(targets, widths) { out += "  " + Self.pad(Self.heading(target, among: plan.targets), width) }
        out = out.trimmingTrailingSpaces() + "\n"
        func row(_ id: String, _ subject: String, _ outcome: (TargetReport) -> Outcome?) {
            var row = Self.pad(id, Self.commitColumn) + "  " + Self.pad(Self.truncate(subject, to: subjectColumn), subjectColumn)
            for (target, width) in zip(targets, widths) {
                let outcome = outcome(target)
                row += "  " + paint(Self.pad(outcome.map(Self.cell) ?? "·", width), outcome)
            }
            out += row.trimmingTrailingSpaces() + "\n"
        }
        let units = Dictionary((plan.units ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var previous: OID?
        for candidate in candidates {
            // A pull request's row (`--units prs`), then its commits beneath, indented.
            let report = candidate.unit.flatMap { units[$0] }
            let shown = report.flatMap(Self.unitRow)
            if candidate.unit != previous, let shown, let report {
                row(shown, PathCoding.displayed(report.title)) { plan.outcome(ofUnit: report, on: $0.branch) }
            }
            previous = candidate.unit
            // A pull request of one commit is one row, its number after the subject.
            let number = shown == nil ? report?.number : nil
            let subject = (shown == nil ? "" : "  ") + PathCoding.displayed(candidate.subject)
                + (number.map { subject in candidate.subject.hasSuffix("(#\(subject))") ? "" : " (#\(subject))" } ?? "")
            row(candidate.commit.short(), subject) { target in
                byCommit[candidate.commit]?.first { $0.target == target.branch }?.outcome
            }
        }
        return out
    }

    /// The first column of a pull request's own row: `#123`, or its merge's id; nil for a
    /// unit that is one commit standing for itself (its row says it all).
    static func unitRow(_ unit: UnitReport) -> String? {
        if unit.commits.count == 1 { return nil }
        return unit.number.map { "#\($0)" } ?? unit.id.short()
    }

    /// What the table's words mean (those it uses), and which branch a version heading is.
    private func legend(_ plan: Plan) -> String {
        let used = Set(plan.results.map(\.outcome))
        var parts = Outcome.allCases.filter { used.contains($0) && Self.cell($0) != $0.rawValue }.map { outcome in
            "\(Self.cell(outcome)) = \(outcome.rawValue)"
        }
        parts.append("· = not tried (not meant for it)")
        var out = Self.wrap(parts, width: width)
        let renamed = plan.targets.filter { Self.heading($0, among: plan.targets) != $0.branch }
        // One pattern when every shortened column is the same branch name around its version.
        let patterns = Set(renamed.map { $0.branch.replacingOccurrences(of: Self.heading($0, among: plan.targets), with: "<version>") })
        if patterns.count == 1, let pattern = patterns.first, pattern.contains("<version>") {
            out += "\ncolumns: " + pattern
        } else if !renamed.isEmpty {
            out += "\n" + Self.wrap(renamed.map { "\(Self.heading($0, among: plan.targets)) = \($0.branch)" }, width: width, first: "columns: ")
        }
        return out
    }

    /// `parts` joined with commas, in lines of at most `width` columns (a part longer than
    /// that gets a line of its own).
    static func wrap(_ parts: [String], width: Int, first: String = "") -> String {
        var lines: [String] = [], line = first, empty = true
        for (i, part) in parts.enumerated() {
            let text = part + (i < parts.count - 1 ? "," : "")
            if !empty, line.count + 1 + text.count > width {
                lines.append(line)
                line = "  "
                empty = true
            }
            line += (empty ? "" : " ") + text
            empty = false
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// One line for a conflicted path: `content       src/a.c: 2 regions (lines 12-20, 40-47)`.
    static func describe(_ conflict: ConflictReport) -> String {
        var line = pad(conflict.kind.rawValue, 13) + " " + PathCoding.displayed(conflict.path)
        let names = [conflict.ancestorPath.map { "base \($0)" }, conflict.targetPath.map { "target \($0)" },
                     conflict.fixPath.map { "fix \($0)" }].compactMap { $0.map { PathCoding.displayed($0) } }
        if !names.isEmpty { line += " (" + names.joined(separator: ", ") + ")" }
        if conflict.binary {
            line += ": binary, take one side whole"
        } else if let regions = conflict.regions, !regions.isEmpty {
            line += ": \(regions.count) region\(regions.count == 1 ? "" : "s")"
            line += " (lines " + regions.map { "\($0.first)-\($0.last)" }.joined(separator: ", ") + ")"
        }
        return line
    }

    /// `12 results: 7 clean, 2 conflicted, ...` in the order of ``Outcome``.
    static func summary(_ plan: Plan) -> String {
        let counts = Outcome.allCases.compactMap { outcome -> String? in
            let n = plan.results.filter { $0.outcome == outcome }.count
            return n == 0 ? nil : "\(n) \(outcome.rawValue)"
        }
        let total = plan.results.count
        return "\(total) pick\(total == 1 ? "" : "s") on \(plan.targets.count) target\(plan.targets.count == 1 ? "" : "s"): "
            + (counts.isEmpty ? "none" : counts.joined(separator: ", "))
    }

    private func paint(_ text: String, _ outcome: Outcome?) -> String {
        guard colour, let outcome else { return text }
        let code: String
        switch outcome {
        case .clean: code = "32"
        case .conflicted: code = "31"
        case .needsAdaptation: code = "35"
        case .alreadyApplied: code = "36"
        case .notAffected, .skipped: code = "2"
        case .error: code = "1;31"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func truncate(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}

/// Renders a ``Plan`` as the versioned JSON document of Docs/report-schema.md (and every
/// other JSON document the tool prints: the branch list, a preview) in one form.
public struct JSONRenderer {
    public init() {}

    public func render(_ document: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}

/// Renders a ``Plan`` as a comment for a pull request or an issue.
public struct MarkdownRenderer {
    /// The rows shown.
    public var filter = OutcomeFilter()

    public init(filter: OutcomeFilter = OutcomeFilter()) { self.filter = filter }

    public func render(_ plan: Plan) -> String {
        var out = "### Backport plan from `\(plan.source.branch)` (\(plan.source.head.short()))\n\n"
        guard !plan.candidates.isEmpty else {
            return out + "Nothing to backport onto " + plan.targets.map { "`\($0.branch)`" }.joined(separator: ", ") + ".\n"
        }
        out += "| commit | subject |" + plan.targets.map { " `\($0.branch)` |" }.joined() + "\n"
        out += "|---|---|" + String(repeating: "---|", count: plan.targets.count) + "\n"
        let byCommit = plan.resultsByCommit()
        let candidates = filter.candidates(of: plan)
        for candidate in candidates {
            out += "| `\(candidate.commit.short())` | \(Self.escape(candidate.subject)) |"
            for target in plan.targets {
                let outcome = byCommit[candidate.commit]?.first { $0.target == target.branch }?.outcome
                out += " " + (outcome.map { Self.label($0) } ?? "·") + " |"
            }
            out += "\n"
        }
        out += "\n" + TextRenderer.summary(plan) + "\n"
        let notable = plan.results.filter { $0.isNotable && filter.shows($0.outcome) }
        let warned = candidates.filter { !$0.warnings.isEmpty || !($0.followUps ?? []).isEmpty }
        if !notable.isEmpty || !warned.isEmpty {
            out += "\n<details><summary>Details</summary>\n\n"
            for candidate in candidates {
                let results = notable.filter { $0.commit == candidate.commit }
                let followUps = candidate.followUps ?? []
                guard !results.isEmpty || !candidate.warnings.isEmpty || !followUps.isEmpty else { continue }
                out += "- `\(candidate.commit.short())` \(Self.escape(candidate.subject))\n"
                for warning in candidate.warnings { out += "  - ⚠ \(Self.escape(warning))\n" }
                for id in followUps { out += "  - follow-up fix `\(id.short())`: carry them together\n" }
                for result in results {
                    out += "  - `\(result.target)`: **\(result.outcome.rawValue)**"
                    out += result.reasons.map { " — " + Self.escape(PathCoding.displayed($0.message)) }.joined()
                    out += "\n"
                    let output = result.reasons.compactMap(\.output).joined()
                    if !output.isEmpty {
                        out += "    <details><summary>output</summary>\n\n    ```\n"
                            + output.map { "    " + PathCoding.displayed($0).replacingOccurrences(of: "```", with: "` ` `") + "\n" }.joined()
                            + "    ```\n    </details>\n"
                    }
                    for conflict in result.conflicts { out += "    - `\(TextRenderer.describe(conflict))`\n" }
                }
            }
            out += "\n</details>\n"
        }
        return out
    }

    static func label(_ outcome: Outcome) -> String {
        switch outcome {
        case .clean: return "✅ clean"
        case .conflicted: return "❌ conflicted"
        case .needsAdaptation: return "🛠 needs-adaptation"
        case .alreadyApplied: return "☑ already-applied"
        case .notAffected: return "➖ not-affected"
        case .skipped: return "⏭ skipped"
        case .error: return "⚠️ error"
        }
    }

    static func escape(_ text: String) -> String {
        PathCoding.displayed(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
    }
}

extension PickResult {
    /// Worth a line in the details: anything but a plain clean pick (a clean pick that
    /// needs earlier picks of the stack says which).
    var isNotable: Bool { outcome != .clean || reasons.contains { $0.code == .stackedOn } }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
