import Git

/// `diverged-lines`: lines the fix rewrites that the target changed in its own way, so the
/// fix's new versions of them cannot be taken as they are: each must be written again
/// against the target's line. This is rework a conflict marker hides: the lines are there,
/// but not as the fix expects them.
///
/// For each line the fix adds (in files it modifies that the target has): the line it
/// rewrites is the removed line of its hunk most alike it (``LineTokens/similarity(_:)`` at
/// least ``similar``; none: it is inserted, and can be taken as it is). When the target's
/// file has that removed line as it was (or the line is too short to prove anything,
/// ``SignificantLine``), the added line can be taken. Otherwise the target's version of it
/// is the line most alike the removed one (at least ``similar``) among the target's lines
/// of the file's conflict regions, where the merge met the target's change; the fix's line
/// already carries that change when every token the target added to the line is in it and
/// none the target dropped is (a fix that passes the argument the target also added). Any
/// other added line, and one whose line the target has no version of, must be rewritten.
///
/// It fires when at least ``minimumLines`` lines, and at least ``minimumShare`` of the lines
/// the fix adds to the target's files, must be rewritten. The share is where the replay's
/// grading turns: when each such line is replaced by another, the lines a backport and its
/// fix add have a Jaccard similarity of (n - r) / (n + r), under 0.8 from r/n = 1/9
/// (Docs/adaptation.md). Two lines, not one: a conflict on one line both sides changed is
/// settled by merging that line. Looked for on conflicted picks only: on a clean merge the
/// target has every line the fix removes.
struct DivergedLines {
    /// The least share of the fix's added lines that must be rewritten.
    var minimumShare = 1.0 / 9
    /// And the least number of them.
    var minimumLines = 2
    /// The least token similarity for an added line to rewrite a removed one, and for a
    /// target line to be the target's version of a removed one.
    var similar = 0.5

    /// An added line that must be rewritten, with the target's version of the line it
    /// rewrites (nil: the target has none).
    struct Line {
        let path: String
        let fix: String
        let target: String?
    }

    struct Measure {
        /// The fix's added lines (trimmed, not blank) in files the target has.
        var added = 0
        var rewritten: [Line] = []
    }

    func measure(_ evidence: PickEvidence) throws -> Measure {
        var measure = Measure()
        for (path, hunks) in evidence.modifiedFiles where !hunks.isEmpty {
            guard let file = try evidence.targetFile(of: path) else { continue }
            let targetPath = evidence.targetPath(of: path)
            var present: Set<String>?
            var targetSide: [LineTokens]?
            for hunk in hunks {
                let added = hunk.added.compactMap(Self.trimmed)
                measure.added += added.count
                let removed = zip(hunk.oldLines, hunk.removed).compactMap { line, isRemoved in isRemoved ? Self.trimmed(line) : nil }
                guard !added.isEmpty, !removed.isEmpty else { continue }
                // A hunk whose removed lines the target all has: each added line can be taken.
                if present == nil { present = evidence.cache.lines(of: file.blob, in: evidence.repository) }
                let absent = removed.map { SignificantLine.normalize($0).map { !present!.contains($0) } ?? false }
                guard absent.contains(true) else { continue }
                let removedTokens = removed.map(LineTokens.init)
                for line in added {
                    let tokens = LineTokens(line)
                    guard let best = tokens.closest(in: removedTokens, atLeast: similar), absent[best] else { continue }
                    if targetSide == nil {
                        let text = evidence.output.conflicts.first { $0.path == targetPath }?.mergedText ?? []
                        targetSide = Self.targetSide(text).map(LineTokens.init)
                    }
                    let counterpart = removedTokens[best].closest(in: targetSide!, atLeast: similar).map { targetSide![$0] }
                    if let counterpart, tokens.carries(from: removedTokens[best], to: counterpart) { continue }
                    measure.rewritten.append(Line(path: targetPath, fix: line, target: counterpart?.text))
                }
            }
        }
        return measure
    }

    /// The target's lines in the conflict regions of a marked-up file (`<<<<<<<` to
    /// `|||||||` or `=======`), trimmed, blank ones left out.
    static func targetSide(_ text: [UInt8]) -> [String] {
        var lines: [String] = []
        var inTarget = false
        for line in text.split(separator: 0x0a, omittingEmptySubsequences: false) {
            if line.starts(with: "<<<<<<<".utf8) { inTarget = true; continue }
            if inTarget, line.starts(with: "|||||||".utf8) || line.starts(with: "=======".utf8) { inTarget = false; continue }
            if inTarget, let text = trimmed(String(decoding: line, as: UTF8.self)) { lines.append(text) }
        }
        return lines
    }

    func examine(_ evidence: PickEvidence) throws -> [Reason] {
        let measure = try measure(evidence)
        let count = measure.rewritten.count
        guard count >= minimumLines, Double(count) >= minimumShare * Double(measure.added) else { return [] }
        let shown = measure.rewritten.prefix(3).map { line in
            "\(line.path): \(Self.quoted(line.fix)) "
                + (line.target.map { "where \(evidence.targetName) has \(Self.quoted($0))" } ?? "(\(evidence.targetName) has no such line)")
        }.joined(separator: "; ")
        return [Reason(.divergedLines,
            "\(count) of the \(measure.added) lines the fix adds rewrite lines \(evidence.targetName) changed in its own way: they must be written again against its lines (\(shown)\(count > 3 ? "; \(count - 3) more" : ""))")]
    }

    /// A line trimmed of spaces and tabs; nil when blank.
    static func trimmed(_ line: String) -> String? {
        let text = line.trimmingWhitespace()
        return text.isEmpty ? nil : text
    }

    /// A line for a one-line message: quoted, cut at 80 characters.
    private static func quoted(_ line: String) -> String {
        "`" + (line.count > 80 ? String(line.prefix(77)) + "..." : line) + "`"
    }
}

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
