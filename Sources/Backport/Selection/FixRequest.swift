import Foundation
import Git

/// What a commit's trailers ask for: where it should go and which bug it fixes.
///
/// Built from `Fixes:`, the backport keys (`Backport-To:`, `Backport:` and configured
/// ones) and `Cc: stable@...` trailers. Malformed trailers become warnings, never errors.
public struct FixRequest: Sendable, Equatable {
    /// One way a trailer names targets.
    public enum Scope: Sendable, Hashable {
        /// Every target (`Fixes:` alone, `Cc: stable` without a version).
        case all
        /// Targets whose version is this one or within it (`5.10`, `5.10.x`).
        case exactly(Version)
        /// Targets whose version is this one or newer (`5.10+`).
        case from(Version)
        /// The target with this branch name (with or without its remote).
        case branch(String)
    }

    /// The trailers that ask for a backport, as `Key: value` lines.
    public var trailers: [Trailer] = []
    /// The commit ids (as written, abbreviated or not) named by `Fixes:`.
    public var culprits: [String] = []
    /// Where the trailers send the commit; empty when they send it nowhere.
    public var scopes: [Scope] = []
    /// Problems with the trailers, one line each.
    public var warnings: [String] = []

    /// True when some trailer asks for a backport.
    public var isFix: Bool { !trailers.isEmpty }

    public init(trailers: [Trailer] = [], culprits: [String] = [], scopes: [Scope] = [], warnings: [String] = []) {
        self.trailers = trailers
        self.culprits = culprits
        self.scopes = scopes
        self.warnings = warnings
    }

    /// Reads a commit's trailers with the configured keys.
    public init(trailers all: [Trailer], settings: Settings) {
        let backportKeys = Set(settings.backportKeys.map { $0.lowercased() })
        for trailer in all {
            let key = trailer.key.lowercased()
            let value = trailer.value.trimmingWhitespace()
            if key == "fixes" {
                switch Self.fixesValue(value) {
                case .issue:
                    // `Fixes: #123` closes an issue; it names no commit and asks for nothing.
                    continue
                case .commit(let id):
                    culprits.append(id)
                case .unreadable:
                    warnings.append("malformed trailer 'Fixes: \(value)': expected a commit id (7 to 40 hexadecimal digits) first")
                }
                trailers.append(trailer)
                scopes.append(.all)
            } else if backportKeys.contains(key) {
                trailers.append(trailer)
                let tokens = value.split { $0 == "," || $0.isWhitespace }.map(String.init)
                if tokens.isEmpty {
                    warnings.append("malformed trailer '\(trailer.key):' names no release")
                }
                for token in tokens {
                    let scope = Self.scope(of: token)
                    // A name from a commit message never becomes a ref git would refuse,
                    // one outside refs/heads/, or one that reads as an option.
                    if case .branch(let name) = scope, let problem = Self.branchNameProblem(name) {
                        warnings.append("trailer '\(trailer.key): \(value)': '\(name)' cannot be a branch name (it \(problem)); ignored")
                        continue
                    }
                    scopes.append(scope)
                }
            } else if key == "cc", Self.isStableAddress(value, settings: settings) {
                trailers.append(trailer)
                scopes.append(stableScope(value))
            }
        }
    }

    /// What a `Fixes:` value names.
    enum FixesValue: Equatable {
        /// A commit (lowercase, as written): `<sha>`, `<sha> ("subject")`, `commit <sha>`,
        /// a commit's URL.
        case commit(String)
        /// An issue or pull request: `#123`, `GH-123`, `owner/repo#123`, an issue's URL.
        case issue
        /// Neither.
        case unreadable
    }

    static func fixesValue(_ value: String) -> FixesValue {
        var words = value.split(whereSeparator: \.isWhitespace).map(String.init)
        if words.first?.lowercased() == "commit" { words.removeFirst() }
        guard var first = words.first else { return .unreadable }
        if first.hasPrefix("http://") || first.hasPrefix("https://") {
            // A commit's page names the commit; any other page (issues, pull requests) does not.
            let parts = first.split(separator: "/")
            if let at = parts.firstIndex(where: { $0 == "commit" || $0 == "commits" }), at + 1 < parts.count {
                first = String(parts[at + 1])
            } else {
                return .issue
            }
        }
        let id = first.prefix { !$0.isWhitespace && $0 != "(" && $0 != "," && $0 != ":" }
        if id.count >= 7, id.count <= 40, id.allSatisfy(\.isHexDigit) { return .commit(id.lowercased()) }
        if Self.isIssueReference(first) { return .issue }
        return .unreadable
    }

    /// `#123`, `GH-123`, `gh-123`, `owner/repo#123`, `repo#123`.
    private static func isIssueReference(_ word: String) -> Bool {
        let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:()[]"))
        if let hash = trimmed.lastIndex(of: "#") {
            let number = trimmed[trimmed.index(after: hash)...]
            return !number.isEmpty && number.allSatisfy(\.isASCIIDigit) && !trimmed[..<hash].contains(where: \.isWhitespace)
        }
        if trimmed.lowercased().hasPrefix("gh-") {
            let number = trimmed.dropFirst(3)
            return !number.isEmpty && number.allSatisfy(\.isASCIIDigit)
        }
        return false
    }

    /// True when a `Cc:` value (before any `#` comment) is one of the stable addresses.
    static func isStableAddress(_ value: String, settings: Settings) -> Bool {
        let address = value.prefix { $0 != "#" }.lowercased()
        return settings.stableAddresses.contains { address.contains($0.lowercased()) }
    }

    /// The scope of a stable `Cc:`: `# 5.10+`, `# 5.10.x`, `# v5.4+`, `# 5.10.x: 1234abcd:
    /// prerequisite`, or no comment (every target). A comment without a readable version is a
    /// warning, and the scope is every target.
    private mutating func stableScope(_ value: String) -> Scope {
        guard let hash = value.firstIndex(of: "#") else { return .all }
        let comment = value[value.index(after: hash)...].trimmingWhitespace()
        if comment.isEmpty { return .all }
        let word = comment.prefix { !$0.isWhitespace && $0 != ":" && $0 != "," }
        let scope = Self.scope(of: String(word))
        if case .branch = scope {
            warnings.append("malformed trailer 'Cc: \(value)': cannot read a version in '# \(comment)'; sending it to every target")
            return .all
        }
        return scope
    }

    /// `5.10+` → from 5.10; `5.10`, `5.10.x`, `v5.10` → exactly 5.10; anything else a branch name.
    static func scope(of token: String) -> Scope {
        if token.hasSuffix("+"), let v = Version(parsing: token.dropLast()) { return .from(v) }
        if let v = Version(parsing: token) { return .exactly(v) }
        return .branch(token)
    }

    /// Why a target name from a trailer cannot name a branch (git's ref-name rules, and no
    /// full `refs/...` name: a trailer names a branch, never another kind of ref), or nil.
    static func branchNameProblem(_ name: String) -> String? {
        if let problem = RefName.problem(name) { return problem }
        if name.hasPrefix("refs/") { return "names a ref, not a branch" }
        return nil
    }

    /// True when a scope sends the commit to `target`.
    static func scope(_ scope: Scope, includes target: Target) -> Bool {
        switch scope {
        case .all: return true
        case .exactly(let v): return target.version.map { $0.isWithin(v) || v.isWithin($0) } ?? false
        case .from(let v): return target.version.map { $0 >= v || $0.isWithin(v) } ?? false
        case .branch(let name): return target.name == name || target.localName == name
        }
    }
}

extension Character {
    var isHexDigit: Bool { isASCII && (isASCIIDigit || ("a"..."f").contains(self) || ("A"..."F").contains(self)) }
}
