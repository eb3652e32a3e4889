import Foundation
import Git

/// Renders a ``Plan`` as the table a person reads at a glance, then the details of
/// everything that was not clean.
public struct TextRenderer {
    public var colour: Bool
    /// The widest the subject column may be.
    public var subjectWidth = 48

    public init(colour: Bool) { self.colour = colour }

    public func render(_ plan: Plan) -> String {
        var out = "source \(plan.source.branch) at \(plan.source.head.short()), "
        out += "\(plan.candidates.count) candidate\(plan.candidates.count == 1 ? "" : "s"), "
        out += plan.stacked ? "clean picks stacked\n" : "each candidate tried on the bare target tip\n"
        guard !plan.candidates.isEmpty else {
            return out + "nothing to backport onto \(plan.targets.map(\.branch).joined(separator: ", "))\n"
        }
        out += "\n"
        let subjects = plan.candidates.map { Self.truncate($0.subject, to: subjectWidth) }
        let subjectColumn = max(7, subjects.map(\.count).max() ?? 0)
        let widths = plan.targets.map { max($0.branch.count, Outcome.allCases.map(\.rawValue.count).max()!) }
        var header = Self.pad("commit", 10) + "  " + Self.pad("subject", subjectColumn)
        for (target, width) in zip(plan.targets, widths) { header += "  " + Self.pad(target.branch, width) }
        out += header.trimmingTrailingSpaces() + "\n"
        let byCommit = plan.resultsByCommit()
        for (candidate, subject) in zip(plan.candidates, subjects) {
            var row = candidate.commit.short() + "  " + Self.pad(subject, subjectColumn)
            for (target, width) in zip(plan.targets, widths) {
                let cell = byCommit[candidate.commit]?.first { $0.target == target.branch }
                let text = cell?.outcome.rawValue ?? "·"
                row += "  " + paint(Self.pad(text, width), cell?.outcome)
            }
            out += row.trimmingTrailingSpaces() + "\n"
        }
        out += "\n" + Self.summary(plan) + "\n"

        var details = ""
        for candidate in plan.candidates {
            let results = (byCommit[candidate.commit] ?? []).filter { $0.outcome != .clean }
            guard !results.isEmpty || !candidate.warnings.isEmpty else { continue }
            details += "\n\(candidate.commit.short()) \(candidate.subject)\n"
            for warning in candidate.warnings { details += "  warning: \(warning)\n" }
            for result in results {
                details += "  \(result.target): \(paint(result.outcome.rawValue, result.outcome))"
                details += result.reasons.first.map { " — \(PathCoding.displayed($0.message))" } ?? ""
                details += "\n"
                for reason in result.reasons.dropFirst() { details += "    \(PathCoding.displayed(reason.message))\n" }
                for conflict in result.conflicts { details += "    \(Self.describe(conflict))\n" }
            }
        }
        if !details.isEmpty { out += details }
        return out
    }

    /// One line for a conflicted path: `content       src/a.c: 2 regions (lines 12-20, 40-47)`.
    static func describe(_ conflict: ConflictReport) -> String {
        var line = pad(conflict.kind.rawValue, 13) + " " + PathCoding.displayed(conflict.path)
        let names = [conflict.ancestorPath.map { "base \($0)" }, conflict.targetPath.map { "target \($0)" },
                     conflict.fixPath.map { "fix \($0)" }].compactMap { $0.map(PathCoding.displayed) }
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

/// Renders a ``Plan`` as the versioned JSON document of Docs/report-schema.md.
public struct JSONRenderer {
    public init() {}

    public func render(_ plan: Plan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(plan), as: UTF8.self) + "\n"
    }
}

/// Renders a ``Plan`` as a comment for a pull request or an issue.
public struct MarkdownRenderer {
    public init() {}

    public func render(_ plan: Plan) -> String {
        var out = "### Backport plan from `\(plan.source.branch)` (\(plan.source.head.short()))\n\n"
        guard !plan.candidates.isEmpty else {
            return out + "Nothing to backport onto " + plan.targets.map { "`\($0.branch)`" }.joined(separator: ", ") + ".\n"
        }
        out += "| commit | subject |" + plan.targets.map { " `\($0.branch)` |" }.joined() + "\n"
        out += "|---|---|" + String(repeating: "---|", count: plan.targets.count) + "\n"
        let byCommit = plan.resultsByCommit()
        for candidate in plan.candidates {
            out += "| `\(candidate.commit.short())` | \(Self.escape(candidate.subject)) |"
            for target in plan.targets {
                let outcome = byCommit[candidate.commit]?.first { $0.target == target.branch }?.outcome
                out += " " + (outcome.map { Self.label($0) } ?? "·") + " |"
            }
            out += "\n"
        }
        out += "\n" + TextRenderer.summary(plan) + "\n"
        let notable = plan.results.filter { $0.outcome != .clean }
        let warned = plan.candidates.filter { !$0.warnings.isEmpty }
        if !notable.isEmpty || !warned.isEmpty {
            out += "\n<details><summary>Details</summary>\n\n"
            for candidate in plan.candidates {
                let results = notable.filter { $0.commit == candidate.commit }
                guard !results.isEmpty || !candidate.warnings.isEmpty else { continue }
                out += "- `\(candidate.commit.short())` \(Self.escape(candidate.subject))\n"
                for warning in candidate.warnings { out += "  - ⚠ \(Self.escape(warning))\n" }
                for result in results {
                    out += "  - `\(result.target)`: **\(result.outcome.rawValue)**"
                    out += result.reasons.map { " — " + Self.escape(PathCoding.displayed($0.message)) }.joined()
                    out += "\n"
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
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
