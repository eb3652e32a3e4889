import Foundation
import Testing
import TestSupport

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The `git-backport` binary `swift test` built next to this test bundle.
let binary: String = {
    var candidates: [String] = []
    if let url = Bundle.main.executableURL {
        candidates.append(url.deletingLastPathComponent().appendingPathComponent("git-backport").path)
    }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("git-backport").path)
    candidates.append(packageRoot + "/.build/debug/git-backport")
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
}()

func sample() throws -> Fixture {
    let f = try Fixture(initialize: false)
    let output = try run(packageRoot + "/Scripts/sample-repo", [f.path], in: packageRoot)
    try #require(output.status == 0, "\(output.stderr)")
    return f
}

/// Runs the binary; the report is 80 columns wide unless `environment` says otherwise.
func backport(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> ProcessOutput {
    try run(binary, arguments, in: directory, environment: ["COLUMNS": "80"].merging(environment) { $1 })
}

/// A repository with `count` lines in `a.txt` and one commit.
func baseFixture(count: Int) throws -> Fixture {
    let f = try Fixture()
    try f.write("a.txt", Fixture.lines("a", max(count, 1)))
    try f.commit("initial")
    return f
}

/// A repository whose fix has a subject with an escape sequence (a window title) and a
/// right-to-left override.
func baseFixtureForEscapes() throws -> Fixture {
    let f = try Fixture()
    try f.write("a.txt", Fixture.lines("a", 20))
    try f.commit("initial")
    try f.git("branch", "release/1.0")
    try f.edit("a.txt", line: 5, to: "fixed")
    try f.commit("fix \u{1B}]0;owned\u{07} the \u{202E}txt.exe\n\nBackport-To: 1.0")
    return f
}

/// A repository with `count` release branches (`release/1.0`...) and fixes that give them
/// every common outcome, one with a long subject.
func manyTargets(_ count: Int) throws -> Fixture {
    let f = try Fixture()
    try f.write("a.txt", Fixture.lines("a", 40))
    try f.commit("initial")
    for i in 0..<(count - 1) { try f.git("branch", "release/1.\(i)") }
    try f.git("checkout", "-q", "release/1.0")
    try f.edit("a.txt", line: 5, to: "changed on the oldest release")
    try f.commit("release-only change")
    try f.git("checkout", "-q", "main")
    try f.edit("a.txt", line: 5, to: "fixed")
    try f.commit("parser: fix the overflow in the fast path that long inputs hit when the buffer is full\n\nBackport-To: 1.0+")
    try f.edit("a.txt", line: 12, to: "a cache")
    let feature = try f.commit("net: add a cache")
    try f.git("branch", "release/1.\(count - 1)")
    try f.edit("a.txt", line: 20, to: "fixed too")
    try f.commit("net: fix the cache timeout\n\nFixes: \(feature.prefix(12))")
    try f.edit("a.txt", line: 30, to: "newest only")
    try f.commit("util: fix for the newest\n\nBackport-To: 1.\(count - 1)")
    return f
}

@Suite("git-backport, the binary")
struct CommandTests {
    @Test("plan on the sample repository shows every outcome and exits 0")
    func planText() throws {
        let f = try sample()
        let out = try backport(["plan"], in: f.path)
        #expect(out.status == 0)
        #expect(out.stderr == "")
        for word in ["clean", "conflicted", "already-applied", "not-affected", "skipped", "release/1.0", "release/1.2"] {
            #expect(out.stdout.contains(word), "\(word)")
        }
        #expect(out.stdout.contains("delete/modify src/config.c"))
        #expect(out.stdout.contains("warning: malformed trailer 'Fixes: the typo from last week'"))
        #expect(!out.stdout.contains("\u{1B}["), "no colour when not on a terminal")
    }

    /// Regenerate after an intended change of the report: `Scripts/sample-repo /tmp/s &&
    /// (cd /tmp/s && git backport plan) > Tests/EndToEndTests/Golden/sample-plan.txt`.
    @Test("The whole text report on the sample repository is the golden one")
    func golden() throws {
        let f = try sample()
        let out = try backport(["plan"], in: f.path)
        let golden = try String(contentsOfFile: packageRoot + "/Tests/EndToEndTests/Golden/sample-plan.txt", encoding: .utf8)
        #expect(out.stdout == golden)
    }

    /// Regenerate after an intended change of the report: run with `GOLDEN_UPDATE=1`.
    @Test("The table fits the width: 80 and 120 columns, 3 and 15 targets", arguments: [(3, 80), (3, 120), (15, 80), (15, 120)])
    func widths(targets: Int, columns: Int) throws {
        let f = try manyTargets(targets)
        let out = try backport(["plan"], in: f.path, environment: ["COLUMNS": "\(columns)"])
        #expect(out.status == 0, "\(out.stderr)")
        let path = packageRoot + "/Tests/EndToEndTests/Golden/table-\(targets)-targets-\(columns)-columns.txt"
        if ProcessInfo.processInfo.environment["GOLDEN_UPDATE"] != nil { try out.stdout.write(toFile: path, atomically: true, encoding: .utf8) }
        #expect(out.stdout == (try String(contentsOfFile: path, encoding: .utf8)))
        // The tables, the summary and the legend (the details are free text).
        let report = out.stdout.components(separatedBy: "\n\n")
        for line in report.prefix(report.count - 3).joined(separator: "\n").split(separator: "\n") { #expect(line.count <= columns, "\(line)") }
    }

    @Test("--only and --hide filter the rows; a bad outcome name is a usage error")
    func onlyAndHide() throws {
        let f = try manyTargets(3)
        let only = try backport(["plan", "--only", "conflicted"], in: f.path)
        #expect(only.stdout.contains("parser: fix the overflow"))
        #expect(!only.stdout.contains("util: fix for the newest"))
        #expect(!only.stdout.contains("net: fix the cache timeout"))
        let hidden = try backport(["plan", "--hide", "clean,not-affected"], in: f.path)
        #expect(!hidden.stdout.contains("net: fix the cache timeout"))
        #expect(!hidden.stdout.contains("util: fix for the newest"))
        #expect(hidden.stdout.contains("parser: fix the overflow"))
        let bad = try backport(["plan", "--only", "great"], in: f.path)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("'great' is not an outcome"))
    }

    @Test("Standard output that fails (closed pipe, full disk, closed) never crashes the tool", arguments: [
        ("| head -c 10 >/dev/null", "", [0, 141]),
        (">/dev/full", "fatal: unable to write to standard output: No space left on device", [128]),
        // Closed: the output goes to /dev/null, as git's does, never into a file opened later.
        (">&-", "", [0]),
    ])
    func brokenOutput(redirect: String, message: String, statuses: [Int32]) throws {
        let f = try manyTargets(15)
        let out = try run("/bin/bash", ["-c", "'\(binary)' plan --all --format json \(redirect); echo \"status=${PIPESTATUS[0]}\" >&2"],
                          in: f.path, environment: ["COLUMNS": "80"])
        let status = out.stderr.components(separatedBy: "status=").last.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(statuses.contains(status ?? -1), "\(out.stderr)")
        #expect(!out.stderr.contains("Fatal error") && !out.stderr.contains("Stack dump"), "\(out.stderr)")
        if !message.isEmpty { #expect(out.stderr.contains(message), "\(out.stderr)") }
    }

    @Test("An ambiguous short id says so and lists the candidates, as git does")
    func ambiguous() throws {
        let f = try baseFixture(count: 0)
        for i in 0..<600 { try f.write("many/file\(i)", "content \(i)\n") }
        try f.commit("many files")
        try f.git("branch", "release/1.0")
        // A 4-digit prefix that two objects share (600 objects: there is one).
        let ids = try f.git("rev-list", "--objects", "--all").split(separator: "\n").map { String($0.prefix(40)) }
        let prefix = try #require(Dictionary(grouping: ids, by: { $0.prefix(4) }).first { $0.value.count > 1 }?.key)
        let out = try backport(["plan", String(prefix)], in: f.path)
        #expect(out.status == 128)
        #expect(out.stderr.hasPrefix("fatal: short object ID \(prefix) is ambiguous; the candidates are: "), "\(out.stderr)")
        for id in ids where id.hasPrefix(prefix) { #expect(out.stderr.contains(id.prefix(12))) }
        #expect(out.stderr.split(separator: "\n").count == 1)
    }

    @Test("Control characters in commit data reach the terminal escaped")
    func terminalEscapes() throws {
        let f = try baseFixtureForEscapes()
        let out = try backport(["plan"], in: f.path)
        #expect(!out.stdout.contains("\u{1B}"))
        #expect(out.stdout.contains("\\x1b]0;owned\\x07"))
        #expect(out.stdout.contains("\\u{202e}"))
        let markdown = try backport(["plan", "--format", "markdown"], in: f.path)
        #expect(!markdown.stdout.contains("\u{1B}"))
    }

    @Test("--jobs 1 and --jobs 4 give byte-identical reports")
    func jobs() throws {
        let f = try sample()
        for extra in [[], ["--all", "--independent"], ["--all", "--mainline", "1"]] {
            let one = try backport(["plan", "--format", "json", "--jobs", "1"] + extra, in: f.path)
            let four = try backport(["plan", "--format", "json", "--jobs", "4"] + extra, in: f.path)
            #expect(one.status == 0)
            #expect(one.stdout == four.stdout, "\(extra)")
        }
    }

    @Test("--exit-code exits 1 when a pick needs a person, 0 when none does")
    func exitCode() throws {
        let f = try sample()
        #expect(try backport(["plan", "--exit-code"], in: f.path).status == 1)
        // Every fix is clean on 1.2 when stacked (util_checked() comes with an earlier pick).
        #expect(try backport(["plan", "--exit-code", "--onto", "release/1.2"], in: f.path).status == 0)
        // Alone, the last fix uses util_checked(), which 1.2 lacks: missing-symbol.
        #expect(try backport(["plan", "--exit-code", "--onto", "release/1.2", "--since", "HEAD~2"], in: f.path).status == 1)
    }

    @Test("--format json is the versioned report, and nothing else is printed")
    func json() throws {
        let f = try sample()
        let out = try backport(["plan", "--format", "json"], in: f.path)
        #expect(out.status == 0)
        #expect(out.stderr == "")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 2)
        let results = try #require(object["results"] as? [[String: Any]])
        let outcomes = Set(results.compactMap { $0["outcome"] as? String })
        #expect(outcomes == ["clean", "conflicted", "needs-adaptation", "already-applied", "not-affected", "skipped"])
        let conflicted = try #require(results.first { $0["outcome"] as? String == "conflicted" })
        let conflicts = try #require(conflicted["conflicts"] as? [[String: Any]])
        #expect(conflicts.first?["kind"] as? String == "content")
        let regions = try #require(conflicts.first?["regions"] as? [[String: Int]])
        #expect(regions.count == 1)
        #expect(regions.allSatisfy { $0["first"]! < $0["last"]! })
        let targets = try #require(object["targets"] as? [[String: Any]])
        #expect(targets.compactMap { $0["version"] as? String } == ["1.0", "1.1", "1.2"])
    }

    @Test("--format markdown is a table for a pull-request comment")
    func markdown() throws {
        let f = try sample()
        let out = try backport(["plan", "--format", "markdown"], in: f.path)
        #expect(out.status == 0)
        #expect(out.stdout.contains("| commit | subject | `release/1.0` | `release/1.1` | `release/1.2` |"))
        #expect(out.stdout.contains("❌ conflicted"))
        #expect(out.stdout.contains("<details>"))
    }

    @Test("Run as `git backport` once on PATH")
    func gitSubcommand() throws {
        let f = try sample()
        let directory = URL(fileURLWithPath: binary).deletingLastPathComponent().path
        let path = directory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")
        let out = try run("/usr/bin/git", ["backport", "branches"], in: f.path, environment: ["PATH": path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("target   release/1.0"))
    }

    @Test("git -c settings reach git backport, as they reach git's own commands")
    func gitDashC() throws {
        let f = try sample()
        let directory = URL(fileURLWithPath: binary).deletingLastPathComponent().path
        let path = directory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")
        let out = try run("/usr/bin/git", ["-c", "backport.exclude=release/1.0", "backport", "branches"], in: f.path, environment: ["PATH": path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("skipped  release/1.0"))
        #expect(out.stdout.contains("target   release/1.1"))
    }

    @Test("GIT_DIR names the repository, as it does for git")
    func gitDir() throws {
        let f = try sample()
        let out = try backport(["branches"], in: "/", environment: ["GIT_DIR": f.path + "/.git"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("target   release/1.2"))
    }

    @Test("Fatal errors are one line on standard error, exit 128, nothing on standard output", arguments: [
        (["plan", "--onto", "nope"], "fatal: unknown target branch 'nope'"),
        (["plan", "--source", "nope"], "fatal: unknown source branch 'nope'"),
        (["plan", "deadbeef"], "fatal: bad revision 'deadbeef'"),
        (["plan", "--remote", "upstream"], "fatal: remote 'upstream' has no remote-tracking branches"),
        (["plan", "--onto", "release/9*"], "fatal: unknown target branch 'release/9*'"),
    ])
    func fatalErrors(arguments: [String], message: String) throws {
        let f = try sample()
        let out = try backport(arguments, in: f.path)
        #expect(out.status == 128)
        #expect(out.stdout == "")
        #expect(out.stderr.hasPrefix(message), "\(out.stderr)")
        #expect(out.stderr.split(separator: "\n").count == 1)
    }

    @Test("Outside a repository: a fatal error")
    func notARepository() throws {
        let empty = try Fixture(initialize: false)
        let out = try backport(["plan"], in: empty.path, environment: ["GIT_CEILING_DIRECTORIES": URL(fileURLWithPath: empty.path).deletingLastPathComponent().path])
        #expect(out.status == 128)
        #expect(out.stderr.hasPrefix("fatal: not a git repository"))
    }

    @Test("A repository another user owns: git's dubious-ownership line, unless safe.directory lists it or says *")
    func safeDirectory() throws {
        let f = try sample()
        guard getuid() == 0, try run("/bin/chown", ["-R", "nobody", f.path], in: "/").status == 0 else { return }
        let refused = try backport(["branches"], in: f.path)
        #expect(refused.status == 128)
        #expect(refused.stderr.hasPrefix("fatal: detected dubious ownership in repository at '\(f.path)'"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        for value in ["*", f.path] {
            let allowed = try backport(["branches"], in: f.path, environment: ["GIT_CONFIG_PARAMETERS": "'safe.directory'='\(value)'"])
            #expect(allowed.status == 0, "\(value): \(allowed.stderr)")
            #expect(allowed.stdout.contains("release/1.0"))
        }
    }

    @Test("An empty repository is one clear line")
    func emptyRepository() throws {
        let f = try Fixture()
        let out = try backport(["plan"], in: f.path)
        #expect(out.status == 128)
        #expect(out.stderr == "fatal: this repository has no commits yet: there is nothing to backport\n")
    }

    @Test("Usage errors are the argument parser's, before anything runs")
    func usage() throws {
        let f = try sample()
        for jobs in ["0", "5000", "-3"] {
            let out = try backport(["plan", "--jobs", jobs], in: f.path)
            #expect(out.status == 64)
            #expect(out.stderr.contains("--jobs is how many targets at once: 1 to 1024") || out.stderr.contains("Missing value"), "\(out.stderr)")
        }
        #expect(try backport(["plan", "--all", "HEAD"], in: f.path).status == 64)
    }
}

@Suite("The JSON report's documented schema")
struct SchemaTests {
    @Test("Reports validate against Docs/report-schema.json", arguments: [
        ["plan", "--format", "json"],
        ["plan", "--format", "json", "--all", "--independent", "--mainline", "1"],
    ])
    func validates(arguments: [String]) throws {
        let f = try sample()
        let out = try backport(arguments, in: f.path)
        #expect(out.status == 0)
        let report = f.path + "/../report-\(UUID().uuidString).json"
        try Data(out.stdout.utf8).write(to: URL(fileURLWithPath: report))
        defer { try? FileManager.default.removeItem(atPath: report) }
        let check = try run("/usr/bin/env", ["python3", packageRoot + "/Scripts/validate-report", report], in: packageRoot)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.hasPrefix("report valid"))
    }
}

@Suite("git backport preview")
struct PreviewTests {
    /// The sides of each conflict region of a file git left conflicted.
    static func sides(_ text: String) -> [[String]] {
        var regions: [[String]] = [], current: [String]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("<<<<<<<") { current = ["ours"]; continue }
            if line.hasPrefix("|||||||") { current?.append("base"); continue }
            if line == "=======" { current?.append("theirs"); continue }
            if line.hasPrefix(">>>>>>>") { regions.append(current ?? []); current = nil; continue }
            current?.append(line)
        }
        return regions
    }

    @Test("Conflict regions are the ones git cherry-pick leaves in the file", arguments: ["merge", "diff3", "zdiff3"])
    func regionsAsGit(style: String) throws {
        let f = try sample()
        let flags = style == "merge" ? [] : ["--\(style)"]
        let out = try backport(["preview", "607a291985", "--onto", "release/1.0", "--format", "json"] + flags, in: f.path)
        #expect(out.status == 0, "\(out.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
        let pick = ((json["targets"] as! [[String: Any]])[0]["picks"] as! [[String: Any]])[0]
        #expect(pick["outcome"] as? String == "conflicted")
        let conflict = (pick["conflicts"] as! [[String: Any]])[0]
        let ours = (conflict["regions"] as! [[String: Any]]).map { region -> [String] in
            ["ours"] + (region["ours"] as! [String]) + ((region["base"] as? [String]).map { ["base"] + $0 } ?? [])
                + ["theirs"] + (region["theirs"] as! [String])
        }
        // git's own cherry-pick in a throwaway clone, with the same conflict style.
        let clone = try Fixture(initialize: false)
        try clone.git("clone", "-q", "--branch", "release/1.0", f.path, ".")
        _ = try clone.git(["-c", "merge.conflictStyle=\(style)", "cherry-pick", "607a291985"], allowFailure: true)
        let theirs = Self.sides(try clone.read(conflict["path"] as! String))
        #expect(!theirs.isEmpty)
        #expect(ours == theirs)
    }

    @Test("add/add regions and a modify/delete are what git cherry-pick leaves", arguments: ["merge", "diff3"])
    func addAddAndModifyDelete(style: String) throws {
        let f = try Fixture()
        try f.write("a.txt", Fixture.lines("a", 20))
        try f.write("gone.txt", Fixture.lines("g", 10))
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.write("new.txt", "one\ntwo on the release\nthree\n")
        try f.git("rm", "-q", "gone.txt")
        try f.commit("release: add new.txt, drop gone.txt")
        try f.git("checkout", "-q", "main")
        try f.write("new.txt", "one\ntwo on main\nthree\n")
        try f.edit("gone.txt", line: 3, to: "changed on main")
        let fix = try f.commit("add new.txt, change gone.txt")
        let flags = style == "merge" ? [] : ["--\(style)"]
        let out = try backport(["preview", fix, "--onto", "release/1.0", "--format", "json"] + flags, in: f.path)
        #expect(out.status == 0, "\(out.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
        let pick = ((json["targets"] as! [[String: Any]])[0]["picks"] as! [[String: Any]])[0]
        let conflicts = Dictionary(uniqueKeysWithValues: (pick["conflicts"] as! [[String: Any]]).map { ($0["path"] as! String, $0) })
        #expect(conflicts["gone.txt"]?["kind"] as? String == "delete/modify")
        #expect((conflicts["gone.txt"]?["regions"] as? [Any])?.isEmpty == true)
        let addAdd = try #require(conflicts["new.txt"])
        #expect(addAdd["kind"] as? String == "add/add")
        let ours = (addAdd["regions"] as! [[String: Any]]).map { region -> [String] in
            ["ours"] + (region["ours"] as! [String]) + ((region["base"] as? [String]).map { ["base"] + $0 } ?? [])
                + ["theirs"] + (region["theirs"] as! [String])
        }
        let clone = try Fixture(initialize: false)
        try clone.git("clone", "-q", "--branch", "release/1.0", f.path, ".")
        _ = try clone.git(["-c", "merge.conflictStyle=\(style)", "cherry-pick", fix], allowFailure: true)
        #expect(ours == Self.sides(try clone.read("new.txt")))
        // git leaves the fix's version of the file it modified and the release deleted.
        #expect(FileManager.default.fileExists(atPath: clone.path + "/gone.txt"))
    }

    @Test("A clean pick shows its stat and diff; other outcomes their evidence; nothing changes")
    func cleanAndEvidence() throws {
        let f = try sample()
        let before = try f.git("status", "--porcelain")
        let out = try backport(["preview", "3e2de25a78", "45c6c7b7ac", "--onto", "1.1"], in: f.path)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("== release/1.1 =="))
        #expect(out.stdout.contains("src/parser.c | 2 +-"))
        #expect(out.stdout.contains("+int parse_10(int x) { return x > LIMIT ? -1 : fast_path(x) + 10; }"))
        #expect(out.stdout.contains("already-applied"))
        #expect(out.stdout.contains("same patch-id"))
        let statOnly = try backport(["preview", "3e2de25a78", "--onto", "1.1", "--stat"], in: f.path)
        #expect(statOnly.stdout.contains("src/parser.c | 2 +-") && !statOnly.stdout.contains("diff --git"))
        #expect(try f.git("status", "--porcelain") == before)
        let none = try backport(["preview"], in: f.path)
        #expect(none.status == 64)
    }
}

@Suite("plan --verify and scratch worktrees")
struct VerifyTests {
    /// The worktrees git has registered, besides the main one.
    static func scratch(_ f: Fixture) throws -> [String] {
        try f.git("worktree", "list", "--porcelain").split(separator: "\n").filter { $0.hasPrefix("worktree ") }
            .map { String($0.dropFirst("worktree ".count)) }.filter { $0 != f.path && !f.path.hasSuffix($0) }
    }

    static func outcomes(_ out: ProcessOutput) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
        return (json["results"] as! [[String: Any]]).map { "\($0["outcome"]!)" }
    }

    /// Verification alone, without the adaptation signals (`git -c backport.signals=none`).
    static let noSignals = ["GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "backport.signals", "GIT_CONFIG_VALUE_0": "none"]

    @Test("A verify command that passes keeps picks clean; one that fails or runs too long makes them needs-adaptation, with its output; no worktree is left")
    func passFailTimeout() throws {
        let f = try sample()
        let status = try f.git("status", "--porcelain")
        let plain = try Self.outcomes(try backport(["plan", "--onto", "1.1", "--format", "json"], in: f.path, environment: Self.noSignals))
        let passing = try backport(["plan", "--onto", "1.1", "--format", "json", "--verify", "test -f src/net.c"], in: f.path, environment: Self.noSignals)
        #expect(try Self.outcomes(passing) == plain)

        let failing = try backport(["plan", "--onto", "1.1", "--format", "json", "--verify", "echo compiling; echo 'net.c: error'; exit 3"], in: f.path, environment: Self.noSignals)
        let outcomes = try Self.outcomes(failing)
        #expect(outcomes.filter { $0 == "needs-adaptation" }.count == plain.filter { $0 == "clean" }.count)
        #expect(!outcomes.contains("clean"))
        let json = try JSONSerialization.jsonObject(with: Data(failing.stdout.utf8)) as! [String: Any]
        let adapted = (json["results"] as! [[String: Any]]).first { $0["outcome"] as? String == "needs-adaptation" }!
        let reason = (adapted["reasons"] as! [[String: Any]]).first { $0["code"] as? String == "verify-failed" }!
        #expect((reason["message"] as! String).contains("exited with status 3"))
        #expect(reason["output"] as? [String] == ["compiling", "net.c: error"])
        #expect(FileManager.default.contents(atPath: reason["log"] as! String).map { String(decoding: $0, as: UTF8.self) } == "compiling\nnet.c: error\n")

        let started = Date()
        let slow = try backport(["plan", "--onto", "1.1", "3e2de25a78", "--format", "json", "--verify", "sleep 30", "--verify-timeout", "1"], in: f.path, environment: Self.noSignals)
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(try Self.outcomes(slow) == ["needs-adaptation"])
        #expect(slow.stdout.contains("did not finish within 1 seconds"))

        #expect(try Self.scratch(f).isEmpty)
        #expect(try f.git("status", "--porcelain") == status)
    }

    @Test("The verify command sees the stacked result: each pick's files, on top of the earlier clean ones")
    func seesTheResult() throws {
        let f = try sample()
        // 4cc0436327 adds util_checked(); a891cff575 uses it: the second is checked on top of the first.
        let out = try backport(["plan", "--onto", "1.2", "4cc0436327", "a891cff575", "--format", "json",
                                "--verify", "grep -q 'util_checked' src/util.c"], in: f.path, environment: Self.noSignals)
        #expect(try Self.outcomes(out) == ["clean", "clean"])
    }

    /// Starts a plan whose verification sleeps, waits for its worktree, then signals it.
    func interrupted(by signalNumber: Int32, in f: Fixture) throws -> Int32 {
        let child = try ShellChild(["plan", "--onto", "1.1", "--verify", "sleep 60"], in: f.path)
        // Until the worktree holds the pick's files: `git worktree add` has finished (killed
        // while it runs, it would take its half-made worktree away with it).
        let deadline = Date().addingTimeInterval(60)
        func materialized() throws -> Bool {
            // Not the test's own worktree next to the repository (`<repository>-mine`).
            try Self.scratch(f).filter { !$0.hasPrefix(f.path) }.contains { path in
                !((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0 != ".git" }.isEmpty
            }
        }
        // git worktree list fails while git worktree add is writing the entry: ask again.
        while (try? materialized()) != true, Date() < deadline { usleep(50_000) }
        #expect((try? materialized()) == true)
        usleep(200_000)
        kill(child.pid, signalNumber)
        return try #require(child.waitUntilExit()).code
    }

    @Test("Ctrl-C or SIGTERM during verification leaves no worktree", arguments: [SIGINT, SIGTERM])
    func interrupt(signalNumber: Int32) throws {
        let f = try sample()
        let status = try interrupted(by: signalNumber, in: f)
        #expect(status == 128 + signalNumber)
        #expect(try Self.scratch(f).isEmpty)
    }

    /// Adds a worktree of the user's (`<repository>-mine`), then kills a run with SIGKILL
    /// while it verifies: the scratch worktree it left.
    func killedRun(beside f: Fixture) throws -> String {
        try f.git("worktree", "add", "-q", "--detach", f.path + "-mine", "HEAD")
        _ = try interrupted(by: SIGKILL, in: f)
        let left = try Self.scratch(f).filter { !$0.hasSuffix("-mine") }
        try #require(left.count == 1)
        return left[0]
    }

    @Test("gc removes the worktree a run killed with SIGKILL left, and nothing else")
    func gcAfterKill() throws {
        let f = try sample()
        defer { try? FileManager.default.removeItem(atPath: f.path + "-mine") }
        let left = try killedRun(beside: f)
        let gc = try backport(["gc"], in: f.path, environment: Self.noSignals)
        #expect(gc.status == 0, "\(gc.stderr)")
        #expect(gc.stdout.contains("removed \(left)"))
        #expect(try Self.scratch(f).map { $0.hasSuffix("-mine") } == [true])
        #expect(!FileManager.default.fileExists(atPath: left))
        // The start of a later run does the same.
        _ = try interrupted(by: SIGKILL, in: f)
        #expect(try Self.scratch(f).count == 2)
        _ = try backport(["plan", "--onto", "1.0"], in: f.path, environment: Self.noSignals)
        #expect(try Self.scratch(f).map { $0.hasSuffix("-mine") } == [true])
    }

    @Test("gc removes a left worktree git cannot remove (its .git file gone) by hand, and not the registration of someone's worktree whose folder is away")
    func gcLeavesOthersAlone() throws {
        let f = try sample()
        defer { try? FileManager.default.removeItem(atPath: f.path + "-mine") }
        let left = try killedRun(beside: f)
        // `git worktree remove` refuses a folder without its .git file; the folder of mine
        // is away for now (an unmounted disk), which `git worktree prune` would take for gone.
        try FileManager.default.removeItem(atPath: left + "/.git")
        try FileManager.default.moveItem(atPath: f.path + "-mine", toPath: f.path + "-away")
        defer { try? FileManager.default.removeItem(atPath: f.path + "-away") }
        let gc = try backport(["gc"], in: f.path, environment: Self.noSignals)
        #expect(gc.status == 0, "\(gc.stderr)")
        #expect(!FileManager.default.fileExists(atPath: left))
        #expect(try Self.scratch(f).map { $0.hasSuffix("-mine") } == [true])
    }

    @Test("A verify command from a committed .backportconfig runs only with --trust-repo-config")
    func trustRule() throws {
        let f = try sample()
        try f.write(".backportconfig", "[backport]\n\tverify = exit 1\n")
        try f.commit("a pull request sets a verify command")
        let untrusted = try backport(["plan", "--onto", "1.1", "--format", "json"], in: f.path, environment: Self.noSignals)
        #expect(!(try Self.outcomes(untrusted)).contains("needs-adaptation"))
        #expect(untrusted.stderr.contains("runs only with --trust-repo-config"))
        let trusted = try backport(["plan", "--onto", "1.1", "--format", "json", "--trust-repo-config"], in: f.path, environment: Self.noSignals)
        #expect(try Self.outcomes(trusted).contains("needs-adaptation"))
        // The user's own git config is trusted.
        try f.git("config", "backport.verify", "exit 1")
        let own = try backport(["plan", "--onto", "1.1", "--format", "json"], in: f.path, environment: Self.noSignals)
        #expect(try Self.outcomes(own).contains("needs-adaptation"))
    }
}

extension VerifyTests {
    @Test("The sample's own check catches the pick that applies but needs what 1.1 lacks (the demo)")
    func sampleCheck() throws {
        let f = try sample()
        let out = try backport(["plan", "--verify", "./check.sh", "--format", "json"], in: f.path)
        let json = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
        let results = (json["results"] as! [[String: Any]]).filter { ($0["commit"] as! String).hasPrefix("986489a453") }
        #expect(Dictionary(uniqueKeysWithValues: results.map { ($0["target"] as! String, $0["outcome"] as! String) })
                == ["release/1.1": "needs-adaptation", "release/1.2": "clean"])
        #expect(out.stdout.contains("util_checked() is called but not defined"))
        // Without --verify, the merge alone cannot tell: the pick is clean on 1.1 without the
        // adaptation signals, and missing-symbol names what 1.1 lacks with them.
        let merge = try backport(["plan", "--format", "json"], in: f.path, environment: Self.noSignals)
        #expect(merge.stdout.contains("needs-adaptation") == false)
        let signals = try backport(["plan", "--format", "json"], in: f.path)
        #expect(signals.stdout.contains("util_checked (src/util.c)"))
    }
}

@Suite("git backport resolve, continue, abort")
struct ResolveTests {
    @Test("resolve, continue and abort: a kept worktree on its own branch, the resolution committed with its author and marker, then removed")
    func roundTrip() throws {
        let f = try sample()
        let status = try f.git("status", "--porcelain")
        let head = try f.git("rev-parse", "HEAD")
        let path = f.path + "-resolve"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let started = try backport(["resolve", "607a291985", "--onto", "1.0", "--path", path], in: f.path)
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.contains("607a291985 conflicts in: src/net.c"))
        #expect(try f.git("worktree", "list").contains(path))
        #expect(try f.read("../" + (path as NSString).lastPathComponent + "/src/net.c").contains("<<<<<<< "))
        // The earlier clean pick of release/1.0's stack is on the branch already.
        #expect(try f.git("log", "--format=%s", "release/1.0..backport/release/1.0/607a291985")
                == "parser: fix overflow in the parse_10 fast path")
        // A second resolve of the same pick says where the first one is.
        let again = try backport(["resolve", "607a291985", "--onto", "1.0"], in: f.path)
        #expect(again.status == 128 && again.stderr.contains("being resolved already, in \(path)"))

        // The person resolves: the fix's version, then continue.
        let resolved = "resolved by hand\n"
        try resolved.write(toFile: path + "/src/net.c", atomically: true, encoding: .utf8)
        _ = try run("/usr/bin/git", ["add", "src/net.c"], in: path)
        let next = try backport(["continue"], in: path + "/src")
        #expect(next.status == 0, "\(next.stderr)")
        let picked = try run("/usr/bin/git", ["log", "--format=%H %s", "release/1.0..HEAD"], in: path).stdout
        #expect(picked.contains("net: fix off-by-one in net_6 timeout"))
        let netCommit = String(picked.split(separator: "\n").first { $0.contains("net_6") }!.prefix(40))
        let message = try run("/usr/bin/git", ["log", "-1", "--format=%an <%ae>%n%B", netCommit], in: path).stdout
        #expect(message.hasPrefix("Ada Maintainer <ada@example.org>"))
        #expect(message.contains("(cherry picked from commit 607a291985"))
        #expect(try run("/usr/bin/git", ["show", "\(netCommit):src/net.c"], in: path).stdout == resolved)
        // It went on to the stack's next pick, which conflicts too (a delete/modify).
        #expect(next.stdout.contains("b9d7c11fdb conflicts in: src/config.c"))

        let aborted = try backport(["abort"], in: path)
        #expect(aborted.status == 0, "\(aborted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try !f.git("worktree", "list").contains(path))
        #expect(try !f.git("branch").contains("backport/"))
        // The repository's own checkout is as it was.
        #expect(try f.git("status", "--porcelain") == status)
        #expect(try f.git("rev-parse", "HEAD") == head)
    }

    @Test("In an ordinary clone, resolve onto origin's release branch makes backport/<branch>/<commit>")
    func remoteTarget() throws {
        let upstream = try sample()
        let clone = try Fixture(initialize: false)
        try clone.git("clone", "-q", upstream.path, ".")
        let path = clone.path + "-resolve"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let started = try backport(["resolve", "607a291985", "--onto", "1.0", "--path", path], in: clone.path)
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.contains("branch backport/release/1.0/607a291985, onto origin/release/1.0"))
        #expect(try backport(["abort"], in: path).status == 0)
        #expect(try !clone.git("branch").contains("backport/"))
    }

    @Test("resolve refuses a pick that is not conflicted, and continue outside a resolve worktree")
    func refusals() throws {
        let f = try sample()
        let clean = try backport(["resolve", "3e2de25a78", "--onto", "1.1"], in: f.path)
        #expect(clean.status == 128 && clean.stderr.contains("is clean on release/1.1: nothing to resolve"))
        let outside = try backport(["continue"], in: f.path)
        #expect(outside.status == 128 && outside.stderr.contains("not inside a git backport resolve worktree"))
    }
}
