// A port of git v2.39's xdiff (LibXDiff by Davide Libenzi, LGPL-2.1+): the three-way merge
// of xdiff/xmerge.c, `xdl_do_merge` with `xdl_append_merge`, `xdl_merge_cmp_lines`,
// `xdl_refine_conflicts`, `xdl_refine_zdiff3_conflicts`, `xdl_simplify_non_conflicts`
// and `xdl_merge_two_conflicts`, at git's level `XDL_MERGE_ZEALOUS`.

/// One region of the merge (`xdmerge_t`): base lines `i0 ..< i0 + chg0` became ours
/// `i1 ..< i1 + chg1` and theirs `i2 ..< i2 + chg2` (0-based).
struct MergeHunk {
    /// 0: a conflict; 1: take ours; 2: take theirs; 3: take both (ours first);
    /// 4: both sides made the same change (found by refining a conflict).
    var mode: Int
    var i0: Int, chg0: Int
    var i1: Int, chg1: Int
    var i2: Int, chg2: Int
}

/// The three versions of a file and how each side changed the base.
struct ThreeWayMerge {
    let base: TextLines
    let ours: TextLines
    let theirs: TextLines
    let style: TextMerge.Style

    /// `xdl_do_merge` up to its output: walks both diffs of the base (`ourChanges`: base to
    /// ours, `theirChanges`: base to theirs) together and returns the merge's regions.
    ///
    /// git merges at `XDL_MERGE_ZEALOUS`: changes that overlap conflict unless identical,
    /// then each conflict is refined (a diff of the two sides finds what they share) and
    /// conflicts fewer than four lines apart are joined. The `diff3` and `zdiff3` styles
    /// show the base, so they stop at `XDL_MERGE_EAGER` (no refinement); `zdiff3` only
    /// trims lines both sides share at the ends of each conflict.
    func hunks(ourChanges xscr1: [Change], theirChanges xscr2: [Change]) throws -> [MergeHunk] {
        var hunks: [MergeHunk] = []
        var a = 0, b = 0
        while a < xscr1.count && b < xscr2.count {
            let x1 = xscr1[a], x2 = xscr2[b]
            if x1.i1 + x1.chg1 < x2.i1 {
                // Only ours changes this part of the base.
                Self.append(&hunks, MergeHunk(mode: 1, i0: x1.i1, chg0: x1.chg1, i1: x1.i2, chg1: x1.chg2,
                                              i2: x2.i2 - x2.i1 + x1.i1, chg2: x1.chg1))
                a += 1
                continue
            }
            if x2.i1 + x2.chg1 < x1.i1 {
                // Only theirs changes this part.
                Self.append(&hunks, MergeHunk(mode: 2, i0: x2.i1, chg0: x2.chg1, i1: x1.i2 - x1.i1 + x2.i1, chg1: x2.chg1,
                                              i2: x2.i2, chg2: x2.chg2))
                b += 1
                continue
            }
            if x1.i1 != x2.i1 || x1.chg1 != x2.chg1 || x1.chg2 != x2.chg2 || !sameLines(x1.i2, x2.i2, x1.chg2) {
                // Overlapping changes that differ: a conflict spanning both.
                let off = x1.i1 - x2.i1
                let ffo = off + x1.chg1 - x2.chg1
                var i0 = x1.i1, i1 = x1.i2, i2 = x2.i2
                if off > 0 {
                    i0 -= off
                    i1 -= off
                } else {
                    i2 += off
                }
                var chg0 = x1.i1 + x1.chg1 - i0
                var chg1 = x1.i2 + x1.chg2 - i1
                var chg2 = x2.i2 + x2.chg2 - i2
                if ffo < 0 {
                    chg0 -= ffo
                    chg1 -= ffo
                } else {
                    chg2 += ffo
                }
                Self.append(&hunks, MergeHunk(mode: 0, i0: i0, chg0: chg0, i1: i1, chg1: chg1, i2: i2, chg2: chg2))
            }
            let end1 = x1.i1 + x1.chg1
            let end2 = x2.i1 + x2.chg1
            if end1 >= end2 { b += 1 }
            if end2 >= end1 { a += 1 }
        }
        while a < xscr1.count {
            let x1 = xscr1[a]
            Self.append(&hunks, MergeHunk(mode: 1, i0: x1.i1, chg0: x1.chg1, i1: x1.i2, chg1: x1.chg2,
                                          i2: x1.i1 + theirs.count - base.count, chg2: x1.chg1))
            a += 1
        }
        while b < xscr2.count {
            let x2 = xscr2[b]
            Self.append(&hunks, MergeHunk(mode: 2, i0: x2.i1, chg0: x2.chg1, i1: x2.i1 + ours.count - base.count, chg1: x2.chg1,
                                          i2: x2.i2, chg2: x2.chg2))
            b += 1
        }
        switch style {
        case .zdiff3:
            refineZdiff3Conflicts(&hunks)
        case .diff3:
            break
        case .merge:
            hunks = try refineConflicts(hunks)
            simplifyNonConflicts(&hunks)
        }
        return hunks
    }

    /// `xdl_append_merge`: adds a region, or widens the last one when they overlap (a
    /// region joined with one of another kind becomes a conflict).
    private static func append(_ hunks: inout [MergeHunk], _ hunk: MergeHunk) {
        if let last = hunks.last, hunk.i1 <= last.i1 + last.chg1 || hunk.i2 <= last.i2 + last.chg2 {
            var m = last
            if hunk.mode != m.mode { m.mode = 0 }
            m.chg0 = hunk.i0 + hunk.chg0 - m.i0
            m.chg1 = hunk.i1 + hunk.chg1 - m.i1
            m.chg2 = hunk.i2 + hunk.chg2 - m.i2
            hunks[hunks.count - 1] = m
        } else {
            hunks.append(hunk)
        }
    }

    /// `xdl_merge_cmp_lines`, true when equal: `count` lines of ours from `i1` are the
    /// lines of theirs from `i2`.
    private func sameLines(_ i1: Int, _ i2: Int, _ count: Int) -> Bool {
        for k in 0..<count where !ours.matches(i1 + k, theirs, i2 + k) { return false }
        return true
    }

    /// `xdl_refine_zdiff3_conflicts`: removes the lines both sides share from the start and
    /// the end of each conflict.
    private func refineZdiff3Conflicts(_ hunks: inout [MergeHunk]) {
        for k in hunks.indices where hunks[k].mode == 0 {
            var m = hunks[k]
            while m.chg1 > 0 && m.chg2 > 0 && ours.matches(m.i1, theirs, m.i2) {
                m.chg1 -= 1
                m.chg2 -= 1
                m.i1 += 1
                m.i2 += 1
            }
            while m.chg1 > 0 && m.chg2 > 0 && ours.matches(m.i1 + m.chg1 - 1, theirs, m.i2 + m.chg2 - 1) {
                m.chg1 -= 1
                m.chg2 -= 1
            }
            hunks[k] = m
        }
    }

    /// `xdl_refine_conflicts`: diffs the two sides of each conflict (histogram, compacted)
    /// and keeps only the parts that differ, each a conflict of its own; a conflict whose
    /// sides are equal becomes mode 4. A conflict with an empty side is left as is.
    private func refineConflicts(_ hunks: [MergeHunk]) throws -> [MergeHunk] {
        var refined: [MergeHunk] = []
        refined.reserveCapacity(hunks.count)
        for m in hunks {
            guard m.mode == 0, m.chg1 > 0, m.chg2 > 0 else {
                refined.append(m)
                continue
            }
            var env = try HistogramDiff.diff(ours.lines(m.i1..<(m.i1 + m.chg1)), theirs.lines(m.i2..<(m.i2 + m.chg2)))
            env.compactChanges()
            let script = env.script()
            guard let first = script.first else {
                var same = m
                same.mode = 4
                refined.append(same)
                continue
            }
            var head = m
            head.i1 = first.i1 + m.i1
            head.chg1 = first.chg1
            head.i2 = first.i2 + m.i2
            head.chg2 = first.chg2
            refined.append(head)
            // git leaves the base range of the added conflicts unset; no style that
            // refines shows it.
            for change in script.dropFirst() {
                refined.append(MergeHunk(mode: 0, i0: 0, chg0: 0, i1: change.i1 + m.i1, chg1: change.chg1,
                                         i2: change.i2 + m.i2, chg2: change.chg2))
            }
        }
        return refined
    }

    /// `xdl_simplify_non_conflicts` (without the alphanumeric test, which only
    /// `XDL_MERGE_ZEALOUS_ALNUM` asks for): joins two conflicts with at most three lines
    /// between them, those lines going into the conflict (`xdl_merge_two_conflicts`).
    private func simplifyNonConflicts(_ hunks: inout [MergeHunk]) {
        guard !hunks.isEmpty else { return }
        var simplified: [MergeHunk] = []
        simplified.reserveCapacity(hunks.count)
        var m = hunks[0]
        for next in hunks.dropFirst() {
            let begin = m.i1 + m.chg1
            let end = next.i1
            if m.mode != 0 || next.mode != 0 || end - begin > 3 {
                simplified.append(m)
                m = next
            } else {
                m.chg1 = next.i1 + next.chg1 - m.i1
                m.chg2 = next.i2 + next.chg2 - m.i2
            }
        }
        simplified.append(m)
        hunks = simplified
    }
}
