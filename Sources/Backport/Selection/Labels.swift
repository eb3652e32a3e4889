import Foundation
import Git

/// A merged pull request and its labels, read offline (`--labels-from`): from a GitHub
/// event payload, or a list a script got from any forge.
public struct LabelledPullRequest: Codable, Sendable, Equatable {
    public var number: Int?
    /// The commit the merge made on the source: a merge commit, or the squashed or rebased
    /// last commit (as written: full or abbreviated).
    public var mergeCommit: String
    public var labels: [String]
    public var title: String?

    public init(number: Int?, mergeCommit: String, labels: [String], title: String? = nil) {
        self.number = number
        self.mergeCommit = mergeCommit
        self.labels = labels
        self.title = title
    }

    /// The pull requests a file describes: a GitHub `pull_request` event (its pull request,
    /// when merged; `notes` says so when not), or a JSON list of
    /// `{"number", "mergeCommit", "labels": [names or {"name"}], "title"}`.
    public static func read(_ path: String, notes: inout [String]) throws -> [LabelledPullRequest] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BackportError.invalidInput("--labels-from \(path): cannot be read (\(error.localizedDescription))")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) else {
            throw BackportError.invalidInput("--labels-from \(path): not JSON")
        }
        if let list = json as? [[String: Any]] {
            return try list.enumerated().map { i, item in
                guard let commit = item["mergeCommit"] as? String ?? item["merge_commit_sha"] as? String else {
                    throw BackportError.invalidInput("--labels-from \(path): entry \(i + 1) has no mergeCommit")
                }
                return LabelledPullRequest(number: item["number"] as? Int, mergeCommit: commit, labels: names(item["labels"]),
                                           title: item["title"] as? String)
            }
        }
        guard let event = json as? [String: Any], let pull = event["pull_request"] as? [String: Any] else {
            throw BackportError.invalidInput("--labels-from \(path): neither a pull_request event nor a list of {number, mergeCommit, labels}")
        }
        let number = pull["number"] as? Int
        guard pull["merged"] as? Bool == true, let commit = pull["merge_commit_sha"] as? String else {
            notes.append("pull request #\(number.map(String.init) ?? "?") is not merged: nothing to backport")
            return []
        }
        return [LabelledPullRequest(number: number, mergeCommit: commit, labels: names(pull["labels"]), title: pull["title"] as? String)]
    }

    /// Label names from `["a", "b"]` or GitHub's `[{"name": "a"}, ...]`.
    private static func names(_ value: Any?) -> [String] {
        (value as? [Any] ?? []).compactMap { ($0 as? String) ?? (($0 as? [String: Any])?["name"] as? String) }
    }
}

/// A label pattern (`backport.label`): `needs-backport/{version}`, `backport {branch}`.
/// A label matching one names a target by version or by branch.
public struct LabelPattern: Sendable, Equatable {
    public let text: String

    public static let defaults = ["backport {branch}", "backport-to-{branch}", "needs-backport/{version}", "backport/{version}"]

    public init?(_ text: String) {
        let fields = ["{branch}", "{version}"].filter { text.contains($0) }
        guard fields.count == 1, text.components(separatedBy: fields[0]).count == 2 else { return nil }
        self.text = text
    }

    /// The target a label names, if it matches (case-insensitively, as forges treat labels).
    func scope(of label: String) -> FixRequest.Scope? {
        let field = text.contains("{branch}") ? "{branch}" : "{version}"
        let parts = text.components(separatedBy: field)
        let lower = label.lowercased()
        guard lower.hasPrefix(parts[0].lowercased()), lower.hasSuffix(parts[1].lowercased()),
              label.count > parts[0].count + parts[1].count else { return nil }
        let value = String(label.dropFirst(parts[0].count).dropLast(parts[1].count))
        if field == "{branch}" { return .branch(value) }
        return Version(parsing: value).map { .exactly($0) }
    }

    /// What a pull request's labels ask for, as trailers would: the targets, and a
    /// `Label:` line per label that named one.
    static func request(for labels: [String], patterns: [LabelPattern]) -> FixRequest {
        var request = FixRequest()
        for label in labels {
            guard let scope = patterns.lazy.compactMap({ $0.scope(of: label) }).first else { continue }
            request.trailers.append(Trailer(key: "Label", value: label))
            request.scopes.append(scope)
        }
        return request
    }
}
