// A port of git v2.39's xdiff (LibXDiff by Davide Libenzi, LGPL-2.1+): xdiff/xprepare.c,
// the preparation of two files for a diff (`xdl_prepare_env`): classifying lines
// (`xdl_classify_record`) and, for the classic diff only, `xdl_optimize_ctxs`
// (`xdl_trim_ends`, `xdl_cleanup_records`, `xdl_clean_mmatch`).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One side of a diff once prepared (xdiff's `xdfile_t`): its lines, each line's class,
/// and which lines the diff marks as changed.
struct PreparedFile {
    let lines: TextLines
    /// Each line's class (xdiff's `rec->ha` after classification): equal lines, and only
    /// they, share a class. Classes are numbered in the order lines first appear, the first
    /// file's lines before the second's, as git numbers them (histogram's hash table
    /// depends on the numbers).
    var classes: [Int]
    /// xdiff's `rchg` with its guards: `changed[i + 1]` is line `i`; `changed[0]` and
    /// `changed[count + 1]` stay false.
    var changed: [Bool]

    var count: Int { lines.count }

    /// True when line `i` (-1 and `count` are the guards) is marked changed.
    @inline(__always) func isChanged(_ i: Int) -> Bool { changed[i + 1] }
    @inline(__always) mutating func mark(_ i: Int, _ value: Bool = true) { changed[i + 1] = value }
}

/// Two files prepared for a diff (xdiff's `xdfenv_t` with its classifier's counts).
struct DiffEnvironment {
    var file1: PreparedFile
    var file2: PreparedFile
    /// For each class, how many lines of the first file and of the second have it
    /// (`xdlclass_t.len1`, `len2`).
    let occurrences1: [Int32]
    let occurrences2: [Int32]

    /// Classifies the lines of both files (`xdl_prepare_env` up to, not including,
    /// `xdl_optimize_ctxs`).
    init(_ a: TextLines, _ b: TextLines) {
        var classifier = LineClassifier(capacity: a.count + b.count)
        let classes1 = classifier.classify(a, side: 0)
        let classes2 = classifier.classify(b, side: 1)
        file1 = PreparedFile(lines: a, classes: classes1, changed: [Bool](repeating: false, count: a.count + 2))
        file2 = PreparedFile(lines: b, classes: classes2, changed: [Bool](repeating: false, count: b.count + 2))
        occurrences1 = classifier.occurrences[0]
        occurrences2 = classifier.occurrences[1]
    }
}

/// `xdlclassifier_t`: numbers distinct lines in the order they first appear.
private struct LineClassifier {
    private var slots: [Int32]
    private let shift: UInt
    private var classStart: [UnsafePointer<UInt8>] = []
    private var classSize: [Int] = []
    private var classHash: [UInt] = []
    var occurrences: [[Int32]] = [[], []]

    init(capacity: Int) {
        var bits = 4
        while (1 << bits) < 2 * capacity { bits += 1 }
        slots = [Int32](repeating: -1, count: 1 << bits)
        shift = UInt(64 - bits)
        classStart.reserveCapacity(capacity)
        classSize.reserveCapacity(capacity)
        classHash.reserveCapacity(capacity)
    }

    /// The class of each line of `lines`, counted for `side` (0: first file, 1: second).
    mutating func classify(_ lines: TextLines, side: Int) -> [Int] {
        var result = [Int](repeating: 0, count: lines.count)
        guard lines.count > 0 else { return result }
        let base = lines.bytes.baseAddress!
        let mask = slots.count - 1
        for i in 0..<lines.count {
            let hash = lines.hashes[i]
            let start = base + lines.start(i)
            let size = lines.size(i)
            var slot = Int(truncatingIfNeeded: (UInt64(hash) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
            var found = -1
            while true {
                let c = Int(slots[slot])
                if c < 0 { break }
                if classHash[c] == hash && classSize[c] == size && (size == 0 || memcmp(classStart[c], start, size) == 0) {
                    found = c
                    break
                }
                slot = (slot + 1) & mask
            }
            if found < 0 {
                found = classHash.count
                slots[slot] = Int32(found)
                classHash.append(hash)
                classStart.append(start)
                classSize.append(size)
                occurrences[0].append(0)
                occurrences[1].append(0)
            }
            occurrences[side][found] += 1
            result[i] = found
        }
        return result
    }
}

/// The lines the classic diff works on after `xdl_optimize_ctxs`: the first and last
/// lines both files share are trimmed (`dstart`, `dend`), and lines with no match, or
/// with too many matches among unmatched lines, are marked changed beforehand and left
/// out. `indices[k]` is the line of the k-th kept line, `classes[k]` its class.
struct ReducedFile {
    var indices: [Int] = []
    var classes: [Int] = []
    var count: Int { indices.count }
}

/// `XDL_MAX_EQLIMIT`: the most matches a line may have before it counts as "many".
private let maxEqualLimit = 1024
/// `XDL_SIMSCAN_WINDOW`: how far `xdl_clean_mmatch` looks around a line.
private let similarScanWindow = 100
/// `XDL_KPDIS_RUN`.
private let keptDiscardRun = 4

extension DiffEnvironment {
    /// `xdl_optimize_ctxs`: trims the common ends, then discards lines (marking them
    /// changed) as `xdl_cleanup_records` does; returns the lines left for the classic diff.
    mutating func optimizeForClassicDiff() -> (ReducedFile, ReducedFile) {
        let (start, end1, end2) = trimmedEnds()
        let range1 = start..<(end1 + 1), range2 = start..<(end2 + 1)
        let dis1 = discardKinds(file1, range: range1, matches: occurrences2)
        let dis2 = discardKinds(file2, range: range2, matches: occurrences1)
        let reduced1 = keep(&file1, kinds: dis1, range: range1)
        let reduced2 = keep(&file2, kinds: dis2, range: range2)
        return (reduced1, reduced2)
    }

    /// `xdl_trim_ends`: the first line that differs, and each file's last line before its
    /// common tail (`dstart`, `dend`).
    private func trimmedEnds() -> (start: Int, end1: Int, end2: Int) {
        let limit = min(file1.count, file2.count)
        var i = 0
        while i < limit && file1.classes[i] == file2.classes[i] { i += 1 }
        let start = i
        var tail = 0
        while tail < limit - start && file1.classes[file1.count - 1 - tail] == file2.classes[file2.count - 1 - tail] { tail += 1 }
        return (start, file1.count - tail - 1, file2.count - tail - 1)
    }

    /// The first half of `xdl_cleanup_records`: for each line in `range`, 0 when the other
    /// file has no such line, 2 when it has many, 1 otherwise (`dis`, one guard past the end).
    private func discardKinds(_ file: PreparedFile, range: Range<Int>, matches: [Int32]) -> [UInt8] {
        var kinds = [UInt8](repeating: 0, count: file.count + 1)
        let limit = min(xdlBogoSqrt(file.count), maxEqualLimit)
        for i in range {
            let nm = Int(matches[file.classes[i]])
            kinds[i] = nm == 0 ? 0 : nm >= limit ? 2 : 1
        }
        return kinds
    }

    /// The second half of `xdl_cleanup_records`: keeps lines of kind 1, and of kind 2 unless
    /// `xdl_clean_mmatch` says to discard them; marks the others changed.
    private func keep(_ file: inout PreparedFile, kinds: [UInt8], range: Range<Int>) -> ReducedFile {
        var reduced = ReducedFile()
        reduced.indices.reserveCapacity(range.count)
        reduced.classes.reserveCapacity(range.count)
        let runs = KindRuns(kinds, range)
        for i in range {
            if kinds[i] == 1 || (kinds[i] == 2 && !runs.cleanMultimatch(i)) {
                reduced.indices.append(i)
                reduced.classes.append(file.classes[i])
            } else {
                file.mark(i)
            }
        }
        return reduced
    }
}

/// What `xdl_clean_mmatch` reads of the kinds of `range`, counted once: how many lines of
/// kind 0 come before each line, and where the nearest lines of kind 1 are. git walks the
/// lines around each many-matched line instead (up to 100 each way); the counts are the
/// same, found without the walk.
private struct KindRuns {
    let range: Range<Int>
    /// `zeros[k - range.lowerBound]`: the lines of kind 0 in `range.lowerBound ..< k`.
    private var zeros: [Int]
    /// `previousOne[i - range.lowerBound]`: the last line of kind 1 before `i` (or
    /// `range.lowerBound - 1`); `nextOne`: the first after `i` (or `range.upperBound`).
    private var previousOne: [Int]
    private var nextOne: [Int]

    init(_ kinds: [UInt8], _ range: Range<Int>) {
        self.range = range
        let lo = range.lowerBound
        zeros = [Int](repeating: 0, count: range.count + 1)
        previousOne = [Int](repeating: lo - 1, count: range.count)
        nextOne = [Int](repeating: range.upperBound, count: range.count)
        var last = lo - 1
        for i in range {
            zeros[i - lo + 1] = zeros[i - lo] + (kinds[i] == 0 ? 1 : 0)
            previousOne[i - lo] = last
            if kinds[i] == 1 { last = i }
        }
        var next = range.upperBound
        for i in range.reversed() {
            nextOne[i - lo] = next
            if kinds[i] == 1 { next = i }
        }
    }

    /// The lines of kind 0 in `lines`.
    private func zeros(in lines: Range<Int>) -> Int {
        zeros[lines.upperBound - range.lowerBound] - zeros[lines.lowerBound - range.lowerBound]
    }

    /// `xdl_clean_mmatch`: true when the many-matched line `i` sits in a run of unmatched
    /// and many-matched lines (at most 100 each way, within `range`) long enough, and
    /// unmatched enough, to discard it.
    func cleanMultimatch(_ i: Int) -> Bool {
        let lo = range.lowerBound
        // The run before i: lines of kind 0 or 2 back to a line of kind 1 or the window's edge.
        let before = min(i - 1 - previousOne[i - lo], i - max(lo, i - similarScanWindow))
        let rdis0 = zeros(in: (i - before)..<i)
        if rdis0 == 0 { return false }
        let rpdis0 = 1 + before - rdis0
        // The run after i, the same way.
        let after = min(nextOne[i - lo] - i - 1, min(range.upperBound - 1, i + similarScanWindow) - i)
        let rdis1 = zeros(in: (i + 1)..<(i + 1 + after))
        if rdis1 == 0 { return false }
        let rpdis1 = 1 + after - rdis1
        let discarded = rdis0 + rdis1, multimatched = rpdis0 + rpdis1
        return multimatched * keptDiscardRun < multimatched + discarded
    }
}
