/// git's content similarity estimate for inexact rename detection, in Swift.
///
/// This mirrors, step for step, what `git diff -M` does for one deleted and one added
/// regular file once the exact-rename pass (identical blob ids) has found nothing:
///
/// - `ContentSignature.init` is `hash_chars()` in git's `diffcore-delta.c`: the content is
///   cut into spans that end after a `'\n'` or after 64 bytes, whichever comes first; each
///   span is hashed into one of `hashBase` (107927) values, and the byte counts of spans with
///   the same hash are summed. In a text file (one with no NUL byte in its first 8000 bytes,
///   git's `buffer_is_binary()`), a `'\r'` right before a `'\n'` is skipped: it is neither
///   hashed nor counted, so CRLF and LF versions of a line match.
/// - `ContentSignature.countChanges(from:to:)` is `diffcore_count_changes()`: a merge of the
///   two sorted span lists giving the bytes copied from the source and the bytes added.
/// - `ContentSignature.score(against:minimumScore:)` is `estimate_similarity()` in
///   `diffcore-rename.c`: `src_copied * MAX_SCORE / max(src_size, dst_size)`, after an early
///   size test, in 0...60000 (`MAX_SCORE`).
/// - `ContentSignature.similarity(to:minimumScore:)` is that score as the percentage git prints
///   (`similarity_index()` in `diff.c`: `score * 100 / MAX_SCORE`, rounded down), as in `R087`.
///
/// What git decides outside these functions, and callers must do themselves:
/// - Identical content (equal blob ids) is an exact rename, `R100`, found before any estimate;
///   this includes two empty files. The estimate itself can be below 100 for identical content
///   (a CRLF text file: its skipped `'\r'` bytes count in the size but not in the spans) and is
///   0 for two empty files.
/// - Only regular files are estimated; symlinks and submodules are renamed only when exact.
/// - A pair is a rename when its score is `>= minimum_score` (default 30000, 50%; `-M<n>%`
///   sets `n * 600`), and each destination takes the best-scoring free source.
public struct ContentSignature: Sendable, Hashable {
    /// git's `MAX_SCORE`: the score of a perfect match.
    public static let maxScore = 60_000
    /// git's `DEFAULT_RENAME_SCORE`: the minimum score of a rename without `-M<n>`, 50%.
    public static let defaultMinimumScore = 30_000
    /// git's `HASHBASE`: span hashes are taken modulo this prime, so every hash is below it.
    public static let hashBase: UInt32 = 107_927
    /// git's `FIRST_FEW_BYTES`: how far `buffer_is_binary()` looks for a NUL byte.
    public static let binaryCheckLength = 8000
    /// Spans end after this many hashed bytes when no `'\n'` comes first.
    public static let maximumSpanLength = 64

    /// The content's length in bytes, every `'\r'` included (git's `diff_filespec.size`).
    public let size: Int
    /// Whether the content was hashed as binary (no CRLF folding).
    public let isBinary: Bool
    /// The distinct span hashes, strictly increasing, each below `hashBase`
    /// (git's `spanhash.hashval`, in the order `spanhash_cmp` sorts them).
    public let hashes: [UInt32]
    /// `counts[i]` is the number of bytes (each at least 1) in all spans hashing to
    /// `hashes[i]` (git's `spanhash.cnt`). The counts add up to the bytes hashed: `size` less
    /// the skipped `'\r'` bytes, less an unterminated final span when it is not included.
    public let counts: [UInt32]

    /// The signature of a file's content (git's `hash_chars()`).
    ///
    /// - Parameters:
    ///   - isBinary: overrides git's detection (a NUL byte in the first 8000 bytes), as a
    ///     `binary` or `-diff` attribute or a diff driver's `binary` setting would.
    ///   - includesFinalPartialSpan: whether a final span that neither ends with `'\n'` nor
    ///     reaches 64 bytes is hashed. git 2.43.2 and later do (commit 1c5bc6971e,
    ///     "diffcore-delta: avoid ignoring final 'line' of file"); older git drops it from the
    ///     spans while still counting it in the size. Pass `false` to match git before 2.43.2.
    public init(_ bytes: [UInt8], isBinary: Bool? = nil, includesFinalPartialSpan: Bool = true) {
        self = bytes.withUnsafeBytes {
            ContentSignature($0, isBinary: isBinary, includesFinalPartialSpan: includesFinalPartialSpan)
        }
    }

    /// The signature of content in memory (see `init(_:isBinary:includesFinalPartialSpan:)`).
    public init(_ buffer: UnsafeRawBufferPointer, isBinary: Bool? = nil, includesFinalPartialSpan: Bool = true) {
        let binary = isBinary ?? ContentSignature.isBinary(buffer)
        size = buffer.count
        self.isBinary = binary
        // git reads the size into an `unsigned int`, so it hashes only the low 32 bits' worth.
        let limit = Int(UInt32(truncatingIfNeeded: buffer.count))
        // One entry per span: the hash in the high bits, the span length less one (0...63) in
        // the low 6, so sorting the entries sorts by hash. A hash is below 2^17: 23 bits in all.
        var spans: [UInt32] = []
        spans.reserveCapacity(limit / 32 + 1)
        if limit > 0, let base = buffer.baseAddress {
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            var accum1: UInt32 = 0, accum2: UInt32 = 0, n: UInt32 = 0
            var i = 0
            while i < limit {
                let c = UInt32(bytes[i])
                i += 1
                // Ignore CR in CRLF sequence if text.
                if !binary && c == 0x0D && i < limit && bytes[i] == 0x0A { continue }
                let old1 = accum1
                accum1 = (accum1 &<< 7) ^ (accum2 &>> 25)
                accum2 = (accum2 &<< 7) ^ (old1 &>> 25)
                accum1 = accum1 &+ c
                n += 1
                if n < 64 && c != 0x0A { continue }
                spans.append(((accum1 &+ accum2 &* 0x61) % Self.hashBase) << 6 | (n - 1))
                n = 0
                accum1 = 0
                accum2 = 0
            }
            if n > 0 && includesFinalPartialSpan {
                spans.append(((accum1 &+ accum2 &* 0x61) % Self.hashBase) << 6 | (n - 1))
            }
        }
        spans.sort()
        // Sum the lengths of equal hashes, as git's hash table does.
        var hashes: [UInt32] = []
        var counts: [UInt32] = []
        hashes.reserveCapacity(spans.count)
        counts.reserveCapacity(spans.count)
        var index = 0
        while index < spans.count {
            let hash = spans[index] >> 6
            var count: UInt32 = 0
            while index < spans.count && spans[index] >> 6 == hash {
                count &+= (spans[index] & 63) + 1
                index += 1
            }
            hashes.append(hash)
            counts.append(count)
        }
        self.hashes = hashes
        self.counts = counts
    }

    /// Whether git takes content as binary by default (git's `buffer_is_binary()`): a NUL
    /// byte in its first 8000 bytes.
    public static func isBinary(_ buffer: UnsafeRawBufferPointer) -> Bool {
        buffer.prefix(binaryCheckLength).contains(0)
    }

    /// Bytes of `destination` copied from `source`, and bytes added
    /// (git's `diffcore_count_changes()`, `src_copied` and `literal_added`).
    ///
    /// For each hash, `min(source count, destination count)` bytes are copied and any excess of
    /// the destination's count is added; the source's excess is deleted and not reported.
    public static func countChanges(from source: ContentSignature, to destination: ContentSignature)
        -> (sourceCopied: Int, literalAdded: Int) {
        // Unchecked buffers: this loop runs for every pair a rename search scores.
        source.hashes.withUnsafeBufferPointer { sHashes in
        source.counts.withUnsafeBufferPointer { sCounts in
        destination.hashes.withUnsafeBufferPointer { dHashes in
        destination.counts.withUnsafeBufferPointer { dCounts in
            var copied = 0, added = 0
            var d = 0
            let dEnd = dHashes.count
            for s in 0..<sHashes.count {
                let hash = sHashes[s]
                while d < dEnd && dHashes[d] < hash {
                    added += Int(dCounts[d])
                    d += 1
                }
                let sourceCount = Int(sCounts[s])
                var destinationCount = 0
                if d < dEnd && dHashes[d] == hash {
                    destinationCount = Int(dCounts[d])
                    d += 1
                }
                if sourceCount < destinationCount {
                    added += destinationCount - sourceCount
                    copied += sourceCount
                } else {
                    copied += destinationCount
                }
            }
            while d < dEnd {
                added += Int(dCounts[d])
                d += 1
            }
            return (copied, added)
        }
        }
        }
        }
    }

    /// git's similarity score of `self` as the deleted file and `other` as the added one, in
    /// 0...`maxScore` (git's `estimate_similarity()`).
    ///
    /// - Parameter minimumScore: the rename threshold in 0...60000 (git's `minimum_score`).
    ///   It only enables a shortcut: when the sizes differ so much that the score could not
    ///   reach it (`max * (60000 - minimumScore) < (max - min) * 60000`), the result is 0.
    ///   Any other pair gets its full score, so a nonzero result below `minimumScore` is possible.
    /// - Returns: `sourceCopied * 60000 / max(self.size, other.size)`, rounded down; 0 when
    ///   `other` is empty. The score is symmetric; only `countChanges` depends on direction.
    public func score(against other: ContentSignature, minimumScore: Int = defaultMinimumScore) -> Int {
        score(against: other, minimumScore: minimumScore) { Self.countChanges(from: self, to: other).sourceCopied }
    }

    /// The same score from the bytes copied when the caller has them already (an index of
    /// many files' spans): `copied` is asked for only when the sizes let the pair reach
    /// `minimumScore`.
    public func score(against other: ContentSignature, minimumScore: Int, copied: () -> Int) -> Int {
        let maxSize = UInt64(Swift.max(size, other.size))
        let baseSize = UInt64(Swift.min(size, other.size))
        let deltaSize = maxSize - baseSize
        let minimum = UInt64(Swift.min(Swift.max(minimumScore, 0), Self.maxScore))
        // git computes these in `unsigned long`; the wrapping mirrors it for absurd sizes.
        if maxSize &* (UInt64(Self.maxScore) - minimum) < deltaSize &* UInt64(Self.maxScore) { return 0 }
        if other.size == 0 { return 0 } // "should not happen": git's guard against dividing by 0.
        return Int(UInt64(copied()) &* UInt64(Self.maxScore) / maxSize)
    }

    /// git's similarity as it prints it, a percentage in 0...100 rounded down (the `87` in
    /// `R087`; git's `similarity_index()`), for `self` deleted and `other` added.
    ///
    /// - Parameter minimumScore: the rename threshold as a percentage, as in `-M50%`
    ///   (`minimumScore * 600` in git's units, clamped to 0...100); see
    ///   `score(against:minimumScore:)`. The pair is a rename when the result is at least
    ///   `minimumScore` (git would read `-M0` as the default, 50%; here 0 means no shortcut).
    public func similarity(to other: ContentSignature, minimumScore: Int = 50) -> Int {
        let percent = Swift.min(Swift.max(minimumScore, 0), 100)
        return Self.percentage(score(against: other, minimumScore: percent * Self.maxScore / 100))
    }

    /// A raw score in 0...60000 as git prints it: `score * 100 / 60000`, rounded down.
    public static func percentage(_ score: Int) -> Int {
        score * 100 / maxScore
    }
}
