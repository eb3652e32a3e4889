/// A release version such as `5.10`, `1.14.2` or `2023.1`, compared numerically
/// component by component, so `5.9 < 5.10 < 6.1`.
public struct Version: Comparable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let components: [Int]

    public init(_ components: [Int]) { self.components = components }

    /// Parses a whole string as a version: an optional `v`, numbers joined by dots, and an
    /// optional `.x`/`.y` series suffix (`v5.10`, `5.10.x`, `linux-5.10.y` is not whole).
    public init?(parsing text: some StringProtocol) {
        var s = Substring(text)
        if s.first == "v" || s.first == "V" { s = s.dropFirst() }
        for suffix in [".x", ".X", ".y", ".Y"] where s.hasSuffix(suffix) { s = s.dropLast(2) }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) && $0.count <= 9 }) else {
            return nil
        }
        self.components = parts.map { Int($0)! }
    }

    /// Finds the version in a branch name: the last run of dot-separated numbers
    /// (`release-1.14` → 1.14, `linux-5.10.y` → 5.10, `openssl-3.0` → 3.0). Nil when the
    /// name has no digits, or when that last run has a number too large to be a version
    /// (`release/99999999999999999999.1` has none, rather than a wrong one).
    public init?(inBranchName name: String) {
        var best: [Int]? = nil
        var current: [Int] = []
        var number = ""
        var tooLarge = false
        func closeNumber() {
            if number.count > 9 { tooLarge = true } else if !number.isEmpty { current.append(Int(number)!) }
            number = ""
        }
        func closeRun() {
            closeNumber()
            if tooLarge { best = [] } else if !current.isEmpty { best = current }
            current = []
            tooLarge = false
        }
        for ch in name {
            if ch.isASCIIDigit {
                number.append(ch)
            } else if ch == ".", !number.isEmpty {
                closeNumber()
            } else {
                closeRun()
            }
        }
        closeRun()
        guard let best, !best.isEmpty else { return nil }
        self.components = best
    }

    public var description: String { components.map(String.init).joined(separator: ".") }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        for (l, r) in zip(lhs.components, rhs.components) where l != r { return l < r }
        return lhs.components.count < rhs.components.count
    }

    /// True when `self` names the same release as `other` or a release within it:
    /// `5.10.3` is within `5.10`.
    public func isWithin(_ other: Version) -> Bool {
        components.count >= other.components.count && Array(components.prefix(other.components.count)) == other.components
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let v = Version(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a version: \(text)"))
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
