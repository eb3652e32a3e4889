import Git

/// Every commit on either side of each target's fork from the source, read once, with the
/// targets that lack it (a source commit) or carry it on their own (a target commit).
///
/// One walk covers the commits reachable from the source or any target and not from a
/// common ancestor of all of them (`git_merge_base_octopus`): a commit below that ancestor
/// is on every branch, so it is nobody's concern. Which tips reach each walked commit is
/// then settled in one pass from children to parents: no path between two walked commits
/// leaves them (a commit reached through a hidden one is hidden too). Asking libgit2 per
/// target instead (a walk from the source hiding the target, and the reverse) reads the
/// commits near the source's tip once per target and per direction.
struct Forks<Kept> {
    /// What `keep` made of the source's commits that some target lacks, oldest first
    /// (parents before children).
    private(set) var sourceCommits: [Kept] = []
    /// Per target, the commits it has and the source does not.
    private(set) var ownCommits: [[Commit]]
    /// A common ancestor of every tip: what it reaches, every tip reaches.
    let sharedBase: OID?
    /// Which tips reach each walked commit: a row of bits (bit i: tip i) per commit.
    private var reachRow: [OID: Int] = [:]
    private var reachBits: [UInt64] = []
    private let wordsPerRow: Int
    private let targetCount: Int

    /// Walks the forks of `targets` from `source`. Source commits that `hidden` reaches
    /// (`--since`) are left out; `keep` is given each other one with the indices of the
    /// targets that lack it, and returns what to keep of it (nil: nothing).
    init(repository: Repository, source: OID, targets: [OID], hiding hidden: [OID] = [],
         keep: (Commit, _ lackedBy: [Int]) throws -> Kept?) throws {
        ownCommits = Array(repeating: [], count: targets.count)
        targetCount = targets.count
        // Tip 0 is the source, 1...targets.count the targets, then the hidden revisions.
        let tips = [source] + targets + hidden
        wordsPerRow = (tips.count + 63) / 64
        let shared = try repository.commonAncestor(of: tips)
        sharedBase = shared
        let walked = try repository.walk(from: tips, hiding: shared.map { [$0] } ?? [])
        reachRow.reserveCapacity(walked.count)
        // reaching[i]: the commits tip i reaches. A commit enters a set when a child in it
        // is visited and leaves when it is visited itself, so the sets hold the walk's
        // frontier, not its history.
        var reaching: [Set<OID>] = tips.map { [$0] }
        for id in walked.reversed() {
            let commit = try repository.commit(id)
            var reachedBy: [Int] = []
            for i in reaching.indices where reaching[i].remove(id) != nil {
                reachedBy.append(i)
                reaching[i].formUnion(commit.parents)
            }
            let row = reachBits.count
            reachRow[id] = row
            reachBits.append(contentsOf: repeatElement(0, count: wordsPerRow))
            for tip in reachedBy { reachBits[row + tip / 64] |= 1 << UInt64(tip % 64) }
            let reached = { (tip: Int) in reachedBy.contains(tip) }
            if reached(0) {
                let lackedBy = targets.indices.filter { !reached($0 + 1) }
                let isHidden = reachedBy.contains { $0 > targets.count }
                if !lackedBy.isEmpty, !isHidden, let kept = try keep(commit, lackedBy) { sourceCommits.append(kept) }
            } else {
                for target in targets.indices where reached(target + 1) { ownCommits[target].append(commit) }
            }
        }
        sourceCommits.reverse()
    }

    /// The indices of the targets whose history contains `commit`, answered from the walk:
    /// a walked commit by the tips that reached it; any other by whether the shared base
    /// reaches it (then every target does, else none: nothing else is reachable from a tip).
    func targets(containing commit: OID, in repository: Repository) throws -> [Int] {
        if let row = reachRow[commit] {
            return (0..<targetCount).filter { t in
                let tip = t + 1
                return reachBits[row + tip / 64] & (1 << UInt64(tip % 64)) != 0
            }
        }
        guard let sharedBase, try repository.isAncestor(commit, of: sharedBase) else { return [] }
        return Array(0..<targetCount)
    }
}
