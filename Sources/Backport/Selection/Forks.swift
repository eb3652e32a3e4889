import Git

/// Every commit on either side of each target's fork from the source, read once, with the
/// targets that lack it (a source commit) or carry it on their own (a target commit).
///
/// One walk (``Git/Repository/paint(_:)``) covers the commits reachable from the source or
/// any target that not all of them reach: a commit every tip reaches is on every branch,
/// so it is nobody's concern. Which tips reach each walked commit is
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
    /// Which tips reach each commit of the forks (tip 0 is the source, then the targets,
    /// then the hidden revisions).
    private let painting: Painting
    private let targetCount: Int

    /// Walks the forks of `targets` from `source`. Source commits that `hidden` reaches
    /// (`--since`) are left out; `keep` is given each other one with the indices of the
    /// targets that lack it, and returns what to keep of it (nil: nothing).
    init(repository: Repository, source: OID, targets: [OID], hiding hidden: [OID] = [],
         keep: (Commit, _ lackedBy: [Int]) throws -> Kept?) throws {
        ownCommits = Array(repeating: [], count: targets.count)
        targetCount = targets.count
        let tips = [source] + targets + hidden
        painting = try Trace.measure("painting the forks") { try repository.paint(tips) }
        // Children first, so each target's own commits are listed newest first.
        for id in painting.commits.reversed() {
            let reachedBy = painting.tips(reaching: id)!
            let reached = { (tip: Int) in reachedBy.contains(tip) }
            let commit = try repository.commit(id)
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
    /// a walked commit by the tips that reached it; any other by whether the shared history
    /// reaches it (then every target does, else none: nothing else is reachable from a tip).
    func targets(containing commit: OID, in repository: Repository) throws -> [Int] {
        if let tips = painting.tips(reaching: commit) {
            return tips.filter { $0 >= 1 && $0 <= targetCount }.map { $0 - 1 }
        }
        guard try repository.isReachable(commit, fromAny: painting.boundary) else { return [] }
        return Array(0..<targetCount)
    }
}
