import Git

/// `restructured`: the code the fix edits is not what the target has. For each hunk of
/// each file the fix modifies, the significant lines of its old side (the lines it removes
/// and the context around them, ``SignificantLine``) are looked for in the target's version
/// of the file; when less than ``threshold`` of them are there, the fix was written
/// against code the target does not have. The threshold is measured, not guessed: with
/// `replay` on containerd and etcd, a fifth of those lines missing already tells the
/// backports maintainers rewrote from those they resolved better than a half (see
/// Docs/adaptation.md).
///
/// Files the target lacks are `missing-file`'s, not counted here. Line sets are kept per
/// blob id (``AdaptationCache``), so a target file is read once for every fix and target.
struct Restructured {
    /// The share of the old side's lines found on the target below which the signal fires.
    var threshold = 0.8
    /// Fewer significant old lines than this prove nothing (a one-line fix in a small file).
    var minimumLines = 4
    /// Nor fewer missing ones: a conflict on a line or two both sides changed is settled by
    /// choosing lines (measured with `replay`: pooled balanced accuracy 0.73 with it, 0.74 without).
    var minimumMissing = 4

    /// What was measured: lines looked for, lines found, by file.
    struct Measure {
        var total = 0
        var found = 0
        /// The same, in the files that conflict only.
        var conflictedTotal = 0
        var conflictedFound = 0
        /// Hunks, and those with less than half their old side's lines found.
        var hunks = 0
        var lostHunks = 0
        var files: [(path: String, found: Int, total: Int)] = []
        var share: Double { total == 0 ? 1 : Double(found) / Double(total) }
    }

    func measure(_ evidence: PickEvidence) throws -> Measure {
        var measure = Measure()
        let conflicted = Set(evidence.output.conflicts.map(\.path))
        for (path, hunks) in evidence.modifiedFiles where !hunks.isEmpty {
            guard let target = try evidence.targetFile(of: path) else { continue }
            let present = evidence.cache.lines(of: target.blob, in: evidence.repository)
            var found = 0, total = 0
            for hunk in hunks {
                var hunkFound = 0, hunkTotal = 0
                for line in hunk.oldLines {
                    guard let significant = SignificantLine.normalize(line) else { continue }
                    hunkTotal += 1
                    if present.contains(significant) { hunkFound += 1 }
                }
                found += hunkFound
                total += hunkTotal
                if hunkTotal > 0 {
                    measure.hunks += 1
                    if hunkFound * 2 < hunkTotal { measure.lostHunks += 1 }
                }
            }
            guard total > 0 else { continue }
            if conflicted.contains(evidence.targetPath(of: path)) {
                measure.conflictedTotal += total
                measure.conflictedFound += found
            }
            measure.total += total
            measure.found += found
            measure.files.append((path, found, total))
        }
        return measure
    }

    func examine(_ evidence: PickEvidence) throws -> [Reason] {
        let measure = try measure(evidence)
        guard measure.total >= minimumLines, measure.total - measure.found >= minimumMissing, measure.share < threshold else { return [] }
        let files = measure.files.sorted { Double($0.found) / Double($0.total) < Double($1.found) / Double($1.total) }
            .prefix(3).map { "\(evidence.targetPath(of: $0.path)) \($0.found)/\($0.total)" }.joined(separator: ", ")
        let percent = Int((measure.share * 100).rounded())
        return [Reason(.restructured,
            "only \(measure.found) of the \(measure.total) lines the fix edits or sits beside (\(percent)%) are in \(evidence.targetName)'s files (\(files)): the code it changes differs there")]
    }

    /// How many lines the conflict regions of a marked-up file hold on the target's side
    /// and on the fix's (`<<<<<<<` to `|||||||` or `=======`, and `=======` to `>>>>>>>`).
    static func conflictSides(_ text: [UInt8]) -> (target: Int, fix: Int) {
        var target = 0, fix = 0
        var side = 0  // 0 outside, 1 target, 2 base, 3 fix
        for line in text.split(separator: 0x0a, omittingEmptySubsequences: false) {
            if line.starts(with: "<<<<<<<".utf8) { side = 1; continue }
            if line.starts(with: "|||||||".utf8), side == 1 { side = 2; continue }
            if line.starts(with: "=======".utf8), side == 1 || side == 2 { side = 3; continue }
            if line.starts(with: ">>>>>>>".utf8), side == 3 { side = 0; continue }
            if side == 1 { target += 1 } else if side == 3 { fix += 1 }
        }
        return (target, fix)
    }
}
