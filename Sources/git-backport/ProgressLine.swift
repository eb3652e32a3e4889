import Foundation

/// A one-line counter on standard error, as git prints them (`Trying picks: 45% (90/200)`),
/// only when standard error is a terminal and only once the work has taken a second;
/// `finish()` ends it with `, done.`.
final class ProgressLine: @unchecked Sendable {
    // Safe: every field is read and written only under `lock`.
    private let lock = NSLock()
    private let title: String
    private let start = Date()
    private var lastDrawn = Date.distantPast
    private var shown = false
    private var last: (done: Int, total: Int) = (0, 0)

    /// Nil when standard error is not a terminal: nothing is printed then.
    init?(title: String) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.title = title
    }

    func update(_ done: Int, of total: Int) {
        lock.withLock {
            last = (done, total)
            let now = Date()
            guard now.timeIntervalSince(start) >= 1, now.timeIntervalSince(lastDrawn) >= 0.1 || done == total else { return }
            lastDrawn = now
            draw("")
        }
    }

    func finish() {
        lock.withLock { if shown { draw(", done.\n") } }
    }

    private func draw(_ end: String) {
        shown = true
        let percent = last.total == 0 ? 100 : last.done * 100 / last.total
        FileHandle.standardError.write(Data("\r\(title): \(percent)% (\(last.done)/\(last.total))\(end)".utf8))
    }
}
