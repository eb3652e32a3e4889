import Foundation
import Git

/// What is carried together (DESIGN.md §2): a commit, or a pull request.
public enum UnitMode: String, Sendable, CaseIterable {
    /// Every commit on its own (merges skipped unless `--mainline`).
    case commits
    /// Pull requests: a merge on the source's first-parent line carries the commits its
    /// second parent brings (those its first lacks), in order, clean only if all are; a
    /// squashed pull request (`subject (#N)`) or any other commit is a unit of one.
    case prs
}

/// One unit of a plan in `prs` mode.
public struct UnitReport: Codable, Sendable, Equatable {
    /// The merge commit (or the single commit) that stands for the unit.
    public var id: OID
    /// The pull request's number, when its message says it (`Merge pull request #N`,
    /// `See merge request group/project!N`, `subject (#N)`).
    public var number: Int?
    /// The pull request's title (the merge's message says it after GitHub's first line),
    /// else the commit's subject.
    public var title: String
    /// Its commits in the order they are picked (no merge among them).
    public var commits: [OID]
}

/// Reads pull requests from the source's history.
enum Units {
    /// The units of `first-parent` commits (oldest first), each with its commits: a merge
    /// brings those reachable from its second parent and not its first, oldest first,
    /// merges among them left out (a pull request's own "merge main into it").
    static func group(_ line: [Commit], in repository: Repository) throws -> [(unit: UnitReport, commits: [Commit])] {
        try line.map { commit in
            guard commit.isMerge else {
                let (number, title) = squashed(commit.summary)
                return (UnitReport(id: commit.id, number: number, title: title, commits: [commit.id]), [commit])
            }
            let members = try repository.walk(from: [commit.parents[1]], hiding: [commit.parents[0]])
                .map { try repository.commit($0) }.filter { !$0.isMerge }
            let (number, title) = merged(commit.message)
            return (UnitReport(id: commit.id, number: number, title: title, commits: members.map(\.id)), members)
        }
    }

    /// `Merge pull request #12 from owner/branch` then the title (GitHub); `Merge branch 'x'
    /// into 'main'` with `See merge request group/project!12` (GitLab); else the subject.
    static func merged(_ message: String) -> (number: Int?, title: String) {
        let paragraphs = message.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let subject = paragraphs.first?.split(separator: "\n").first.map(String.init) ?? ""
        if let range = subject.range(of: #"^Merge pull request #([0-9]+)"#, options: .regularExpression) {
            let number = Int(subject[range].split(separator: "#").last ?? "")
            let title = paragraphs.dropFirst().first { !$0.isEmpty }?.split(separator: "\n").first.map(String.init)
            return (number, title ?? subject)
        }
        if let line = message.split(separator: "\n").last(where: { $0.hasPrefix("See merge request ") }),
           let bang = line.lastIndex(of: "!"), let number = Int(line[line.index(after: bang)...]) {
            let title = paragraphs.dropFirst().first { !$0.isEmpty && !$0.hasPrefix("See merge request ") }?
                .split(separator: "\n").first.map(String.init)
            return (number, title ?? subject)
        }
        return (nil, subject)
    }

    /// `Fix the parser (#123)` is pull request 123, titled `Fix the parser`.
    static func squashed(_ subject: String) -> (number: Int?, title: String) {
        guard let range = subject.range(of: #" \(#([0-9]+)\)$"#, options: .regularExpression) else { return (nil, subject) }
        return (Int(subject[range].filter(\.isNumber)), String(subject[..<range.lowerBound]))
    }
}

extension FixRequest {
    /// What a unit asks for: what any of its commits (or its merge) asks for.
    static func merging(_ requests: [FixRequest]) -> FixRequest {
        var merged = FixRequest()
        for request in requests {
            merged.trailers += request.trailers.filter { !merged.trailers.contains($0) }
            merged.culprits += request.culprits.filter { !merged.culprits.contains($0) }
            merged.scopes += request.scopes.filter { !merged.scopes.contains($0) }
            merged.warnings += request.warnings.filter { !merged.warnings.contains($0) }
        }
        return merged
    }
}
