import ArgumentParser
import Backport
import Foundation
import Git

@main
struct GitBackport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-backport",
        abstract: "Find the fixes on main, try them on every release branch in memory, and say how each will go.",
        discussion: """
            Run it as `git backport <command>` once git-backport is on PATH. plan, preview, \
            replay and branches change nothing in the repository: picks are computed in memory \
            (the scratch worktrees of plan --verify exist only while it runs). apply writes the \
            clean picks as commits on backport branches (objects and those branches only). \
            resolve makes a branch and a worktree for you, and continue and abort work in them. Configuration \
            comes from a committed .backportconfig, then `git config backport.*` (and \
            `git -c`), then flags (see Docs/configuration.md).
            """,
        version: "0.1.0",
        subcommands: [PlanCommand.self, PreviewCommand.self, ApplyCommand.self, ResolveCommand.self, ContinueCommand.self, AbortCommand.self, BranchesCommand.self, GcCommand.self, ReplayCommand.self]
    )

    static func main() {
        sanitizeStandardDescriptors()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    /// Standard input, output and error that were closed are opened on /dev/null, as git
    /// does (`sanitize_stdfds`): otherwise the next file opened (a pack, a lock file) would
    /// take descriptor 1 and a report would be written into it.
    static func sanitizeStandardDescriptors() {
        for fd in STDIN_FILENO...STDERR_FILENO where fcntl(fd, F_GETFD) == -1 {
            let opened = open("/dev/null", O_RDWR)
            if opened > STDERR_FILENO { close(opened) }
        }
    }
}

/// Options every command that reads branches shares.
struct BranchOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The branch fixes land on first (default: main, else master, else the remote's HEAD).", valueName: "branch"))
    var source: String?

    @Option(name: .long, help: ArgumentHelp("Use this remote's remote-tracking branches (a CI clone has only those).", valueName: "name"))
    var remote: String?

    /// The settings of the repository with these flags applied over them.
    func settings(for repository: Repository) throws -> Settings {
        var settings = try Settings.load(from: repository)
        for warning in settings.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        if let source { settings.source = source }
        if let remote { settings.remote = remote }
        return settings
    }
}

/// The names `--onto` was given: repeated, or separated by commas.
func targetNames(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
}

/// Opens the repository the command runs in, the way git finds it.
func openRepository() throws -> Repository {
    do {
        return try Repository.discover()
    } catch let error as GitError where error.isDubiousOwnership {
        throw BackportError.invalidInput(error.message)
    } catch let error as GitError where error.isNotFound {
        throw BackportError.notARepository(FileManager.default.currentDirectoryPath)
    } catch let error as GitError {
        throw BackportError.git(error)
    }
}

/// Runs a command body, turning a fatal error into git's `fatal: ...` line and exit 128.
func runReportingFatal(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as BackportError {
        fatal(error.description)
    } catch let error as GitError {
        fatal(error.description)
    }
}

/// A line for the user on standard error, as git's `hint:`-style notes: what the tool
/// chose for them.
func note(_ message: String) {
    FileHandle.standardError.write(Data("note: \(message)\n".utf8))
}

func fatal(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fatal: \(message)\n".utf8))
    Foundation.exit(128)
}

/// Output formats of the reports.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

/// Colour on a terminal only, and never with NO_COLOR set, TERM=dumb or --no-color.
func useColour(disabled: Bool) -> Bool {
    let env = ProcessInfo.processInfo.environment
    if disabled || env["NO_COLOR"].map({ !$0.isEmpty }) == true || env["TERM"] == "dumb" { return false }
    return isatty(STDOUT_FILENO) == 1
}

/// Writes to standard output. A reader that went away (a closed pipe: `| head`) ends the
/// program quietly, as it ends git; any other failure (a full disk, a closed descriptor)
/// is one `fatal:` line, never a crash.
func write(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            if errno == EPIPE { Foundation.exit(141) }
            fatal("unable to write to standard output: \(String(cString: strerror(errno)))")
        }
        bytes = bytes.dropFirst(written)
    }
}
