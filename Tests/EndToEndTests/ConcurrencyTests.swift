import Foundation
import Testing
import TestSupport

/// Every file and folder under `path` with its size, mode and modification time: what a
/// run that writes nothing must leave exactly as it was.
func listing(_ path: String) throws -> [String] {
    var lines: [String] = []
    let manager = FileManager.default
    guard let walker = manager.enumerator(atPath: path) else { return [] }
    for case let relative as String in walker {
        let attributes = try manager.attributesOfItem(atPath: path + "/" + relative)
        let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        lines.append("\(relative) \(attributes[.size] ?? 0) \(attributes[.posixPermissions] ?? 0) \(time)")
    }
    return lines.sorted()
}

/// Starts the binary without waiting for it.
func start(_ arguments: [String], in directory: String) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in Fixture.gitEnvironment { environment[key] = value }
    environment["COLUMNS"] = "80"
    process.environment = environment
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return (process, out)
}

/// Runs several copies of the binary at once; each one's status and output.
func together(_ runs: [[String]], in directory: String) throws -> [(status: Int32, stdout: String)] {
    let started = try runs.map { try start($0, in: directory) }
    return started.map { process, out in
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

@Suite("Read-only repositories and runs at once")
struct ConcurrencyTests {
    @Test("plan on a read-only repository works and writes nothing (run as an unprivileged user: root ignores permissions)")
    func readOnly() throws {
        let f = try sample()
        let expected = try backport(["plan", "--format", "json"], in: f.path)
        try #require(expected.status == 0)
        // A copy no one may write to (chmod -R a-w).
        let copy = try Fixture(initialize: false)
        try copy.git("clone", "-q", "--no-local", f.path, ".")
        for branch in ["release/1.0", "release/1.1", "release/1.2"] { try copy.git("branch", "-q", branch, "origin/" + branch) }
        try #require(try run("/usr/bin/env", ["chmod", "-R", "a-w", copy.path], in: "/").status == 0)
        defer { _ = try? run("/usr/bin/env", ["chmod", "-R", "u+w", copy.path], in: "/") }
        let before = try listing(copy.path)
        // As this user, who may be root, for whom permissions stop nothing: a listing with
        // sizes, modes and times shows that nothing was written.
        let same = try backport(["plan", "--format", "json"], in: copy.path)
        #expect(same.status == 0, "\(same.stderr)")
        #expect(try Self.results(same.stdout) == Self.results(expected.stdout))
        #expect(try listing(copy.path) == before)
        // As an unprivileged owner (root can make one): a write would fail, so the run shows
        // that nothing needs one.
        let setpriv = "/usr/bin/setpriv"
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: setpriv) else { return }
        try #require(try run("/usr/bin/env", ["chown", "-R", "nobody:nogroup", copy.path], in: "/").status == 0)
        let asNobody = try run(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", binary, "plan", "--format", "json"],
                               in: copy.path, environment: ["HOME": "/nonexistent", "COLUMNS": "80"])
        #expect(asNobody.status == 0, "\(asNobody.stderr)")
        #expect(asNobody.stderr.isEmpty, "\(asNobody.stderr)")
        #expect(try Self.results(asNobody.stdout) == Self.results(expected.stdout))
        #expect(try listing(copy.path) == before)
    }

    /// The picks of a JSON report (commit, target, outcome), without what differs between
    /// two clones (nothing should, but the source's remote name may).
    static func results(_ json: String) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        return (object["results"] as! [[String: Any]]).map { "\($0["commit"]!) \($0["target"]!) \($0["outcome"]!)" }
    }

    @Test("Three plans at once on one repository all succeed with the same report, and change nothing")
    func plansAtOnce() throws {
        let f = try sample()
        let before = try listing(f.path + "/.git")
        let alone = try backport(["plan", "--all", "--format", "json"], in: f.path)
        try #require(alone.status == 0)
        let runs = try together(Array(repeating: ["plan", "--all", "--format", "json"], count: 3), in: f.path)
        for run in runs {
            #expect(run.status == 0)
            #expect(run.stdout == alone.stdout)
        }
        #expect(try listing(f.path + "/.git") == before)
    }

    @Test("Two plan --verify at once each get their own scratch worktrees, agree, and leave none behind")
    func verifiesAtOnce() throws {
        let f = try sample()
        let status = try f.git("status", "--porcelain")
        let arguments = ["plan", "--onto", "1.1", "--format", "json", "--verify", "sleep 1; test -f src/net.c"]
        // While both run, each registers its own worktree (watched from another thread
        // while this one reads their output).
        let watcher = WorktreeWatcher(f)
        let thread = Thread { watcher.watch() }
        thread.start()
        let runs = try together([arguments, arguments], in: f.path)
        watcher.stop()
        #expect(watcher.most >= 2)
        #expect(runs.allSatisfy { $0.status == 0 })
        #expect(try Self.results(runs[0].stdout) == Self.results(runs[1].stdout))
        #expect(try VerifyTests.scratch(f).isEmpty)
        #expect(try f.git("status", "--porcelain") == status)
    }

    @Test("Four plan --verify at once on three targets each (a dozen scratch worktrees made and removed together), five times over: every run gives the lone run's picks")
    func manyVerifiesAtOnce() throws {
        // Without WorktreeLock, git's worktree commands met one another's half-written
        // registrations and a verification failed: the pick became an `error` in about one
        // run in four like these.
        let f = try sample()
        let arguments = ["plan", "--format", "json", "--verify", "test -f src/net.c"]
        let alone = try backport(arguments, in: f.path)
        try #require(alone.status == 0)
        let expected = try Self.results(alone.stdout)
        for _ in 0..<5 {
            for run in try together(Array(repeating: arguments, count: 4), in: f.path) {
                #expect(run.status == 0)
                let errors = (try? Self.errors(run.stdout)) ?? []
                #expect(try Self.results(run.stdout) == expected, "\(errors)")
            }
        }
        #expect(try VerifyTests.scratch(f).isEmpty)
    }

    /// The reasons of a JSON report's `error` picks.
    static func errors(_ json: String) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        return (object["results"] as! [[String: Any]]).filter { $0["outcome"] as? String == "error" }
            .compactMap { (($0["reasons"] as? [[String: Any]])?.first?["message"]) as? String }
    }
}

/// The most scratch worktrees registered at once while it watched.
final class WorktreeWatcher: @unchecked Sendable {
    // Safe: `seen` and `stopped` are read and written only under `lock`.
    private let lock = NSLock()
    private var seen = 0
    private var stopped = false
    let fixture: Fixture

    init(_ fixture: Fixture) { self.fixture = fixture }

    var most: Int { lock.withLock { seen } }

    func stop() { lock.withLock { stopped = true } }

    func watch() {
        while !lock.withLock({ stopped }) {
            let count = Set((try? VerifyTests.scratch(fixture)) ?? []).count
            lock.withLock { seen = max(seen, count) }
            usleep(50_000)
        }
    }
}
