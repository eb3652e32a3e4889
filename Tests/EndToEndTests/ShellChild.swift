import Foundation
import TestSupport

/// The binary started as a shell starts a command: no signal blocked, SIGINT and SIGTERM
/// at their default action, output thrown away. For tests that send it a signal:
/// `Process` passes on the signal mask of the thread that starts it, and swift-testing's
/// threads block SIGINT and SIGTERM, so a child started that way that installs no handler
/// of its own never sees them (it runs on to the end), and a test of what the handlers
/// protect passes without them.
final class ShellChild {
    let pid: pid_t
    private var status: Int32?

    init(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for signalNumber in [SIGINT, SIGTERM, SIGPIPE] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var variables = ProcessInfo.processInfo.environment.merging(Fixture.gitEnvironment) { $1 }.merging(environment) { $1 }
        variables["COLUMNS"] = variables["COLUMNS"] ?? "80"
        // The folder through sh (`posix_spawn_file_actions_addchdir_np` is not in Swift's Glibc).
        let words = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, binary] + arguments
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, &envp)
        guard result == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(result))]) }
        self.pid = pid
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = waitUntilExit(timeout: 10)
        }
    }

    var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
        status = raw
        return false
    }

    /// How it ended: its exit status, or 128 + the signal that ended it (as a shell says),
    /// with which of the two; nil when it is still running after `timeout` seconds.
    func waitUntilExit(timeout: TimeInterval = 60) -> (exited: Bool, code: Int32)? {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning, Date() < deadline { usleep(10_000) }
        guard let status else { return nil }
        let signalled = status & 0x7f
        return signalled == 0 ? (true, (status >> 8) & 0xff) : (false, 128 + signalled)
    }
}
