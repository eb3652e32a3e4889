import Foundation

/// Runs `body` on each element with at most `jobs` running at once, and returns the
/// results in input order. The first error (in input order) is rethrown once all have
/// finished.
///
/// Each call of `body` runs synchronously on one thread from start to end, which is what
/// libgit2 handles need (one thread at a time, per-thread last error).
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, _ body: @Sendable (T) throws -> R) throws -> [R] {
    let slots = ResultSlots<R>(count: items.count)
    let workers = max(1, min(jobs, items.count))
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while let i = slots.claim() {
            slots.store(Result { try body(items[i]) }, at: i)
        }
    }
    return try slots.collect()
}

/// The results of ``parallelMap(_:jobs:_:)``, one slot per item.
private final class ResultSlots<R>: @unchecked Sendable {
    // Safe: every field is read and written only under `lock`; `collect` runs after
    // concurrentPerform has returned.
    private let lock = NSLock()
    private var next = 0
    private var results: [Result<R, Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    /// The index of the next item nobody has claimed, or nil when all are taken.
    func claim() -> Int? {
        lock.withLock {
            guard next < results.count else { return nil }
            next += 1
            return next - 1
        }
    }

    func store(_ result: Result<R, Error>, at index: Int) {
        lock.withLock { results[index] = result }
    }

    func collect() throws -> [R] {
        try lock.withLock { try results.map { try $0!.get() } }
    }
}
