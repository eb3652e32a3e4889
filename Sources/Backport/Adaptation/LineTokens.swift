import Git

/// A line (trimmed) and its tokens as a multiset: names (`[A-Za-z_][A-Za-z0-9_]*`), numbers
/// with their dots (`1.24.5` is one token, so a version is one word), and every other
/// character that is not a space, each a token. Tokens are kept as 64-bit hashes (FNV-1a of
/// their bytes) in a sorted array, so comparing two lines is one merge of two short arrays:
/// on containerd a conflicted dependency bump compares hundreds of thousands of line pairs.
struct LineTokens: Sendable {
    let text: String
    /// The tokens' hashes, sorted, repeats kept.
    let tokens: [UInt64]
    var total: Int { tokens.count }

    init(_ text: String) {
        self.text = text
        var tokens: [UInt64] = []
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let c = scalars[i]
            var j = scalars.index(after: i)
            if Self.isNameStart(c) {
                while j < scalars.endIndex, Self.isNameStart(scalars[j]) || Self.isDigit(scalars[j]) { j = scalars.index(after: j) }
            } else if Self.isDigit(c) {
                while j < scalars.endIndex {
                    if Self.isDigit(scalars[j]) { j = scalars.index(after: j); continue }
                    let next = scalars.index(after: j)
                    if scalars[j] == ".", next < scalars.endIndex, Self.isDigit(scalars[next]) { j = next; continue }
                    break
                }
            } else if c == " " || c == "\t" {
                i = j
                continue
            }
            tokens.append(TokenSet.hash(Substring(scalars[i..<j]).utf8))
            i = j
        }
        self.tokens = tokens.sorted()
    }

    /// How many tokens two sorted multisets share (the smaller count of each).
    private static func common(_ a: [UInt64], _ b: [UInt64]) -> Int {
        var i = 0, j = 0, n = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { n += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return n
    }

    /// `a` less `b`, as multisets.
    private static func minus(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var result: [UInt64] = []
        var i = 0, j = 0
        while i < a.count {
            if j < b.count, a[i] == b[j] { i += 1; j += 1 } else if j < b.count, b[j] < a[i] { j += 1 } else { result.append(a[i]); i += 1 }
        }
        return result
    }

    /// Jaccard similarity of the multisets: the sum of the smaller counts over the sum of
    /// the larger (1 for two empty lines).
    func similarity(_ other: LineTokens) -> Double {
        let common = Self.common(tokens, other.tokens)
        let union = total + other.total - common
        return union == 0 ? 1 : Double(common) / Double(union)
    }

    /// The index of the line of `lines` most alike this one (the first of equals), when at
    /// least `atLeast` alike. Lines whose token counts differ too much to reach it are not
    /// compared: the similarity is at most the smaller total over the larger.
    func closest(in lines: [LineTokens], atLeast: Double) -> Int? {
        var best: Int?, bestScore = atLeast
        for (i, line) in lines.enumerated() {
            let (small, large) = total < line.total ? (total, line.total) : (line.total, total)
            guard large > 0, Double(small) >= bestScore * Double(large) else { continue }
            let score = similarity(line)
            if score > bestScore || (score == bestScore && best == nil) { (best, bestScore) = (i, score) }
        }
        return best
    }

    /// True when this (a fix's new line) already carries what `target` changed in `old`
    /// (the line the fix rewrites): every token the target added is here, none it dropped is.
    func carries(from old: LineTokens, to target: LineTokens) -> Bool {
        let added = Self.minus(target.tokens, old.tokens), dropped = Self.minus(old.tokens, target.tokens)
        return Self.common(added, tokens) == added.count && Self.common(dropped, tokens) == 0
    }

    private static func isNameStart(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
}
