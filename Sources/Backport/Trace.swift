import Foundation

/// Phase timings on standard error when `GIT_BACKPORT_TRACE` is set (as git's
/// `GIT_TRACE_PERFORMANCE`): for finding where a slow plan spends its time.
enum Trace {
    static let enabled = ProcessInfo.processInfo.environment["GIT_BACKPORT_TRACE"].map { !$0.isEmpty && $0 != "0" } ?? false

    /// Runs `body`, and with tracing on prints how long it took.
    static func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            FileHandle.standardError.write(Data("trace: \(phase): \(String(format: "%.1f", ms)) ms\n".utf8))
        }
        return try body()
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var totals: [String: (count: Int, nanoseconds: UInt64)] = [:]

    /// Runs `body` and, with tracing on, adds its time to `phase`'s total (see ``report()``).
    static func accumulate<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            lock.withLock {
                let old = totals[phase] ?? (0, 0)
                totals[phase] = (old.count + 1, old.nanoseconds + elapsed)
            }
        }
        return try body()
    }

    /// Prints the accumulated totals, largest first.
    static func report() {
        guard enabled else { return }
        let lines = lock.withLock { totals.sorted { $0.value.nanoseconds > $1.value.nanoseconds } }.map { phase, total in
            "trace: \(phase): \(total.count) times, \(String(format: "%.1f", Double(total.nanoseconds) / 1e6)) ms in all\n"
        }
        FileHandle.standardError.write(Data(lines.joined().utf8))
    }
}
