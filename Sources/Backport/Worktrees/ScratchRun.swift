import Foundation

/// The temporary folder of one run's scratch worktrees, named after the process that made
/// it (`git-backport-<pid>-<start>`: its id and its start time, so a later process with
/// the same id is not mistaken for it), and how to tell a folder left by a run that is
/// no longer alive.
struct ScratchRun {
    /// The folder; worktrees go inside it.
    let folder: String

    static let prefix = "git-backport-"

    /// This process's folder (not created yet).
    static var current: ScratchRun {
        let pid = getpid()
        return ScratchRun(folder: FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)\(pid)-\(startTime(of: pid) ?? 0)").path)
    }

    /// A file or folder name made from a label (a branch name, `<target>-<commit>`): what is
    /// not a letter, digit, `.` or `-` becomes `_`.
    static func fileName(_ label: String) -> String {
        String(label.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
    }

    /// The process and start time a folder's name records, if it is one of ours.
    static func owner(of folder: String) -> (pid: Int32, start: UInt64)? {
        let name = (folder as NSString).lastPathComponent
        guard name.hasPrefix(prefix) else { return nil }
        let parts = name.dropFirst(prefix.count).split(separator: "-")
        guard parts.count == 2, let pid = Int32(parts[0]), let start = UInt64(parts[1]) else { return nil }
        return (pid, start)
    }

    /// True when the run that made `folder` is still running (a process that has exited
    /// but not been reaped yet, a zombie, is not).
    static func isAlive(_ folder: String) -> Bool {
        guard let owner = owner(of: folder) else { return true }
        guard kill(owner.pid, 0) == 0 || errno == EPERM, let process = status(of: owner.pid) else { return false }
        return process.start == owner.start && process.state != "Z" && process.state != "X"
    }

    /// When a process started, in clock ticks since boot (`/proc/<pid>/stat`, field 22);
    /// nil where there is no such process (or no `/proc`).
    static func startTime(of pid: Int32) -> UInt64? {
        status(of: pid)?.start
    }

    /// A process's state (field 3: `R`, `S`, `Z`...) and start time (field 22).
    private static func status(of pid: Int32) -> (state: Character, start: UInt64)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // The fields after the command name (which may hold spaces and parentheses).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
        return (state, start)
    }
}
