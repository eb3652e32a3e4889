// A port of git v2.39's xdiff/xhistogram.c (histogram diff, after JGit's HistogramDiff;
// Copyright (C) 2010 Google Inc. and others, under the Eclipse Distribution License v1.0,
// EDL, a BSD-style license) and of `xdl_do_diff` (xdiff/xdiffi.c) and
// `xdl_fall_back_diff` (xdiff/xutils.c), from LibXDiff by Davide Libenzi, LGPL-2.1+.

/// Thrown where xdiff's diff returns -1 short of memory: histogram diff gives up when 64
/// distinct lines of a region share one slot of its hash table (`scanA`), and git's merge
/// then fails with an error.
typealias XdiffFailure = TextMerge.Failure

/// `MAX_CNT`'s role for xdiff's histogram: a line occurring more often than this in a
/// region (`max_chain_length`) is not used to anchor the diff; a region with only such
/// lines in common goes to the classic diff.
private let maxChainLength = 64

/// `struct region`: the longest common run found, as 1-based line numbers (0: none).
private struct Region {
    var begin1 = 0, end1 = 0
    var begin2 = 0, end2 = 0
}

/// xdiff's histogram diff.
enum HistogramDiff {
    /// `xdl_do_diff` with `XDF_HISTOGRAM_DIFF`: prepares the two files (without the
    /// classic diff's trimming) and marks their changed lines.
    static func diff(_ a: TextLines, _ b: TextLines) throws -> DiffEnvironment {
        var env = DiffEnvironment(a, b)
        let index = Index(capacity: a.count)
        // `histogram_diff` recurses on the part before the common run and loops on the part
        // after it; each region is independent, so a stack does the same.
        var regions = [(line1: 1, count1: a.count, line2: 1, count2: b.count)]
        while let region = regions.popLast() {
            try diffRegion(&env, index, region.line1, region.count1, region.line2, region.count2, &regions)
        }
        return env
    }

    /// One step of `histogram_diff` on lines `line1 ..< line1 + count1` of the first file
    /// and `line2 ..< line2 + count2` of the second (1-based): settles the region, or pushes
    /// the regions before and after its longest common run.
    private static func diffRegion(_ env: inout DiffEnvironment, _ index: Index,
                                   _ line1: Int, _ count1: Int, _ line2: Int, _ count2: Int,
                                   _ regions: inout [(line1: Int, count1: Int, line2: Int, count2: Int)]) throws {
        if count1 <= 0 && count2 <= 0 { return }
        if count1 == 0 {
            for line in line2..<(line2 + count2) { env.file2.mark(line - 1) }
            return
        }
        if count2 == 0 {
            for line in line1..<(line1 + count1) { env.file1.mark(line - 1) }
            return
        }
        var lcs = Region()
        let fallBack = try index.findLCS(env, &lcs, line1, count1, line2, count2)
        if fallBack {
            fallBackToClassicDiff(&env, line1, count1, line2, count2)
        } else if lcs.begin1 == 0 && lcs.begin2 == 0 {
            for line in line1..<(line1 + count1) { env.file1.mark(line - 1) }
            for line in line2..<(line2 + count2) { env.file2.mark(line - 1) }
        } else {
            regions.append((lcs.end1 + 1, line1 + count1 - 1 - lcs.end1, lcs.end2 + 1, line2 + count2 - 1 - lcs.end2))
            regions.append((line1, lcs.begin1 - line1, line2, lcs.begin2 - line2))
        }
    }

    /// `fall_back_to_classic_diff` and `xdl_fall_back_diff`: diffs the region's lines as
    /// two files of their own with the classic diff (a fresh, full preparation) and copies
    /// its marks back.
    private static func fallBackToClassicDiff(_ env: inout DiffEnvironment, _ line1: Int, _ count1: Int, _ line2: Int, _ count2: Int) {
        var sub = DiffEnvironment(env.file1.lines.lines((line1 - 1)..<(line1 - 1 + count1)),
                                  env.file2.lines.lines((line2 - 1)..<(line2 - 1 + count2)))
        ClassicDiff.diff(&sub)
        for i in 0..<count1 { env.file1.mark(line1 - 1 + i, sub.file1.isChanged(i)) }
        for i in 0..<count2 { env.file2.mark(line2 - 1 + i, sub.file2.isChanged(i)) }
    }

    /// `struct histindex`: the occurrences of the first file's lines in a region, by
    /// class, through a hash table of chains (`records`, `line_map`, `next_ptrs`). Its
    /// buffers are allocated once per diff and cleared as far as each region needs.
    private final class Index {
        /// `records`: each hash slot's first record, -1 when none.
        let slots: UnsafeMutablePointer<Int32>
        /// Each record's first occurrence (`ptr`), occurrence count (`cnt`) and the next
        /// record of its slot (`next`, -1 at the end).
        let recordLine: UnsafeMutablePointer<Int>
        let recordCount: UnsafeMutablePointer<Int>
        let recordNext: UnsafeMutablePointer<Int32>
        var records = 0
        /// `line_map`: each line's record, by line - `ptrShift`.
        let lineMap: UnsafeMutablePointer<Int32>
        /// `next_ptrs`: each line's next occurrence (0: the last one), by line - `ptrShift`.
        let nextLine: UnsafeMutablePointer<Int>
        var tableBits = 0
        var ptrShift = 0
        /// `index->cnt`: the occurrence count of the best run found so far.
        var count = 0
        var hasCommon = false

        init(capacity: Int) {
            slots = .allocate(capacity: 2 * capacity + 2)
            recordLine = .allocate(capacity: capacity + 1)
            recordCount = .allocate(capacity: capacity + 1)
            recordNext = .allocate(capacity: capacity + 1)
            lineMap = .allocate(capacity: capacity + 1)
            nextLine = .allocate(capacity: capacity + 1)
        }

        deinit {
            slots.deallocate()
            recordLine.deallocate()
            recordCount.deallocate()
            recordNext.deallocate()
            lineMap.deallocate()
            nextLine.deallocate()
        }

        /// `find_lcs`: the longest common run of the region whose lines occur least often
        /// in the first file, in `lcs`. True when the region should go to the classic diff
        /// instead: lines in common, but each occurring more than 64 times.
        func findLCS(_ env: DiffEnvironment, _ lcs: inout Region,
                              _ line1: Int, _ count1: Int, _ line2: Int, _ count2: Int) throws -> Bool {
            tableBits = xdlHashBits(count1)
            slots.update(repeating: -1, count: 1 << tableBits)
            lineMap.update(repeating: -1, count: count1)
            nextLine.update(repeating: 0, count: count1)
            records = 0
            ptrShift = line1
            hasCommon = false

            try env.file1.classes.withUnsafeBufferPointer { classes1 in
                try scanA(classes1, line1, count1)
            }
            count = maxChainLength + 1
            env.file1.classes.withUnsafeBufferPointer { classes1 in
                env.file2.classes.withUnsafeBufferPointer { classes2 in
                    var bPtr = line2
                    while bPtr <= line2 + count2 - 1 {
                        bPtr = tryLCS(classes1, classes2, &lcs, bPtr, line1, count1, line2, count2)
                    }
                }
            }
            return hasCommon && maxChainLength < count
        }

        /// `scanA`: indexes the region's lines of the first file, last to first, so each
        /// record's chain of occurrences runs forward from its first one.
        private func scanA(_ classes1: UnsafeBufferPointer<Int>, _ line1: Int, _ count1: Int) throws {
            var ptr = line1 + count1 - 1
            while line1 <= ptr {
                let cls = classes1[ptr - 1]
                let slot = xdlHashLong(cls, tableBits)
                var rec = Int(slots[slot])
                var chainLength = 0
                var found = false
                while rec >= 0 {
                    if classes1[recordLine[rec] - 1] == cls {
                        // Another occurrence: it goes first in the record's chain.
                        nextLine[ptr - ptrShift] = recordLine[rec]
                        recordLine[rec] = ptr
                        recordCount[rec] = min(Int(UInt32.max), recordCount[rec] + 1)
                        lineMap[ptr - ptrShift] = Int32(rec)
                        found = true
                        break
                    }
                    rec = Int(recordNext[rec])
                    chainLength += 1
                }
                if !found {
                    if chainLength == maxChainLength { throw XdiffFailure() }
                    // The first occurrence seen of this line: a new record.
                    let new = records
                    records += 1
                    recordLine[new] = ptr
                    recordCount[new] = 1
                    recordNext[new] = slots[slot]
                    slots[slot] = Int32(new)
                    lineMap[ptr - ptrShift] = Int32(new)
                }
                ptr -= 1
            }
        }

        /// `try_lcs`: the longest common run through line `bPtr` of the second file, kept
        /// when longer than the best so far, or made of rarer lines. Returns the next line
        /// of the second file to try.
        private func tryLCS(_ classes1: UnsafeBufferPointer<Int>, _ classes2: UnsafeBufferPointer<Int>,
                                     _ lcs: inout Region, _ bPtr: Int,
                                     _ line1: Int, _ count1: Int, _ line2: Int, _ count2: Int) -> Int {
            var bNext = bPtr + 1
            let end1 = line1 + count1 - 1, end2 = line2 + count2 - 1
            let cls = classes2[bPtr - 1]
            var rec = Int(slots[xdlHashLong(cls, tableBits)])
            while rec >= 0 {
                defer { rec = Int(recordNext[rec]) }
                if recordCount[rec] > count {
                    if !hasCommon { hasCommon = classes1[recordLine[rec] - 1] == cls }
                    continue
                }
                var aStart = recordLine[rec]
                if classes1[aStart - 1] != cls { continue }
                hasCommon = true
                while true {
                    var np = nextLine[aStart - ptrShift]
                    var bStart = bPtr
                    var aEnd = aStart
                    var bEnd = bStart
                    var rc = recordCount[rec]

                    while line1 < aStart && line2 < bStart && classes1[aStart - 2] == classes2[bStart - 2] {
                        aStart -= 1
                        bStart -= 1
                        if 1 < rc { rc = min(rc, recordCount[Int(lineMap[aStart - ptrShift])]) }
                    }
                    while aEnd < end1 && bEnd < end2 && classes1[aEnd] == classes2[bEnd] {
                        aEnd += 1
                        bEnd += 1
                        if 1 < rc { rc = min(rc, recordCount[Int(lineMap[aEnd - ptrShift])]) }
                    }

                    if bNext <= bEnd { bNext = bEnd + 1 }
                    if lcs.end1 - lcs.begin1 < aEnd - aStart || rc < count {
                        lcs.begin1 = aStart
                        lcs.begin2 = bStart
                        lcs.end1 = aEnd
                        lcs.end2 = bEnd
                        count = rc
                    }

                    if np == 0 { break }
                    var exhausted = false
                    while np <= aEnd {
                        np = nextLine[np - ptrShift]
                        if np == 0 {
                            exhausted = true
                            break
                        }
                    }
                    if exhausted { break }
                    aStart = np
                }
            }
            return bNext
        }
    }
}
