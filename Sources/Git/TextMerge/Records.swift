// A port of git v2.39's xdiff (LibXDiff by Davide Libenzi, LGPL-2.1+): the records of
// xdiff/xprepare.c (`xdl_prepare_ctx` cutting a file into lines) and the helpers of
// xdiff/xutils.c they use (`xdl_hash_record`'s role, `xdl_recmatch` without whitespace flags,
// `xdl_bogosqrt`, `xdl_hashbits`).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file cut into xdiff's records: each line with its `'\n'`, the last one possibly
/// without (an incomplete line). Lines are compared byte for byte, newline included, so
/// `"a"` at the end of a file and `"a\n"` differ.
///
/// The bytes are borrowed: a value never outlives the buffer of the merge that made it.
/// A sub-file (``lines(_:)``) shares that buffer, as xdiff's `mmfile_t` views of one
/// region do.
struct TextLines {
    /// The whole buffer the lines point into.
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where each line starts in `bytes`, then where the last one ends (`count + 1` offsets).
    let bounds: [Int]
    /// Each line's hash (of its bytes before the `'\n'`, as `xdl_hash_record`). Equal lines
    /// have equal hashes; the values only spread lines over hash tables.
    let hashes: [UInt]

    var count: Int { hashes.count }

    /// Cuts `bytes` into lines (`xdl_prepare_ctx`'s loop over `xdl_hash_record`).
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        var bounds: [Int] = [0]
        var hashes: [UInt] = []
        if let base = bytes.baseAddress, !bytes.isEmpty {
            let estimate = bytes.count / 32 + 1
            bounds.reserveCapacity(estimate + 1)
            hashes.reserveCapacity(estimate)
            var start = 0
            while start < bytes.count {
                var contentEnd = bytes.count
                if let newline = memchr(base + start, 0x0a, bytes.count - start) {
                    contentEnd = UnsafeRawPointer(newline) - UnsafeRawPointer(base)
                }
                hashes.append(Self.hash(base + start, count: contentEnd - start))
                start = contentEnd < bytes.count ? contentEnd + 1 : contentEnd
                bounds.append(start)
            }
        }
        self.bounds = bounds
        self.hashes = hashes
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, bounds: [Int], hashes: [UInt]) {
        self.bytes = bytes
        self.bounds = bounds
        self.hashes = hashes
    }

    /// The hash of a line's bytes before its `'\n'`, 8 bytes at a time. git's
    /// `xdl_hash_record` (djb2) gives other values, but nothing depends on them: they only
    /// spread lines over the classifier's table, and classes are numbered in the order
    /// lines first appear.
    private static func hash(_ start: UnsafePointer<UInt8>, count: Int) -> UInt {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
        let raw = UnsafeRawPointer(start)
        var offset = 0
        while offset + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            hash = ((hash << 5) | (hash >> 59)) ^ word
            hash = hash &* 0x0000_0100_0000_01B3
            offset += 8
        }
        if offset < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                word |= UInt64(start[offset]) << shift
                shift += 8
                offset += 1
            }
            hash = ((hash << 5) | (hash >> 59)) ^ word
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return UInt(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    /// The lines in `range` as a file of their own: what xdiff gets when it diffs a region
    /// again from its bytes (`xdl_fall_back_diff`, `xdl_refine_conflicts`). The region's
    /// lines cut the same way, so they are reused.
    func lines(_ range: Range<Int>) -> TextLines {
        TextLines(bytes: bytes, bounds: Array(bounds[range.lowerBound...range.upperBound]), hashes: Array(hashes[range]))
    }

    /// Where line `i` starts in ``bytes``.
    @inline(__always) func start(_ i: Int) -> Int { bounds[i] }

    /// Line `i`'s length, its `'\n'` included.
    @inline(__always) func size(_ i: Int) -> Int { bounds[i + 1] - bounds[i] }

    /// True when line `i` ends with `'\n'` (only the last line can lack one).
    func endsWithNewline(_ i: Int) -> Bool {
        size(i) > 0 && bytes[bounds[i + 1] - 1] == 0x0a
    }

    /// True when line `i` ends with `"\r\n"`.
    func endsWithCRLF(_ i: Int) -> Bool {
        size(i) > 1 && endsWithNewline(i) && bytes[bounds[i + 1] - 2] == 0x0d
    }

    /// `xdl_recmatch` without whitespace flags: the same bytes, newline included.
    func matches(_ i: Int, _ other: TextLines, _ j: Int) -> Bool {
        let size = self.size(i)
        guard size == other.size(j) else { return false }
        return size == 0 || memcmp(bytes.baseAddress! + bounds[i], other.bytes.baseAddress! + other.bounds[j], size) == 0
    }

    /// The bytes of lines `range`, as one contiguous slice of ``bytes``.
    func span(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        guard !range.isEmpty else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(rebasing: bytes[bounds[range.lowerBound]..<bounds[range.upperBound]])
    }
}

/// `xdl_bogosqrt`: a rough square root by shifts (a power of two).
func xdlBogoSqrt(_ n: Int) -> Int {
    var n = n, i = 1
    while n > 0 {
        i <<= 1
        n >>= 2
    }
    return i
}

/// `xdl_hashbits`: the bits of the smallest power of two at least `size`, at least 1.
func xdlHashBits(_ size: Int) -> Int {
    var value = 1, bits = 0
    while value < size && bits < 32 {
        value <<= 1
        bits += 1
    }
    return bits == 0 ? 1 : bits
}

/// `XDL_HASHLONG`: folds `value` into `bits` bits.
@inline(__always) func xdlHashLong(_ value: Int, _ bits: Int) -> Int {
    (value + (value >> bits)) & ((1 << bits) - 1)
}
