// A port of git v2.39's xdiff (LibXDiff by Davide Libenzi, LGPL-2.1+): the output of the
// three-way merge in xdiff/xmerge.c, `xdl_fill_merge_buffer` with `fill_conflict_hunk`,
// `xdl_recs_copy_0`, `is_eol_crlf` and `is_cr_needed`.

/// Writes a merged file: ours where nothing else applies, the regions of the merge, and
/// conflict markers around conflicts.
struct MergeOutput {
    let merge: ThreeWayMerge
    let labels: (ours: String, theirs: String, base: String?)
    let favor: TextMerge.Favor
    let markerSize: Int

    /// `xdl_fill_merge_buffer` (writing at once what git sizes first): the merged bytes and
    /// the number of conflicts left once `favor` settled them.
    func write(_ hunks: [MergeHunk]) -> (content: [UInt8], conflicts: Int) {
        let ours = merge.ours
        var out: [UInt8] = []
        out.reserveCapacity(ours.bytes.count + merge.theirs.bytes.count / 8 + 64)
        var conflicts = 0
        var i = 0
        for var m in hunks {
            if m.mode == 0, let mode = favor.mode { m.mode = mode }
            if m.mode == 0 {
                conflicts += 1
                writeConflict(m, from: i, into: &out)
            } else if m.mode & 3 != 0 {
                // Before the region.
                copy(ours, i, m.i1 - i, needsCR: false, addNewline: false, into: &out)
                if m.mode & 1 != 0 {
                    copy(ours, m.i1, m.chg1, needsCR: isCRNeeded(m), addNewline: m.mode & 2 != 0, into: &out)
                }
                if m.mode & 2 != 0 {
                    copy(merge.theirs, m.i2, m.chg2, needsCR: false, addNewline: false, into: &out)
                }
            } else {
                continue
            }
            i = m.i1 + m.chg1
        }
        copy(ours, i, ours.count - i, needsCR: false, addNewline: false, into: &out)
        return (out, conflicts)
    }

    /// `fill_conflict_hunk`: ours since `i`, then the conflict between markers (with the
    /// base between `|||||||` and `=======` in the `diff3` styles).
    private func writeConflict(_ m: MergeHunk, from i: Int, into out: inout [UInt8]) {
        let needsCR = isCRNeeded(m)
        let size = markerSize > 0 ? markerSize : TextMerge.defaultMarkerSize
        copy(merge.ours, i, m.i1 - i, needsCR: false, addNewline: false, into: &out)
        marker(0x3c, size, labels.ours, needsCR, into: &out)
        copy(merge.ours, m.i1, m.chg1, needsCR: needsCR, addNewline: true, into: &out)
        if merge.style != .merge {
            marker(0x7c, size, labels.base, needsCR, into: &out)
            copy(merge.base, m.i0, m.chg0, needsCR: needsCR, addNewline: true, into: &out)
        }
        marker(0x3d, size, nil, needsCR, into: &out)
        copy(merge.theirs, m.i2, m.chg2, needsCR: needsCR, addNewline: true, into: &out)
        marker(0x3e, size, labels.theirs, needsCR, into: &out)
    }

    /// A marker line: `size` times `character`, a space and the label when there is one.
    private func marker(_ character: UInt8, _ size: Int, _ label: String?, _ needsCR: Bool, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(character, count: size))
        if let label {
            out.append(0x20)
            out.append(contentsOf: label.utf8)
        }
        if needsCR { out.append(0x0d) }
        out.append(0x0a)
    }

    /// `xdl_recs_copy_0`: `count` lines of `file` from `i`; with `addNewline`, ends an
    /// incomplete last line with `"\n"` (`"\r\n"` when `needsCR`).
    private func copy(_ file: TextLines, _ i: Int, _ count: Int, needsCR: Bool, addNewline: Bool, into out: inout [UInt8]) {
        guard count >= 1 else { return }
        out.append(contentsOf: file.span(i..<(i + count)))
        if addNewline && !file.endsWithNewline(i + count - 1) {
            if needsCR { out.append(0x0d) }
            out.append(0x0a)
        }
    }

    /// `is_eol_crlf`: 1 when line `i` ends in CRLF (the last line without an end: the line
    /// before it), 0 when in LF, -1 when it cannot tell (an empty file, a lone incomplete
    /// line).
    private func eolIsCRLF(_ file: TextLines, _ i: Int) -> Int {
        if i < file.count - 1 { return file.size(i) > 1 && file.bytes[file.start(i) + file.size(i) - 2] == 0x0d ? 1 : 0 }
        if file.count == 0 { return -1 }
        if file.endsWithNewline(i) { return file.endsWithCRLF(i) ? 1 : 0 }
        if i == 0 { return -1 }
        return file.size(i - 1) > 1 && file.bytes[file.start(i - 1) + file.size(i - 1) - 2] == 0x0d ? 1 : 0
    }

    /// `is_cr_needed`: CRLF when the lines before the region on both sides (or their first
    /// lines) end in CRLF and the base's first line does not say otherwise.
    private func isCRNeeded(_ m: MergeHunk) -> Bool {
        var needsCR = eolIsCRLF(merge.ours, m.i1 > 0 ? m.i1 - 1 : 0)
        if needsCR != 0 { needsCR = eolIsCRLF(merge.theirs, m.i2 > 0 ? m.i2 - 1 : 0) }
        if needsCR != 0 { needsCR = eolIsCRLF(merge.base, 0) }
        return needsCR > 0
    }
}
