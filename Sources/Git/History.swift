import CLibGit2

extension Repository {
    /// The commits reachable from `tips` and not from `hidden`, oldest first, parents
    /// always before their children (`git rev-list --topo-order --reverse`).
    ///
    /// Wraps `git_revwalk` with `GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE`.
    public func walk(from tips: [OID], hiding hidden: [OID] = []) throws -> [OID] {
        var walker: OpaquePointer?
        try call("git_revwalk_new") { git_revwalk_new(&walker, pointer) }
        defer { git_revwalk_free(walker) }
        try call("git_revwalk_sorting") {
            git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue)
        }
        for tip in tips {
            var raw = tip.raw
            try call("git_revwalk_push") { git_revwalk_push(walker, &raw) }
        }
        for hide in hidden {
            var raw = hide.raw
            try call("git_revwalk_hide") { git_revwalk_hide(walker, &raw) }
        }
        var result: [OID] = []
        var next = git_oid()
        while true {
            let status = git_revwalk_next(&next, walker)
            if status == GIT_ITEROVER.rawValue { git_error_clear(); break }
            if status < 0 { throw lastError(code: status, function: "git_revwalk_next") }
            result.append(OID(next))
        }
        return result
    }

}

/// Which of a set of tips reach each commit of their history that not all of them share
/// (see ``Repository/paint(_:)``).
public struct Painting: Sendable {
    /// The commits some tip does not reach, parents before children, the oldest first
    /// where the graph leaves a choice.
    public let commits: [OID]
    /// The commits every tip reaches that are parents of ``commits``: what they reach,
    /// every tip reaches.
    public let boundary: [OID]
    private let row: [OID: Int]
    private let masks: [UInt64]
    private let words: Int
    private let tipCount: Int

    fileprivate init(commits: [OID], boundary: [OID], row: [OID: Int], masks: [UInt64], words: Int, tipCount: Int) {
        self.commits = commits
        self.boundary = boundary
        self.row = row
        self.masks = masks
        self.words = words
        self.tipCount = tipCount
    }

    /// The indices of the tips that reach `commit`, for a commit of ``commits``; nil for
    /// any other (every tip reaches it, or none does).
    public func tips(reaching commit: OID) -> [Int]? {
        guard let r = row[commit] else { return nil }
        return (0..<tipCount).filter { masks[r * words + $0 / 64] & (1 << UInt64($0 % 64)) != 0 }
    }
}

extension Repository {
    /// Paints the history of `tips`: which tips reach each commit, for every commit that
    /// not all of them reach, read once.
    ///
    /// One date-ordered walk, as git's merge-base (`paint_down_to_common`) does for two
    /// commits, with one bit per tip: a commit gets the bits of the children that reach it;
    /// a commit with every bit is "stale" and passes them all on; the walk stops when only
    /// stale commits are queued. (libgit2's `git_merge_base_octopus` computes a merge base
    /// pair by pair, walking much of the history once per tip, and a walk hiding it reads
    /// the rest again.) Like git's merge base without a commit-graph it trusts commit
    /// dates: a commit that gains a bit after it was visited is visited again.
    public func paint(_ tips: [OID]) throws -> Painting {
        let words = max(1, (tips.count + 63) / 64)
        var row: [OID: Int] = [:]
        var masks: [UInt64] = []
        var parents: [[OID]] = []
        var times: [Int64] = []
        var queued: [Int] = []
        var ids: [OID] = []
        var nonStale = 0
        var queue = CommitQueue()
        let lastWord: UInt64 = tips.count % 64 == 0 ? ~0 : (1 << UInt64(tips.count % 64)) - 1

        func rowOf(_ id: OID) throws -> Int {
            if let r = row[id] { return r }
            let r = ids.count
            try withCommit(id) { commit in
                parents.append((0..<git_commit_parentcount(commit)).map { OID(git_commit_parent_id(commit, $0)!) })
                times.append(git_commit_time(commit))
            }
            row[id] = r
            ids.append(id)
            masks.append(contentsOf: repeatElement(0, count: words))
            queued.append(0)
            return r
        }
        func isFull(_ r: Int) -> Bool {
            for w in 0..<words where masks[r * words + w] != (w == words - 1 ? lastWord : ~0) { return false }
            return true
        }
        func push(_ r: Int) {
            queued[r] += 1
            if !isFull(r) { nonStale += 1 }
            queue.push(time: times[r], row: r)
        }
        /// Adds row `source`'s bits to row `r`; true when that gave it a new one.
        func paint(_ r: Int, with bits: (Int) -> UInt64) -> Bool {
            let wasFull = isFull(r)
            var changed = false
            for w in 0..<words where bits(w) & ~masks[r * words + w] != 0 {
                masks[r * words + w] |= bits(w)
                changed = true
            }
            if changed, !wasFull, isFull(r) { nonStale -= queued[r] }
            return changed
        }

        for (i, tip) in tips.enumerated() {
            let r = try rowOf(tip)
            if paint(r, with: { $0 == i / 64 ? 1 << UInt64(i % 64) : 0 }) { push(r) }
        }
        while nonStale > 0, let r = queue.pop() {
            queued[r] -= 1
            if !isFull(r) { nonStale -= 1 }
            for parent in parents[r] {
                let p = try rowOf(parent)
                if paint(p, with: { masks[r * words + $0] }) { push(p) }
            }
        }

        // The commits not every tip reaches, parents first: a commit is ready once its
        // parents among them are out; of the ready ones, the oldest goes first.
        let partial = ids.indices.filter { !isFull($0) }
        var waiting = [Int](repeating: 0, count: ids.count)
        var children: [Int: [Int]] = [:]
        var boundary = Set<OID>()
        for r in partial {
            for parent in parents[r] {
                guard let p = row[parent] else { continue }
                if isFull(p) {
                    boundary.insert(parent)
                } else {
                    waiting[r] += 1
                    children[p, default: []].append(r)
                }
            }
        }
        var ready = CommitQueue(oldestFirst: true)
        for r in partial where waiting[r] == 0 { ready.push(time: times[r], row: r) }
        var order: [OID] = []
        order.reserveCapacity(partial.count)
        while let r = ready.pop() {
            order.append(ids[r])
            for child in children[r] ?? [] {
                waiting[child] -= 1
                if waiting[child] == 0 { ready.push(time: times[child], row: child) }
            }
        }
        return Painting(commits: order, boundary: boundary.sorted { $0.hex < $1.hex }, row: row, masks: masks,
                        words: words, tipCount: tips.count)
    }

    /// True when `commit` is one of `tips` or an ancestor of one.
    /// Wraps `git_graph_reachable_from_any`.
    public func isReachable(_ commit: OID, fromAny tips: [OID]) throws -> Bool {
        guard !tips.isEmpty else { return false }
        if tips.contains(commit) { return true }
        let raw = tips.map(\.raw)
        return try call("git_graph_reachable_from_any") { git_graph_reachable_from_any(pointer, [commit.raw], raw, raw.count) } == 1
    }
}

/// Commits in date order, newest first (or oldest first), then in the order they were
/// queued: the order of git's date-ordered walks.
private struct CommitQueue {
    private var heap: [(time: Int64, sequence: Int, row: Int)] = []
    private var sequence = 0
    private var oldestFirst = false

    init(oldestFirst: Bool = false) { self.oldestFirst = oldestFirst }

    private func before(_ a: (time: Int64, sequence: Int, row: Int), _ b: (time: Int64, sequence: Int, row: Int)) -> Bool {
        a.time != b.time ? (a.time > b.time) != oldestFirst : a.sequence < b.sequence
    }

    mutating func push(time: Int64, row: Int) {
        heap.append((time, sequence, row))
        sequence += 1
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard before(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Int? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0].row
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < heap.count, before(heap[l], heap[best]) { best = l }
            if r < heap.count, before(heap[r], heap[best]) { best = r }
            guard best != i else { break }
            heap.swapAt(i, best)
            i = best
        }
        return top
    }
}

extension Repository {
    /// The commits of `tip`'s first-parent line, newest first, down to the first one
    /// `stop` says to stop at (not included) or the root.
    public func firstParentLine(from tip: OID, stoppingAt stop: (OID) -> Bool) throws -> [Commit] {
        var line: [Commit] = []
        var next: OID? = tip
        while let id = next, !stop(id) {
            let commit = try commit(id)
            line.append(commit)
            next = commit.parents.first
        }
        return line
    }
}
