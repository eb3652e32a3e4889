import Git

/// Compares one file with many at once: an inverted index from each span hash
/// (``ContentSignature``) to the blobs that have it and how many of their bytes, so scoring
/// a source against every destination costs the postings of the source's spans, not a
/// merge of the source's spans with each destination's.
///
/// The bytes copied are exactly git's (``ContentSignature/countChanges(from:to:)``: for
/// each span hash both have, the smaller of the two counts), so scores are unchanged.
///
/// One per picker, used on one thread. A blob is added when a search first meets it and
/// kept, since the next picks onto a target meet the same files; the index is forgotten
/// all at once past a bound. Signatures come from the plan's shared ``SimilarityCache``.
final class SimilarityIndex {
    let cache: SimilarityCache
    private var slots: [OID: Int32] = [:]
    private var blobCount = 0
    /// For each span hash (below ``ContentSignature/hashBase``), the slots of the blobs that
    /// have it and their byte counts.
    private var postings: [[Posting]]
    private var postingCount = 0
    private var sizes: [OID: Int?] = [:]
    /// About 8 bytes a posting: forgotten past 64 MiB by default.
    let maximumPostings: Int

    private struct Posting {
        let slot: Int32
        let count: UInt32
    }

    init(cache: SimilarityCache, maximumPostings: Int = 8_000_000) {
        self.cache = cache
        self.maximumPostings = maximumPostings
        postings = Array(repeating: [], count: Int(ContentSignature.hashBase))
    }

    /// The bytes of each of `destinations` that `source` has (git's `src_copied`), nil for
    /// a destination that cannot be read. Blobs not yet in the index are added first.
    func copiedBytes(from source: ContentSignature, to destinations: [OID], in repository: Repository) -> [Int?] {
        copiedBytes(from: [source], to: destinations, in: repository)[0]
    }

    /// The same for several sources: `result[k][j]` for `sources[k]` and `destinations[j]`.
    func copiedBytes(from sources: [ContentSignature], to destinations: [OID], in repository: Repository) -> [[Int?]] {
        if postingCount > maximumPostings { forget() }
        let wanted = destinations.map { slot(of: $0, in: repository) }
        var copied = [UInt32](repeating: 0, count: blobCount)
        return sources.map { source in
            for i in copied.indices { copied[i] = 0 }
            copied.withUnsafeMutableBufferPointer { copied in
                for (hash, sourceCount) in zip(source.hashes, source.counts) {
                    for posting in postings[Int(hash)] {
                        copied[Int(posting.slot)] &+= min(sourceCount, posting.count)
                    }
                }
            }
            return wanted.map { slot in slot.map { Int(copied[Int($0)]) } }
        }
    }

    /// The blob's slot, indexing it first; nil when it cannot be read.
    private func slot(of blob: OID, in repository: Repository) -> Int32? {
        if let slot = slots[blob] { return slot >= 0 ? slot : nil }
        guard let signature = cache.signature(of: blob, in: repository) else {
            slots[blob] = -1
            return nil
        }
        let slot = Int32(blobCount)
        blobCount += 1
        for (hash, count) in zip(signature.hashes, signature.counts) {
            postings[Int(hash)].append(Posting(slot: slot, count: count))
        }
        postingCount += signature.hashes.count
        slots[blob] = slot
        return slot
    }

    /// A blob's size (``SimilarityCache/size(of:in:)``), kept here too: a search asks for
    /// the size of every destination, and this needs no lock.
    func size(of blob: OID, in repository: Repository) -> Int? {
        if let known = sizes[blob] { return known }
        let size = cache.size(of: blob, in: repository)
        if sizes.count >= 1_000_000 { sizes.removeAll(keepingCapacity: true) }
        sizes[blob] = .some(size)
        return size
    }

    /// How many blobs are indexed.
    var count: Int { blobCount }

    private func forget() {
        slots.removeAll(keepingCapacity: true)
        blobCount = 0
        for hash in postings.indices where !postings[hash].isEmpty { postings[hash].removeAll() }
        postingCount = 0
    }
}
