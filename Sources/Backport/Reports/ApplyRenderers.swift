import Foundation
import Git

/// `apply`'s report for people: per target, the branch and what became of each pick.
public struct ApplyTextRenderer {
    public init() {}

    public func render(_ report: ApplyReport) -> String {
        var out = ""
        if report.targets.isEmpty { return "Nothing to apply.\n" }
        for target in report.targets {
            out += Self.headline(target, dryRun: report.dryRun) + "\n"
            for pick in target.picks {
                let id = pick.commit.short()
                let subject = PathCoding.displayed(pick.subject)
                if pick.applied {
                    let new = pick.newCommit.map { " -> \($0.short())" } ?? ""
                    let marked = pick.withConflictMarkers ? " WITH CONFLICT MARKERS" : ""
                    out += "  applied          \(id) \(subject)\(new)\(marked)\n"
                } else if let carrier = pick.onBranch {
                    out += "  on branch        \(id) \(subject) (\(carrier.short()))\n"
                } else if let why = pick.leftOut {
                    out += "  left out         \(id) \(subject)\n                   \(pick.outcome.rawValue): \(PathCoding.displayed(why))\n"
                } else {
                    out += "  \(pick.outcome.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(id) \(subject)\n"
                }
            }
            if let message = target.message { out += "  \(PathCoding.displayed(message))\n" }
            if let worktree = target.resolveWorktree {
                out += "  the stack waits for you in \(PathCoding.displayed(worktree)): resolve the conflicts, git add them, then git backport continue there\n"
            }
        }
        return out
    }

    /// `release/1.6: backport/release/1.6 created with 3 commits (a1b2c3d4e5)`.
    static func headline(_ target: TargetApplication, dryRun: Bool) -> String {
        let count = target.applied.count
        let commits = "\(count) commit\(count == 1 ? "" : "s")"
        let would = dryRun ? "would be " : ""
        let head = target.newHead.map { " (\($0.short()))" } ?? ""
        switch target.status {
        case .created: return "\(target.target): \(target.branch) \(would)created with \(commits) on \(target.base.short())\(head)"
        case .updated: return "\(target.target): \(target.branch) \(would)updated: \(commits) added\(head)"
        case .unchanged: return "\(target.target): \(target.branch) already has every pick there is: nothing written"
        case .nothing: return "\(target.target): nothing to apply, no branch made"
        case .refused: return "\(target.target): \(target.branch) not written"
        case .failed: return "\(target.target): \(target.branch) not written"
        }
    }
}

/// `apply`'s pull-request body: per target, a title line, the picks applied, those left
/// out and why, and what a person runs to finish; with a hidden marker a bot finds its
/// earlier comment by. Kept under GitHub's 65,536-character limit.
public struct ApplyMarkdownRenderer {
    /// The largest body GitHub accepts.
    public static let limit = 65_536
    /// The web address of the repository on a known forge (links to commits), if any.
    public var forge: Forge?

    public init(forge: Forge? = nil) { self.forge = forge }

    public func render(_ report: ApplyReport) -> String {
        let parts = report.targets.map { render($0, report: report) }
        let body = parts.joined(separator: "\n---\n\n")
        guard body.utf8.count > Self.limit else { return body }
        return cut(body)
    }

    /// The title of a target's pull request: `v1.14 backports 2026-11-28` (the date of
    /// the branch's day), `Backports to release/1.6 (2026-11-28)` in git style.
    public static func title(_ target: TargetApplication, style: String, day: String, version: String?) -> String {
        if style == BackportStyle.cilium.rawValue, let version { return "v\(version) backports \(day)" }
        return "Backports to \(target.target) (\(day))"
    }

    private func render(_ target: TargetApplication, report: ApplyReport) -> String {
        let version = report.plan.targets.first { $0.branch == target.target }?.version
        var out = "<!-- git-backport apply: \(target.branch) -->\n"
        out += Self.title(target, style: report.style, day: report.date, version: version) + "\n\n"
        let applied = target.carried
        let leftOut = target.picks.filter { !$0.applied && $0.leftOut != nil }
        let there = target.picks.filter { $0.outcome == .alreadyApplied && $0.onBranch == nil }
        if let message = target.message { out += "> **Not written:** \(escape(message))\n\n" }
        let marked = applied.filter(\.withConflictMarkers)
        if !marked.isEmpty {
            out += "> [!CAUTION]\n> **This branch has conflict markers.** Resolve them before merging: "
                + marked.map { "`\($0.commit.short())`" }.joined(separator: ", ") + ".\n\n"
        }
        if !applied.isEmpty {
            out += "Backported from `\(report.source.branch)` onto `\(target.target)` (\(applied.count)):\n\n"
            func line(_ pick: AppliedPick) -> String {
                "\(link(pick.commit)) -- \(escape(pick.subject))\(pick.withConflictMarkers ? " **(with conflict markers)**" : "")"
            }
            if let units = report.plan.units {
                // Pull requests: the number and title, the commits beneath (a unit of one commit on one line).
                let byCommit = Dictionary(applied.map { ($0.commit, $0) }, uniquingKeysWith: { a, _ in a })
                for unit in units {
                    let picks = unit.commits.compactMap { byCommit[$0] }
                    guard !picks.isEmpty else { continue }
                    let name = unit.number.map { "\(pullLink($0)) -- " } ?? ""
                    if unit.commits.count == 1, let pick = picks.first {
                        // A squashed pull request's subject ends with its number already.
                        let named = unit.number.map { pick.subject.hasSuffix("(#\($0))") } ?? true
                        out += " * \(named ? "" : name)\(line(pick))\n"
                    } else {
                        out += " * \(name)\(escape(unit.title))\n" + picks.map { "   - \(line($0))\n" }.joined()
                    }
                }
            } else {
                for pick in applied { out += " * \(line(pick))\n" }
            }
            out += "\n"
        }
        let waiting = leftOut.filter { $0.notTried }
        let needing = leftOut.filter { !$0.notTried }
        if !needing.isEmpty {
            out += "Left out (\(needing.count)): these need a person.\n\n"
            for pick in needing {
                out += " * \(link(pick.commit)) -- \(escape(pick.subject)): **\(pick.outcome.rawValue)**, \(escape(pick.leftOut ?? ""))\n"
                if let result = report.plan.results.first(where: { $0.commit == pick.commit && $0.target == target.target }) {
                    for conflict in result.conflicts.prefix(10) { out += "   - `\(TextRenderer.describe(conflict))`\n" }
                    if result.conflicts.count > 10 { out += "   - ... and \(result.conflicts.count - 10) more\n" }
                }
            }
            let resolvable = needing.filter { $0.outcome != .error }
            if !resolvable.isEmpty {
                out += "\nTo carry one by hand (a worktree with its conflicts, then `git backport continue`):\n\n```\n"
                    + resolvable.map { "git backport resolve \($0.commit.short()) --onto \(target.target)\n" }.joined() + "```\n"
            }
            out += "\n"
        }
        if !waiting.isEmpty {
            out += "Not tried yet (\(waiting.count)): the stack ends at the pick above; run `git backport apply` again once it is settled.\n\n"
            for pick in waiting { out += " * \(link(pick.commit)) -- \(escape(pick.subject))\n" }
            out += "\n"
        }
        if !there.isEmpty { out += "Already on `\(target.target)`: \(there.count) (not repeated here).\n" }
        // Cilium's body ends with the command that marks the pull requests done.
        let numbers = (report.plan.units ?? []).filter { unit in unit.commits.contains { id in applied.contains { $0.commit == id } } }
            .compactMap(\.number)
        if report.style == BackportStyle.cilium.rawValue, !numbers.isEmpty, let version {
            out += "\nOnce this PR is merged, you can update the PR labels via:\n```upstream-prs\n"
                + "$ for pr in \(numbers.map(String.init).joined(separator: " ")); do contrib/backporting/set-labels.py $pr done \(version); done\n```\n"
        }
        if applied.isEmpty, leftOut.isEmpty { out += "Nothing to backport.\n" }
        return out
    }

    /// `#12`, linked to the pull request on a known forge.
    private func pullLink(_ number: Int) -> String {
        guard let forge else { return "#\(number)" }
        return "[#\(number)](\(forge.pullURL(number)))"
    }

    private func link(_ commit: OID) -> String {
        guard let forge else { return "`\(commit.short())`" }
        return "[`\(commit.short())`](\(forge.commitURL(commit)))"
    }

    private func escape(_ text: String) -> String { MarkdownRenderer.escape(PathCoding.displayed(text)) }

    /// The body cut to the limit, whole lines only, saying how much was cut.
    private func cut(_ body: String) -> String {
        let room = Self.limit - 200
        var kept = "", keptBytes = 0, lines = body.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.first, keptBytes + line.utf8.count + 1 <= room {
            kept += line + "\n"
            keptBytes += line.utf8.count + 1
            lines = lines.dropFirst()
        }
        return kept + "\n… \(lines.count) more lines cut to stay under GitHub's \(Self.limit)-character limit (the JSON report, --format json, has everything).\n"
    }
}

/// A repository's home on a forge whose commit pages have a known address.
public struct Forge: Sendable, Equatable {
    /// `https://github.com/owner/repo`.
    public let web: String
    let gitLab: Bool

    /// The forge of a remote's URL (`git@github.com:o/r.git`, `https://gitlab.com/g/r`...),
    /// or nil for one that is not GitHub or GitLab.
    public init?(remoteURL: String) {
        var url = remoteURL.trimmingCharacters(in: .whitespaces)
        if url.hasSuffix(".git") { url.removeLast(4) }
        if url.hasSuffix("/") { url.removeLast() }
        var host = "", path = ""
        if let scheme = url.range(of: "://") {
            let rest = url[scheme.upperBound...]
            let hostPart = rest.prefix { $0 != "/" }
            host = String(hostPart.split(separator: "@").last ?? "").split(separator: ":").first.map(String.init) ?? ""
            path = String(rest.dropFirst(hostPart.count).dropFirst())
        } else if let colon = url.firstIndex(of: ":") {
            host = String(url[..<colon].split(separator: "@").last ?? "")
            path = String(url[url.index(after: colon)...])
        }
        guard ["github.com", "gitlab.com"].contains(host.lowercased()), path.split(separator: "/").count >= 2,
              path.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) else { return nil }
        web = "https://\(host.lowercased())/\(path)"
        gitLab = host.lowercased() == "gitlab.com"
    }

    public func pullURL(_ number: Int) -> String {
        web + (gitLab ? "/-/merge_requests/" : "/pull/") + String(number)
    }

    public func commitURL(_ commit: OID) -> String {
        web + (gitLab ? "/-/commit/" : "/commit/") + commit.hex
    }
}
