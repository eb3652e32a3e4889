import Foundation

/// Ctrl-C and SIGTERM while the tool runs: the process ends as the signal would (exit
/// status 128 + the signal), after the clean-ups registered so far (scratch worktrees,
/// verify commands), and never in the middle of a critical section: an object or a
/// reference being written by `apply` is finished first, so no lock file or half-written
/// temporary file is left and each branch is at its old value or its new one.
enum Interruption {
    /// Critical sections run under the read side (several threads at once); the signal
    /// handler takes the write side, so it waits for them and lets no new one start.
    nonisolated(unsafe) private static var sections = pthread_rwlock_t()
    private static let state = State()

    private final class State: @unchecked Sendable {
        // Safe: every field is read and written only under `lock`.
        let lock = NSLock()
        var installed = false
        var sources: [DispatchSourceSignal] = []
        var cleanups: [Int: @Sendable () -> Void] = [:]
        var next = 0
        /// A signal came: the process is ending.
        var ending = false
    }

    /// Installs the handlers once for the process (later calls do nothing).
    static func install() {
        state.lock.withLock {
            guard !state.installed else { return }
            state.installed = true
            pthread_rwlock_init(&sections, nil)
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { end(by: signalNumber) }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// Runs `cleanup` if the process is interrupted, until the token is given back to
    /// ``forget(_:)``.
    static func onInterrupt(_ cleanup: @escaping @Sendable () -> Void) -> Int {
        install()
        return state.lock.withLock {
            state.next += 1
            state.cleanups[state.next] = cleanup
            return state.next
        }
    }

    static func forget(_ token: Int) {
        _ = state.lock.withLock { state.cleanups.removeValue(forKey: token) }
    }

    /// Runs `body` with Ctrl-C and SIGTERM held until it is done. After a signal, the
    /// thread goes no further than the end of its section: the handler ends the process
    /// (with 128 + the signal, not with whatever the thread would have gone on to do),
    /// and no new section starts.
    static func critical<T>(_ body: () throws -> T) rethrows -> T {
        install()
        stopIfEnding()
        pthread_rwlock_rdlock(&sections)
        defer {
            pthread_rwlock_unlock(&sections)
            stopIfEnding()
        }
        return try body()
    }

    /// Waits, forever, for the handler to end the process once a signal has come.
    private static func stopIfEnding() {
        guard state.lock.withLock({ state.ending }) else { return }
        while true { pause() }
    }

    private static func end(by signalNumber: Int32) {
        state.lock.withLock { state.ending = true }
        pthread_rwlock_wrlock(&sections)
        let cleanups = state.lock.withLock { Array(state.cleanups.sorted { $0.key < $1.key }.map(\.value)) }
        for cleanup in cleanups { cleanup() }
        exit(128 + signalNumber)
    }
}
