// A port of git v2.39's xdiff (LibXDiff by Davide Libenzi, LGPL-2.1+): from
// xdiff/xdiffi.c, `xdl_change_compact` (without the indent heuristic, which git's merge
// does not ask for) with its group helpers, and `xdl_build_script`.

/// One hunk of a diff (`xdchange_t`): `chg1` lines of the first file from line `i1` became
/// `chg2` lines of the second from line `i2` (0-based).
struct Change: Equatable {
    var i1: Int, i2: Int
    var chg1: Int, chg2: Int
}

/// `struct xdlgroup`: a run of changed lines `start ..< end` of one file; an empty group
/// sits above the unchanged line `start`.
private struct Group {
    var start = 0, end = 0
}

extension PreparedFile {
    /// `group_init`: the first group.
    private func firstGroup() -> Group {
        var g = Group()
        while isChanged(g.end) { g.end += 1 }
        return g
    }

    /// `group_next`: moves to the next group; false at the end of the file.
    private func next(_ g: inout Group) -> Bool {
        if g.end == count { return false }
        g.start = g.end + 1
        g.end = g.start
        while isChanged(g.end) { g.end += 1 }
        return true
    }

    /// `group_previous`: moves to the previous group; false at the start of the file.
    private func previous(_ g: inout Group) -> Bool {
        if g.start == 0 { return false }
        g.end = g.start - 1
        g.start = g.end
        while isChanged(g.start - 1) { g.start -= 1 }
        return true
    }

    /// `group_slide_down`: slides the group one line toward the end when its first line
    /// equals the line after it, joining a group it meets; false when it cannot.
    private mutating func slideDown(_ g: inout Group) -> Bool {
        guard g.end < count && classes[g.start] == classes[g.end] else { return false }
        mark(g.start, false)
        g.start += 1
        mark(g.end)
        g.end += 1
        while isChanged(g.end) { g.end += 1 }
        return true
    }

    /// `group_slide_up`: slides the group one line toward the start when its last line
    /// equals the line before it, joining a group it meets; false when it cannot.
    private mutating func slideUp(_ g: inout Group) -> Bool {
        guard g.start > 0 && classes[g.start - 1] == classes[g.end - 1] else { return false }
        g.start -= 1
        mark(g.start)
        g.end -= 1
        mark(g.end, false)
        while isChanged(g.start - 1) { g.start -= 1 }
        return true
    }

    /// `xdl_change_compact` without `XDF_INDENT_HEURISTIC`: slides each group of changed
    /// lines as far down as it goes (joining the groups it meets), then back up to line up
    /// with the last group of changes of `other` it can align with, if any.
    mutating func compactChanges(against other: PreparedFile) {
        var g = firstGroup()
        var go = other.firstGroup()
        while true {
            if g.end != g.start {
                var groupSize = 0
                var earliestEnd = 0
                var endMatchingOther = -1
                repeat {
                    groupSize = g.end - g.start
                    endMatchingOther = -1
                    // Shift the group backward as much as possible.
                    while slideUp(&g) {
                        precondition(other.previous(&go), "group sync broken sliding up")
                    }
                    earliestEnd = g.end
                    if go.end > go.start { endMatchingOther = g.end }
                    // Then forward as far as possible.
                    while slideDown(&g) {
                        precondition(other.next(&go), "group sync broken sliding down")
                        if go.end > go.start { endMatchingOther = g.end }
                    }
                } while groupSize != g.end - g.start

                if g.end != earliestEnd && endMatchingOther != -1 {
                    // Back up to line up with the last group of the other file it can meet.
                    while go.end == go.start {
                        precondition(slideUp(&g), "match disappeared")
                        precondition(other.previous(&go), "group sync broken sliding to match")
                    }
                }
            }
            if !next(&g) { break }
            precondition(other.next(&go), "group sync broken moving to next group")
        }
        precondition(!other.next(&go), "group sync broken at end of file")
    }
}

extension DiffEnvironment {
    /// Both passes of `xdl_change_compact` as git runs them after a diff: the first
    /// file's groups against the second's, then the second's against the first's.
    mutating func compactChanges() {
        file1.compactChanges(against: file2)
        file2.compactChanges(against: file1)
    }

    /// `xdl_build_script`: the hunks of the diff, first to last.
    func script() -> [Change] {
        var changes: [Change] = []
        var i1 = file1.count, i2 = file2.count
        while i1 >= 0 || i2 >= 0 {
            if file1.isChanged(i1 - 1) || file2.isChanged(i2 - 1) {
                let l1 = i1, l2 = i2
                while file1.isChanged(i1 - 1) { i1 -= 1 }
                while file2.isChanged(i2 - 1) { i2 -= 1 }
                changes.append(Change(i1: i1, i2: i2, chg1: l1 - i1, chg2: l2 - i2))
            }
            i1 -= 1
            i2 -= 1
        }
        return changes.reversed()
    }
}
