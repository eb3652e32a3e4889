import Foundation
import Git

/// The width a report may use: `COLUMNS`, else the terminal's, else 80 (as git's
/// `term_columns`).
func terminalWidth() -> Int {
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
    var size = winsize()
    if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return 80
}

/// Long output goes through a pager on a terminal, as git's does: `GIT_PAGER`, else
/// `core.pager`, else `PAGER`, else `less` (with `LESS=FRX`, so a short report stays on
/// the screen and colours pass). `cat` or an empty command means no pager.
enum Pager {
    nonisolated(unsafe) private static var process: Process?

    /// Starts the pager and points standard output at it, unless standard output is not a
    /// terminal or `disabled`.
    static func start(repository: Repository?, disabled: Bool) {
        guard !disabled, isatty(STDOUT_FILENO) == 1 else { return }
        let env = ProcessInfo.processInfo.environment
        let configured = (try? repository?.config().string("core.pager")) ?? nil
        let command = env["GIT_PAGER"] ?? configured ?? env["PAGER"] ?? "less"
        guard !command.trimmingCharacters(in: .whitespaces).isEmpty, command != "cat" else { return }
        let pager = Process()
        pager.executableURL = URL(fileURLWithPath: "/bin/sh")
        pager.arguments = ["-c", command]
        var environment = env
        if environment["LESS"] == nil { environment["LESS"] = "FRX" }
        if environment["LV"] == nil { environment["LV"] = "-c" }
        pager.environment = environment
        let pipe = Pipe()
        pager.standardInput = pipe
        do { try pager.run() } catch { return }
        dup2(pipe.fileHandleForWriting.fileDescriptor, STDOUT_FILENO)
        try? pipe.fileHandleForWriting.close()
        process = pager
        atexit { Pager.wait() }
    }

    /// Closes the pager's input and waits for the person to quit it.
    static func wait() {
        guard let pager = process else { return }
        process = nil
        close(STDOUT_FILENO)
        pager.waitUntilExit()
    }
}
