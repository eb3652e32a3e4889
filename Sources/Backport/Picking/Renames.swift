import Foundation
import Git

/// A file as rename detection sees it: a path and what is there.
struct RenameCandidate: Sendable {
    let path: String
    let entry: TreeEntry
}

/// Content signatures of blobs (git's span hashes, ``ContentSignature``), read once per
/// blob and kept for the plan: every target's picker shares them (the same files are
/// looked for as renames on several release branches).
final class SimilarityCache: @unchecked Sendable {
    // Safe: `signatures` is read and written only under `lock`; a signature is computed
    // outside the lock (two pickers may both compute one, and keep the same value).
    private let lock = NSLock()
    private var signatures: [OID: ContentSignature?] = [:]
    private var sizes: [OID: Int?] = [:]
    private var spans = 0

    /// The blob's signature; nil when it cannot be read (a mirror or partial clone without
    /// it): such a file is not compared, as if it were unlike every other.
    func signature(of blob: OID, in repository: Repository) -> ContentSignature? {
        if let known = lock.withLock({ signatures[blob] }) { return known }
        let signature = (try? repository.blobBytes(blob)).map { ContentSignature($0, includesFinalPartialSpan: false) }
        lock.withLock {
            // Bounded: about 8 bytes a span; forgotten all at once past 16 million spans.
            spans += signature?.hashes.count ?? 0
            if spans > 16_000_000 {
                signatures.removeAll(keepingCapacity: true)
                spans = signature?.hashes.count ?? 0
            }
            signatures[blob] = .some(signature)
        }
        return signature
    }

    /// The blob's size, from its header (nil when it cannot be read): enough for git's size
    /// test, which rules out most pairs before any content is read.
    func size(of blob: OID, in repository: Repository) -> Int? {
        if let known = lock.withLock({ sizes[blob] }) { return known }
        let size = try? repository.blobSize(blob)
        lock.withLock {
            if sizes.count >= 4_000_000 { sizes.removeAll(keepingCapacity: true) }
            sizes[blob] = .some(size)
        }
        return size
    }
}

/// Pairs deleted files with added ones on one side of a merge, as git's merge-ort does
/// (diffcore-rename.c, git 2.39): only for the sources the pick needs (merge-ort's
/// "relevant" sources), but with every deletion of that side taking part where git lets
/// it (exact renames, basename uniqueness).
///
/// The sources and destinations come in the order git's merge meets them (``WalkOrder``),
/// which settles ties.
///
/// 1. Exact renames: for each destination in that order, a source with the same blob
///    (same mode too, unless both are regular files), preferring one with the same
///    basename, the earliest on ties. Any source, relevant or not, can take one.
/// 2. Basename: a relevant source whose basename is unique among the sources left and
///    among the destinations left is paired with that destination when they are 75%
///    similar (halfway between the minimum and a perfect score).
/// 3. Similarity: when relevant sources × destinations left is at most the rename limit
///    squared, each destination keeps its 4 most similar sources at or above the minimum
///    score (50%), and the pairs are taken best first, each source and destination once.
///
/// Empty files are never sources or destinations; only regular files are compared by
/// content (git: estimate_similarity).
struct RenameDetector {
    let repository: Repository
    let options: RenameOptions
    /// The picker's index of the files searches met (``SimilarityIndex``), over the plan's
    /// sizes and signatures by blob. (Scores are not kept: a search's source is nearly
    /// always a file's version no search met before, the fix's parent moving with each
    /// candidate; measured, 3% of the pairs recurred.)
    let index: SimilarityIndex
    private var cache: SimilarityCache { index.cache }

    static let emptyBlob = OID(hex: "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")!

    /// A map from each source path that was renamed to its destination: every relevant
    /// source found, and the sources that took an exact rename whether relevant or not
    /// (they count for directory renames, as in git).
    ///
    /// `prune`, given the pairs found before the similarity step and the sources still
    /// unpaired, names relevant sources that step can skip (merge-ort drops the sources that
    /// only matter for a folder whose new place is already certain).
    ///
    /// `removedFolder` says whether a folder of the sources is gone from that side (its
    /// files' exact renames then guide the basename step); `movedFolders` are the removed
    /// folders the other side adds a file directly into (where their subfolders' files went
    /// counts for them too).
    func renames(of relevant: Set<String>, sources allSources: [RenameCandidate],
                 destinations allDestinations: [RenameCandidate],
                 removedFolder: (Substring) -> Bool = { _ in false }, movedFolders: Set<String> = [],
                 prune: ((_ found: [String: RenameCandidate], _ unpaired: [String]) -> Set<String>)? = nil)
        throws -> [String: RenameCandidate] {
        guard options.enabled, !relevant.isEmpty else { return [:] }
        let sources = allSources.filter { $0.entry.blob != Self.emptyBlob && !$0.entry.isSubmodule }
        let destinations = allDestinations.filter { $0.entry.blob != Self.emptyBlob && !$0.entry.isSubmodule }
        guard !destinations.isEmpty else { return [:] }
        var found: [String: RenameCandidate] = [:]
        var usedSources = Set<Int>(), matched = Set<Int>()
        // The source of each destination an exact rename took.
        var exact: [Int: Int] = [:]

        // 1. Exact renames. The sources with each blob, in order: the first, then a chain.
        var firstWithBlob: [OID: Int] = [:]
        firstWithBlob.reserveCapacity(sources.count)
        var nextWithBlob = [Int](repeating: -1, count: sources.count)
        for s in sources.indices.reversed() {
            if let first = firstWithBlob[sources[s].entry.blob] { nextWithBlob[s] = first }
            firstWithBlob[sources[s].entry.blob] = s
        }
        for (d, destination) in destinations.enumerated() {
            guard let first = firstWithBlob[destination.entry.blob] else { continue }
            let same = sequence(first: first) { nextWithBlob[$0] >= 0 ? nextWithBlob[$0] : nil }
            // git looks at no more than 100 of the sources it could take (find_identical_files).
            let usable = Array(same.lazy.filter { s in
                !usedSources.contains(s)
                    && (sources[s].entry.mode == destination.entry.mode || (sources[s].entry.isRegularFile && destination.entry.isRegularFile))
            }.prefix(100))
            guard let s = usable.first(where: { Self.basename(sources[$0].path) == Self.basename(destination.path) }) ?? usable.first
            else { continue }
            usedSources.insert(s)
            matched.insert(d)
            exact[d] = s
            found[sources[s].path] = destination
        }

        // 2. Same basename, unique on both sides.
        // Every file left counts for uniqueness, whatever its type (only regular files pair).
        let leftSources = sources.indices.filter { !usedSources.contains($0) }
        var leftDestinations = destinations.indices.filter { !matched.contains($0) }
        // Only the basenames of relevant sources matter: count just those.
        let names = Set(leftSources.lazy.filter { relevant.contains(sources[$0].path) }.map { Self.basename(sources[$0].path) })
        // Most files' basenames differ from these in length: compared without hashing.
        let nameLengths = Set(names.map(\.utf8.count))
        func unique(_ indices: [Int], _ list: [RenameCandidate]) -> [Substring: Int] {
            var map: [Substring: Int] = [:]
            for i in indices {
                let name = Self.basename(list[i].path)
                if nameLengths.contains(name.utf8.count), names.contains(name) { map[name] = map[name] == nil ? i : -1 }
            }
            return map
        }
        let sourceNames = unique(leftSources, sources), destinationNames = unique(leftDestinations, destinations)
        // Where a basename is not unique, git guesses the folder the file went to from where
        // the exact renames of its folder's files went (diffcore-rename.c: idx_possible_rename):
        // counted only when some relevant source needs a guess.
        lazy var guesses: [String: String] = {
            var counts = FolderCounts()
            for d in destinations.indices {
                if let s = exact[d] { counts.count(sources[s].path, destinations[d].path, removedFolder: removedFolder, movedFolders: movedFolders) }
            }
            return counts.leaders()
        }()
        lazy var destinationIndex = Dictionary(destinations.indices.map { (destinations[$0].path, $0) }, uniquingKeysWith: { a, _ in a })
        for s in leftSources where relevant.contains(sources[s].path) {
            let name = Self.basename(sources[s].path)
            guard let unique = destinationNames[name] else { continue }
            var d = unique
            if sourceNames[name] != s || unique < 0 {
                guard let best = guesses[String(Self.folder(sources[s].path))],
                      let guessed = destinationIndex[best.isEmpty ? String(name) : best + "/" + name] else { continue }
                d = guessed
            }
            guard !matched.contains(d), sources[s].entry.isRegularFile, destinations[d].entry.isRegularFile else { continue }
            if score(sources[s], destinations[d], minimum: basenameMinimumScore) >= basenameMinimumScore {
                usedSources.insert(s)
                matched.insert(d)
                found[sources[s].path] = destinations[d]
            }
        }

        // 3. By similarity, within the limit.
        var wanted = leftSources.filter { !usedSources.contains($0) && relevant.contains(sources[$0].path) }
        if let prune, !wanted.isEmpty {
            let skipped = prune(found, sources.indices.filter { !usedSources.contains($0) }.map { sources[$0].path })
            wanted.removeAll { skipped.contains(sources[$0].path) }
        }
        leftDestinations.removeAll { matched.contains($0) }
        guard !wanted.isEmpty, !leftDestinations.isEmpty,
              wanted.count * leftDestinations.count <= options.limit * options.limit else { return found }
        // Signatures read once for this search, not once per pair.
        let sourceSignatures = wanted.map { sources[$0].entry.isRegularFile ? cache.signature(of: sources[$0].entry.blob, in: repository) : nil }
        typealias Candidate = (score: Int, sameName: Bool, source: Int, destination: Int)
        var pairs: [Candidate] = []
        // Basenames as numbers, compared once per pair.
        var nameIDs: [Substring: Int] = [:]
        func nameID(_ path: String) -> Int {
            let name = Self.basename(path)
            if let id = nameIDs[name] { return id }
            nameIDs[name] = nameIDs.count
            return nameIDs.count - 1
        }
        let wantedNames = wanted.map { nameID(sources[$0].path) }
        let sourceSizes = sourceSignatures.compactMap { $0?.size }
        // Content is read only for a destination whose size lets some source reach the
        // minimum score: every pair of any other scores 0 and is never taken.
        let compared = leftDestinations.filter { d in
            guard destinations[d].entry.isRegularFile, let size = index.size(of: destinations[d].entry.blob, in: repository)
            else { return false }
            return sourceSizes.contains { sizesMayMatch($0, size) }
        }
        // The bytes each source shares with each of those destinations, from the index.
        let readable = sourceSignatures.indices.filter { sourceSignatures[$0] != nil }
        var row = [Int?](repeating: nil, count: wanted.count)
        for (r, k) in readable.enumerated() { row[k] = r }
        let copied = index.copiedBytes(from: readable.map { sourceSignatures[$0]! },
                                       to: compared.map { destinations[$0].entry.blob }, in: repository)
        for (j, d) in compared.enumerated() {
            guard let destinationSignature = cache.signature(of: destinations[d].entry.blob, in: repository) else { continue }
            let destinationName = nameID(destinations[d].path)
            // The 4 best sources for this destination (git: NUM_CANDIDATE_PER_DST), in git's
            // slots: every source is a candidate, however low its score (0 for a pair git
            // does not compare), and takes the place of the first worst one when better
            // (record_if_better); the slots' order breaks ties below.
            // An empty slot scores -1: below every candidate.
            var slots = [Candidate](repeating: (-1, false, -1, d), count: 4)
            for (k, s) in wanted.enumerated() {
                var value = 0
                if let sourceSignature = sourceSignatures[k], let r = row[k], let bytes = copied[r][j] {
                    value = sourceSignature.score(against: destinationSignature, minimumScore: minimumScore) { bytes }
                }
                let candidate = (value, wantedNames[k] == destinationName, s, d)
                var worst = 0
                for i in 1..<slots.count where Self.isWorse(slots[i], than: slots[worst]) { worst = i }
                if Self.isWorse(slots[worst], than: candidate) { slots[worst] = candidate }
            }
            pairs += slots.filter { $0.score >= minimumScore }
        }
        // Best score first, a same-basename pair before others; stable otherwise.
        let order = pairs.indices.sorted { a, b in
            let (x, y) = (pairs[a], pairs[b])
            if x.score != y.score { return x.score > y.score }
            if x.sameName != y.sameName { return x.sameName }
            return a < b
        }
        for i in order {
            let pair = pairs[i]
            guard !matched.contains(pair.destination), !usedSources.contains(pair.source) else { continue }
            usedSources.insert(pair.source)
            matched.insert(pair.destination)
            found[sources[pair.source].path] = destinations[pair.destination]
        }
        return found
    }

    /// Whether candidate `a` ranks below `b`: a lower score (an empty slot's -1 below all),
    /// then a different basename (diffcore-rename.c: score_compare).
    @inline(__always)
    private static func isWorse(_ a: (score: Int, sameName: Bool, source: Int, destination: Int),
                                than b: (score: Int, sameName: Bool, source: Int, destination: Int)) -> Bool {
        a.score != b.score ? a.score < b.score : !a.sameName && b.sameName
    }

    /// git's score, 0...60,000 (MAX_SCORE), of a pair.
    private func score(_ source: RenameCandidate, _ destination: RenameCandidate, minimum: Int) -> Int {
        guard let a = cache.signature(of: source.entry.blob, in: repository),
              let b = cache.signature(of: destination.entry.blob, in: repository) else { return 0 }
        return a.score(against: b, minimumScore: minimum)
    }

    /// git's size test (diffcore-rename.c: estimate_similarity): two files whose sizes differ
    /// by more than the minimum score allows cannot reach it.
    private func sizesMayMatch(_ a: Int, _ b: Int) -> Bool {
        let (small, large) = (min(a, b), max(a, b))
        return large * (ContentSignature.maxScore - minimumScore) >= (large - small) * ContentSignature.maxScore
    }

    private var minimumScore: Int { options.minimumScore * ContentSignature.maxScore / 100 }

    /// git asks more of a basename match: halfway between the minimum score and a perfect
    /// one (diffcore-rename.c: basename_min_score).
    private var basenameMinimumScore: Int { minimumScore + (ContentSignature.maxScore - minimumScore) / 2 }

    /// The folder of a path ("" at the top).
    static func folder(_ path: String) -> Substring {
        path.utf8.lastIndex(of: 0x2f).map { path[..<$0] } ?? ""
    }

    static func basename(_ path: String) -> Substring {
        path.utf8.lastIndex(of: 0x2f).map { path[path.index(after: $0)...] } ?? Substring(path)
    }
}

/// How many renames went from each removed folder to each other folder, as git counts them
/// (diffcore-rename.c: update_dir_rename_counts, get_highest_rename_path).
struct FolderCounts {
    /// Per removed folder, the count of each destination folder, in the order first counted.
    private var counts: [String: (order: [String], count: [String: Int])] = [:]

    /// Counts the rename `old` → `new`: for the old file's folder if that side removed it,
    /// then, while the names stripped off both paths are the same and the folder is in a
    /// moved folder's tree, for each folder above it that is itself moved.
    mutating func count(_ old: String, _ new: String, removedFolder: (Substring) -> Bool, movedFolders: Set<String>) {
        var (from, to) = (Substring(old), Substring(new))
        var first = true
        while true {
            let (fromParent, fromName) = Self.split(from), (toParent, toName) = Self.split(to)
            guard removedFolder(fromParent) else { return }
            if !first, fromName != toName { return }
            let moved = movedFolders.contains(String(fromParent))
            if moved || first { add(String(fromParent), String(toParent)) }
            first = false
            guard moved || PathMerge.isInside(String(fromParent), movedFolders), !fromParent.isEmpty, !toParent.isEmpty else { return }
            (from, to) = (fromParent, toParent)
        }
    }

    private mutating func add(_ from: String, _ to: String) {
        if counts[from] == nil { counts[from] = ([], [:]) }
        if counts[from]!.count[to] == nil { counts[from]!.order.append(to) }
        counts[from]!.count[to, default: 0] += 1
    }

    /// Each folder's destination with the most renames; on a tie the first in git's hash
    /// map order.
    func leaders() -> [String: String] {
        counts.mapValues { folder in
            var order = GitHashMapOrder()
            folder.order.forEach { order.insert($0) }
            var best: String?, most = 0
            for destination in order.iterationOrder where folder.count[destination]! > most {
                (best, most) = (destination, folder.count[destination]!)
            }
            return best!
        }
    }

    /// A path's folder ("" at the top) and name.
    private static func split(_ path: Substring) -> (Substring, Substring) {
        guard let slash = path.utf8.lastIndex(of: 0x2f) else { return ("", path) }
        return (path[..<slash], path[path.index(after: slash)...])
    }
}
