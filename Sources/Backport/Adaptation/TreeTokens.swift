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
        for change in try repository.changes(from: tree, to: newTree) {
            let old = change.old.flatMap { $0.isRegularFile ? cache.identifiers(of: $0.blob, in: repository).hashes : nil } ?? []
            let new = change.new.flatMap { $0.isRegularFile ? cache.identifiers(of: $0.blob, in: repository).hashes : nil } ?? []
            // A file edited keeps most of its tokens: only those it gained or lost count.
            for hash in new where !old.contains(hash) { add(hash, 1) }
            for hash in old where !new.contains(hash) { add(hash, -1) }
        }
        tree = newTree
    }

    private func add(_ hash: UInt64, _ step: Int32) {
        let count = counts[hash, default: 0] + step
        counts[hash] = count == 0 ? nil : count
    }
}
