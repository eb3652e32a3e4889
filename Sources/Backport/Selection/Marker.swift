/// Finds the lines in a backport's message that name the upstream commit it carries.
///
/// The built-in forms (case-insensitive, anywhere in a line), from DESIGN.md §2 and what
/// real projects write:
/// - `(cherry picked from commit <sha>)` (git cherry-pick -x)
/// - `[ upstream commit <sha> ]` (Cilium), `[ Upstream commit <sha> ]` (Linux stable),
///   `[Upstream commit: <sha>]`
/// - `commit <sha> upstream.` (Linux stable)
/// - `Upstream-commit: <sha>` and `Backport-of: <sha>`
/// - `(backported from commit <sha>)` (Ubuntu kernels), `cherry-picked from <sha>`,
///   `Cherry-pick of <sha>`
/// - a project's own: `backport.marker` patterns, with `{sha}` where the id goes.
public struct Marker: Sendable, Equatable {
    /// Lowercased text before the id.
    let prefix: [UInt8]
    /// Lowercased text that must follow the id (empty: anything may).
    let suffix: [UInt8]

    /// The forms every project gets.
    static let builtIn: [Marker] = [
        "cherry picked from commit {sha}", "upstream commit {sha}", "upstream commit: {sha}",
        "upstream-commit: {sha}", "backport-of: {sha}", "backported from commit {sha}",
        "cherry-picked from {sha}", "cherry-picked from commit {sha}", "cherry-pick of {sha}",
        "commit {sha} upstream",
    ].map { Marker(pattern: $0)! }

    /// A marker from a pattern such as `Upstream: {sha}` or `(picked from {sha})`; nil when
    /// the pattern has no `{sha}` or nothing before it.
    public init?(pattern: String) {
        guard let range = pattern.range(of: "{sha}") else { return nil }
        prefix = Array(pattern[..<range.lowerBound].lowercased().utf8)
        suffix = Array(pattern[range.upperBound...].lowercased().utf8)
        guard !prefix.isEmpty else { return nil }
    }

    /// The lowercase commit ids (7 to 40 hexadecimal digits) named in `message` by the
    /// built-in forms and `configured` ones, first mention first.
    public static func commits(in message: String, configured: [Marker] = []) -> [String] {
        let text = Array(message.lowercased().utf8)
        var found: [String] = []
        for marker in builtIn + configured { found += marker.commits(in: text) }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }

    private func commits(in text: [UInt8]) -> [String] {
        Self.occurrences(of: prefix, in: text).compactMap { start in
            let hexStart = start + prefix.count
            guard let hex = Self.hexRun(in: text, at: hexStart) else { return nil }
            let after = hexStart + hex.utf8.count
            return suffix.isEmpty || text[after...].starts(with: suffix) ? hex : nil
        }
    }

    private static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard needle.count <= haystack.count, let first = needle.first else { return [] }
        var result: [Int] = []
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { result.append(i) }
            i += 1
        }
        return result
    }

    /// The run of lowercase hexadecimal digits at `start` if it is 7 to 40 long and not
    /// followed by another word character.
    private static func hexRun(in text: [UInt8], at start: Int) -> String? {
        var end = start
        while end < text.count, (0x30...0x39).contains(text[end]) || (0x61...0x66).contains(text[end]) { end += 1 }
        let length = end - start
        guard length >= 7, length <= 40 else { return nil }
        if end < text.count, (0x61...0x7a).contains(text[end]) || text[end] == 0x5f { return nil }
        return String(decoding: text[start..<end], as: UTF8.self)
    }
}
