import Git

/// Which names a tree's text files have, for `missing-symbol`, kept for one tree at a time
/// and moved to the next tree by the diff between the two.
///
/// A run asks about the tree each pick goes onto (the target's tip, then the tip with the
/// earlier stacked picks) and about each fix's parent on the source (one commit of the
/// source after another): consecutive trees differ in a few files, so moving the counts
/// costs those files, where searching each tree would read all of it. It counts, for each
/// token (``TokenSet``'s hashes), how many files have it, so a token a file loses is
/// gone only when no other file has it.
///
/// A run uses it once searches have read a whole tree twice
/// (``AdaptationCache/locate(_:in:near:avoiding:in:)`` ends early when every name is
/// found, the common case on a plan of a few picks; a name missing reads all of the tree).
/// A run's first counts start from the last ones another run built (kept in the
/// ``AdaptationCache``), moved to its tree by their diff: the runs of one target's
/// independent picks share a tree, and every target's runs meet the same fix parents.
final class TreeTokens {
    private(set) var tree: OID?
    /// Searches that read a whole tree, before the counts were built.
    private var wholeReads = 0
    private var counts: [UInt64: Int32] = [:]
    private let cache: AdaptationCache

    init(cache: AdaptationCache) { self.cache = cache }

    /// The names of `names` some text file of `tree` has, searched nearest `paths` first
    /// until the counts are built.
    func present(_ names: Set<String>, in tree: OID, near paths: [String], repository: Repository) throws -> Set<String> {
        if self.tree == nil, wholeReads < 2 {
            let found = Set(try cache.locate(names, in: tree, near: paths, in: repository).keys)
            if found.count < names.count { wholeReads += 1 }
            return found
        }
        try move(to: tree, repository: repository)
        return names.filter { counts[TokenSet.hash($0.utf8), default: 0] > 0 }
    }

    private func move(to newTree: OID, repository: Repository) throws {
        guard newTree != tree else { return }
        // A run's first counts start from another run's (see the type's summary). That run's
        // tree may be one of its stacked picks, kept in its memory and not readable here:
        // then the counts are built from nothing.
        let built = tree == nil
        let changes: [PathChange]
        if built, let shared = cache.tokenCounts(preferring: newTree), let moved = try? repository.changes(from: shared.tree, to: newTree) {
            (tree, counts) = shared
            changes = moved
        } else {
            changes = try repository.changes(from: tree, to: newTree)
        }
        for change in changes {
            let old = change.old.flatMap { $0.isRegularFile ? cache.identifiers(of: $0.blob, in: repository).hashes : nil } ?? []
            let new = change.new.flatMap { $0.isRegularFile ? cache.identifiers(of: $0.blob, in: repository).hashes : nil } ?? []
            // A file edited keeps most of its tokens: only those it gained or lost count
            // (one merge of the two sorted lists).
            var i = 0, j = 0
            while i < old.count || j < new.count {
                if j == new.count || (i < old.count && old[i] < new[j]) {
                    add(old[i], -1)
                    i += 1
                } else if i == old.count || new[j] < old[i] {
                    add(new[j], 1)
                    j += 1
                } else {
                    i += 1
                    j += 1
                }
            }
        }
        tree = newTree
        if built { cache.keep(tokenCounts: counts, of: newTree) }
    }

    private func add(_ hash: UInt64, _ step: Int32) {
        let count = counts[hash, default: 0] + step
        counts[hash] = count == 0 ? nil : count
    }
}
