import Foundation
import Git

/// Runs the project's own check (`plan --verify '<command>'`) on a pick's result: the
/// stacked tree written into the target's scratch worktree, the command run there by
/// `/bin/sh -c` in a process group of its own, with a time limit; its output kept in a log
/// file outside the repository.
final class Verifier: @unchecked Sendable {
    /// What a verification found.
    struct Failure {
        /// The exit status, or nil when it ran out of time.
        let status: Int32?
        /// The last lines of the output.
        let tail: [String]
        let log: String
    }

    let command: String
    let timeout: TimeInterval
    /// Where logs go: `<tmp>/git-backport-verify-<pid>/`.
    let logFolder: String

    /// Lines of output a failure report keeps.
    static let tailLines = 50

    // Safe: `running` is read and written only under `lock`.
    nonisolated(unsafe) private static var running: Set<pid_t> = []
    private static let lock = NSLock()

    init(command: String, timeout: TimeInterval) {
        self.command = command
        self.timeout = timeout
        logFolder = FileManager.default.temporaryDirectory.appendingPathComponent("git-backport-verify-\(getpid())").path
    }

    /// Runs the command in `folder`; nil when it exits 0, else what failed. `name` names
    /// the log file.
    func verify(in folder: String, name: String) throws -> Failure? {
        try FileManager.default.createDirectory(atPath: logFolder, withIntermediateDirectories: true)
        let log = logFolder + "/" + ScratchRun.fileName(name) + ".log"
        let pid = try spawn(in: folder, log: log)
        Self.lock.withLock { _ = Self.running.insert(pid) }
        defer { Self.lock.withLock { _ = Self.running.remove(pid) } }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0, errno != EINTR { throw BackportError.invalidInput("waiting for the verify command: \(String(cString: strerror(errno)))") }
            if Date() >= deadline {
                Self.stop(pid)
                _ = waitpid(pid, &status, 0)
                return Failure(status: nil, tail: tail(of: log), log: log)
            }
            usleep(20_000)
        }
        // Exited normally with 0: it passed. Anything else (a status, a signal) failed.
        let exited = status & 0x7f == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return exited && code == 0 ? nil : Failure(status: code, tail: tail(of: log), log: log)
    }

    /// `/bin/sh -c command` in `folder`, in a new process group, output (both streams) to
    /// `log`, standard input empty.
    private func spawn(in folder: String, log: String) throws -> pid_t {
        Self.closeOnExec()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        // The folder and the command are the shell's arguments, never spliced into its code.
        let words: [String] = ["/bin/sh", "-c", "cd \"$0\" || exit 125; exec /bin/sh -c \"$1\"", folder, command]
        var arguments: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } }
        arguments.append(nil)
        defer { arguments.forEach { free($0) } }
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, environ)
        guard status == 0 else { throw BackportError.invalidInput("cannot run the verify command: \(String(cString: strerror(status)))") }
        return pid
    }

    /// Marks every descriptor above standard error close-on-exec, so the command inherits
    /// none of ours (a pipe of whoever started us, held open by a command that outlives
    /// us, would keep them waiting).
    private static func closeOnExec() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for fd in names.compactMap(Int32.init) where fd > STDERR_FILENO {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Ends a command's whole process group: SIGTERM, then SIGKILL after two seconds.
    private static func stop(_ pid: pid_t) {
        kill(-pid, SIGTERM)
        for _ in 0..<100 {
            if kill(-pid, 0) != 0 { return }
            usleep(20_000)
        }
        kill(-pid, SIGKILL)
    }

    /// Ends every command still running (Ctrl-C, SIGTERM).
    static func stopAll() {
        for pid in lock.withLock({ running }) { kill(-pid, SIGKILL) }
    }

    private func tail(of log: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return Array(lines.suffix(Self.tailLines))
    }
}
