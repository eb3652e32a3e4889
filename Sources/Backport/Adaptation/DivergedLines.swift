import Git

/// `diverged-lines`: lines the fix rewrites that the target changed in its own way, so the
/// fix's new versions of them cannot be taken as they are: each must be written again
/// against the target's line. This is rework a conflict marker hides: the lines are there,
/// but not as the fix expects them.
///
/// For each line the fix adds (in files it modifies that the target has, not vendored code:
/// a dependency bump's `vendor/` is regenerated, never rewritten by hand): the line it
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
        /// The fix's added lines (trimmed, not blank) in files the target has, vendored code aside.
        var added = 0
        var rewritten: [Line] = []
    }

    func measure(_ evidence: PickEvidence) throws -> Measure {
        var measure = Measure()
        for (path, hunks) in evidence.modifiedFiles where !hunks.isEmpty && !MissingSymbol.isVendored(path) {
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
                // The target's version of each removed line, looked for once.
                var counterparts: [Int: LineTokens?] = [:]
                for line in added {
                    let tokens = LineTokens(line)
                    guard let best = tokens.closest(in: removedTokens, atLeast: similar), absent[best] else { continue }
                    if targetSide == nil {
                        let text = evidence.output.conflicts.first { $0.path == targetPath }?.mergedText ?? []
                        targetSide = Self.targetSide(text).map(LineTokens.init)
                    }
                    if counterparts[best] == nil {
                        counterparts[best] = .some(removedTokens[best].closest(in: targetSide!, atLeast: similar).map { targetSide![$0] })
                    }
                    let counterpart = counterparts[best]!
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
