import Foundation
import Git

/// A branch name template (`backport/{target}`, `pr/v{version}-backport-{date}`) and the
/// names it gives, checked with git's rules for branch names.
public struct BranchTemplate: Sendable, Equatable {
    public let text: String

    /// The fields a template may use.
    public static let fields = ["target", "version", "commit", "short", "pr", "date"]

    /// Throws, saying why, for a field that does not exist or a `{` never closed.
    public init(_ text: String) throws {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw BackportError.invalidInput("--branch '\(text)': a '{' with no '}'")
            }
            let field = String(rest[rest.index(after: open)..<close])
            guard Self.fields.contains(field) else {
                throw BackportError.invalidInput("--branch '\(text)': unknown field {\(field)} (fields: \(Self.fields.map { "{\($0)}" }.joined(separator: ", ")))")
            }
            rest = rest[rest.index(after: close)...]
        }
        self.text = text
    }

    /// True when the template names one pick or pull request (`{commit}`, `{short}`, `{pr}`).
    public var isPerUnit: Bool { ["{commit}", "{short}", "{pr}"].contains { text.contains($0) } }

    /// The branch name for a target (and a unit, for per-unit templates): a full reference
    /// name (`refs/heads/...`), or an error saying why git would refuse it.
    func reference(target: Target, commit: OID? = nil, pullRequest: Int? = nil, date: Date) throws -> (branch: String, ref: String) {
        var values = [
            "target": target.localName,
            "version": target.version?.description ?? target.localName,
            "date": Self.day(date),
        ]
        if let commit {
            values["commit"] = commit.hex
            values["short"] = commit.short()
            // A unit without a number (a commit of its own) is named by its id.
            values["pr"] = pullRequest.map(String.init) ?? commit.short()
        }
        var name = text
        for (field, value) in values { name = name.replacingOccurrences(of: "{\(field)}", with: value) }
        if let missing = Self.fields.first(where: { name.contains("{\($0)}") }) {
            throw BackportError.invalidInput("--branch '\(text)': {\(missing)} names one pull request or commit; it makes a branch per unit (--per-unit)")
        }
        if let problem = RefName.problem(name) {
            throw BackportError.invalidInput("--branch '\(text)' gives '\(PathCoding.displayed(name))' for \(target.name), which is not a valid branch name: \(problem)")
        }
        return (name, "refs/heads/" + name)
    }

    /// `2026-11-28`, in the local time zone (as `date --rfc-3339=date` prints it).
    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}
