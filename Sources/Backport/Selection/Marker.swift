/// Finds the lines in a backport's message that name the upstream commit it carries.
///
/// The forms (case-insensitive), from DESIGN.md §2:
/// - `(cherry picked from commit <sha>)` (git cherry-pick -x)
/// - `[ upstream commit <sha> ]` (Cilium) and `[ Upstream commit <sha> ]` (Linux stable)
/// - `commit <sha> upstream.` (Linux stable)
/// - `Upstream-commit: <sha>` and `Backport-of: <sha>`
public enum Marker {
    /// The lowercase commit ids (7 to 40 hexadecimal digits) the message's markers name.
    public static func commits(in message: String) -> [String] {
        let text = Array(message.lowercased().utf8)
        var found: [String] = []
        for prefix in ["cherry picked from commit ", "upstream commit ", "upstream-commit: ", "backport-of: "] {
            for start in occurrences(of: Array(prefix.utf8), in: text) {
                if let hex = hexRun(in: text, at: start + prefix.utf8.count) { found.append(hex) }
            }
        }
        // "commit <sha> upstream": the id sits between the two words.
        let commitWord = Array("commit ".utf8)
        for start in occurrences(of: commitWord, in: text) {
            let hexStart = start + commitWord.count
            guard let hex = hexRun(in: text, at: hexStart) else { continue }
            let after = hexStart + hex.utf8.count
            if text[after...].starts(with: " upstream".utf8) { found.append(hex) }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
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
