import Foundation
import Git

/// A scratch worktree: a folder where a pick's result exists as files (to build it, to
/// test it), registered with git while it exists (`git worktree list` shows it), on a
/// detached HEAD at the target's tip, and removed with its registration when the run
/// ends, also on Ctrl-C and SIGTERM (``ScratchWorktrees``). No branch is created; no hook,
/// filter or merge driver runs.
final class ScratchWorktree {
    let path: String
    private let gitDirectory: String
    /// The tree whose files the folder holds now (nil: none yet).
    private var tree: OID?

    /// Registers a worktree at `path` for `commit` without writing its files (`git
    /// worktree add --detach --no-checkout`, hooks off).
    init(path: String, gitDirectory: String, commit: OID) throws {
        self.path = path
        self.gitDirectory = gitDirectory
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Self.worktree(["add", "--detach", "--no-checkout", path, commit.hex], gitDirectory: gitDirectory)
    }

    /// Writes `tree`'s files into the folder, objects read through `repository` (which may
    /// hold them in memory): only what differs from the tree written last, so a large
    /// tree is written once. No index is written, no filter or hook runs.
    func materialize(_ tree: OID, from repository: Repository) throws {
        guard tree != self.tree else { return }
        try repository.writeFiles(of: tree, into: path, replacing: self.tree)
        self.tree = tree
    }

    /// Removes the folder and its registration (`git worktree remove --force`; when git
    /// cannot, the folder and its own registration by hand).
    func remove() {
        Self.remove(path, gitDirectory: gitDirectory)
    }

    static func remove(_ path: String, gitDirectory: String) {
        WorktreeLock.holding(gitDirectory: gitDirectory) {
            guard (try? git(["worktree", "remove", "--force", "--force", path], gitDirectory: gitDirectory)) == nil else { return }
            // Only this worktree's registration: `git worktree prune` would also drop every
            // other one whose folder is missing at that moment (one on an unmounted disk,
            // one a `git worktree add` is making).
            let administrative = registration(of: path, gitDirectory: gitDirectory)
            try? FileManager.default.removeItem(atPath: path)
            if let administrative { try? FileManager.default.removeItem(atPath: administrative) }
        }
    }

    /// The folder in the common git directory that registers the worktree at `path`
    /// (`worktrees/<id>`, whose `gitdir` file names `<path>/.git`), if there is one.
    private static func registration(of path: String, gitDirectory: String) -> String? {
        let folder = WorktreeLock.commonDirectory(of: gitDirectory) + "/worktrees"
        let names = Set([path, URL(fileURLWithPath: path).resolvingSymlinksInPath().path].map { $0 + "/.git" })
        for id in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            guard let pointer = try? String(contentsOfFile: folder + "/" + id + "/gitdir", encoding: .utf8) else { continue }
            if names.contains(pointer.trimmingCharacters(in: .newlines)) { return folder + "/" + id }
        }
        return nil
    }

    /// The worktrees git has registered for the repository (`git worktree list --porcelain`).
    static func registered(gitDirectory: String) throws -> [String] {
        try worktree(["list", "--porcelain"], gitDirectory: gitDirectory)
            .split(separator: "\n").filter { $0.hasPrefix("worktree ") }.map { String($0.dropFirst("worktree ".count)) }
    }

    /// `git worktree <arguments>` holding the repository's ``WorktreeLock``: git's own
    /// worktree commands are not safe against one another (below).
    @discardableResult
    static func worktree(_ arguments: [String], gitDirectory: String) throws -> String {
        try WorktreeLock.holding(gitDirectory: gitDirectory) {
            try git(["worktree"] + arguments, gitDirectory: gitDirectory)
        }
    }

    /// Runs git in the worktree at `path` (its own git directory, which its `.git` file
    /// names), hooks off.
    @discardableResult
    static func git(_ arguments: [String], inWorktree path: String) throws -> String {
        let pointer = try String(contentsOfFile: path + "/.git", encoding: .utf8)
        guard pointer.hasPrefix("gitdir: ") else { throw BackportError.invalidInput("\(path) is not a worktree") }
        let gitDirectory = pointer.dropFirst("gitdir: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
        return try git(["--work-tree=" + path] + arguments, gitDirectory: gitDirectory)
    }

    /// Runs git on the repository with hooks off; its standard output, or an error with
    /// its standard error.
    @discardableResult
    static func git(_ arguments: [String], gitDirectory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "--git-dir=" + gitDirectory, "-c", "core.hooksPath=/dev/null"] + arguments
        // Not the caller's folder: it may be the worktree being removed.
        process.currentDirectoryURL = URL(fileURLWithPath: gitDirectory)
        var environment = ProcessInfo.processInfo.environment
        for key in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"] { environment[key] = nil }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BackportError.invalidInput("git \(arguments.prefix(2).joined(separator: " ")) failed: "
                + String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Makes git's worktree commands take turns, between the threads of a run and between
/// runs on one repository: an exclusive `flock` on the repository's common git directory,
/// held for one `git worktree add`, `remove` or `list`. Nothing is written.
///
/// Why: every `git worktree` command (git 2.39) reads each registered worktree's
/// `worktrees/<id>/commondir` file, and dies (`fatal: failed to read
/// .../commondir: Success`) when it finds one empty because a `git worktree add` has just
/// created it and not written it yet. Two `plan --verify` at once, or one with several
/// targets (one thread each), had a verification fail that way now and then: that pick
/// became an `error`. And `git worktree remove` deletes `worktrees/` when it is left
/// empty, which makes a `git worktree add` that has just made it fail.
///
/// The lock binds only processes that take it (this tool); a git command someone else
/// runs at that moment can still meet git's race. Where the lock cannot be taken (a
/// file system without `flock`), the command runs without it.
enum WorktreeLock {
    static func holding<T>(gitDirectory: String, _ body: () throws -> T) rethrows -> T {
        // A descriptor of its own, so that threads of one process exclude each other too
        // (an flock belongs to an open file description); close-on-exec, so no child holds it.
        let descriptor = open(commonDirectory(of: gitDirectory), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if descriptor >= 0 { close(descriptor) } }
        if descriptor >= 0 {
            while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
        }
        return try body()
    }

    /// The common git directory of `gitDirectory`: itself, or the one its `commondir` file
    /// names (`gitDirectory` is a linked worktree's).
    static func commonDirectory(of gitDirectory: String) -> String {
        guard let text = try? String(contentsOfFile: gitDirectory + "/commondir", encoding: .utf8) else { return gitDirectory }
        let common = text.trimmingCharacters(in: .newlines)
        return common.hasPrefix("/") ? common : gitDirectory + "/" + common
    }
}

/// The scratch worktrees of this run: made under its ``ScratchRun`` folder, all removed
/// at its end or on Ctrl-C and SIGTERM; and the ones runs that are no longer alive left
/// behind (SIGKILL), found and removed by `git backport gc` and at the start of a run.
final class ScratchWorktrees: @unchecked Sendable {
    // Safe: `live` is read and written only under `lock`.
    private let lock = NSLock()
    private var live: [ScratchWorktree] = []
    private var made = 0
    private var interruptToken: Int?
    let gitDirectory: String
    let run = ScratchRun.current

    init(gitDirectory: String) {
        self.gitDirectory = gitDirectory
    }

    /// A new worktree for `name` (a target) at `commit`.
    func make(named name: String, at commit: OID) throws -> ScratchWorktree {
        installSignalHandlers()
        let safeName = ScratchRun.fileName(name)
        // One folder per call: a target split into several runs gets several.
        let path = lock.withLock { () -> String in
            made += 1
            return run.folder + "/\(made)-" + safeName
        }
        let worktree = try ScratchWorktree(path: path, gitDirectory: gitDirectory, commit: commit)
        lock.withLock { live.append(worktree) }
        return worktree
    }

    /// Removes every worktree of this run and its folder.
    func removeAll() {
        let all = lock.withLock { () -> [ScratchWorktree] in
            defer { live = [] }
            return live
        }
        for worktree in all { worktree.remove() }
        try? FileManager.default.removeItem(atPath: run.folder)
    }

    /// Ctrl-C and SIGTERM stop the verify commands and remove this run's worktrees, then
    /// end the process as the signal would (``Interruption``).
    private func installSignalHandlers() {
        lock.withLock {
            guard interruptToken == nil else { return }
            interruptToken = Interruption.onInterrupt { [weak self] in
                Verifier.stopAll()
                self?.removeAll()
            }
        }
    }

    /// Removes the worktrees that runs no longer alive left behind, and their folders;
    /// nothing else. Returns their paths. A repository with no linked worktree at all (no
    /// `worktrees/` in its common git directory) is left without starting git: every `plan`
    /// starts with this.
    @discardableResult
    static func collectGarbage(in repository: Repository) throws -> [String] {
        guard FileManager.default.fileExists(atPath: repository.commonDirectory + "worktrees") else { return [] }
        let gitDirectory = repository.gitDirectory
        var removed: [String] = []
        for path in try ScratchWorktree.registered(gitDirectory: gitDirectory) {
            let folder = (path as NSString).deletingLastPathComponent
            guard ScratchRun.owner(of: folder) != nil, !ScratchRun.isAlive(folder) else { continue }
            ScratchWorktree.remove(path, gitDirectory: gitDirectory)
            try? FileManager.default.removeItem(atPath: folder)
            removed.append(path)
        }
        return removed
    }
}

/// What `git backport gc` does: removes the scratch worktrees that runs no longer alive
/// left behind (a run killed with SIGKILL), and nothing else.
public enum ScratchCleanup {
    /// The paths removed.
    public static func collectGarbage(in repository: Repository) throws -> [String] {
        try ScratchWorktrees.collectGarbage(in: repository)
    }
}
