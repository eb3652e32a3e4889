import Backport
import Foundation
import Git
import Testing
import TestSupport

/// What a plan recognises as already backported, and which branches it targets, on the
/// shapes real projects have.
@Suite("Everyday selection: backports recognised, the right targets")
struct SelectionTests {
    @Test("Marker forms seen in real projects, and a configured one, mean already applied", arguments: [
        "[Upstream commit: %@]", "Some context [ upstream commit %@ ] and more", "(backported from commit %@)",
        "cherry-picked from %@", "Cherry-pick of %@", "Picked-From: %@ (configured)",
    ])
    func markerForms(form: String) throws {
        let f = try baseFixture()
        try f.git("config", "backport.marker", "picked-from: {sha} (configured)")
        try f.edit("a.txt", line: 5, to: "fixed on main")
        let fix = try f.commit("fix a5\n\nBackport-To: 1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("a.txt", line: 6, to: "fixed differently on the release")
        let carrier = try f.commit("fix a5 for 1.0\n\n" + form.replacingOccurrences(of: "%@", with: String(fix.prefix(12))))
        try f.git("checkout", "-q", "main")
        let result = try #require(try plan(f).result("fix a5", on: "release/1.0"))
        #expect(result.outcome == .alreadyApplied)
        #expect(result.reasons.first?.code == .marker)
        #expect(result.reasons.first?.commit?.hex == carrier)
    }

    @Test("Only configured markers with text before {sha} are accepted")
    func badMarker() throws {
        let f = try baseFixture()
        try f.git("config", "backport.marker", "no placeholder")
        #expect(throws: BackportError.self) { try plan(f) }
    }

    @Test("A candidate that is itself a backport is already applied where its upstream commit is, or is backported too")
    func backportOfABackport() throws {
        let f = try baseFixture(releases: ["release/1.0", "release/2.0"])
        try f.edit("a.txt", line: 5, to: "fixed on main")
        let upstream = try f.commit("fix a5\n\nBackport-To: 1.0, 1.1, 2.0")
        try f.git("branch", "release/1.1")
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("a.txt", line: 6, to: "fixed by hand on 1.0")
        let carrier = try f.commit("fix a5 for 1.0\n\n(cherry picked from commit \(upstream))")
        try f.git("checkout", "-q", "release/2.0")
        try f.git("cherry-pick", "-x", upstream)

        let p = try plan(f) { $0.source = "release/2.0"; $0.onto = ["release/1.0", "release/1.1"] }
        let onOld = try #require(p.result("fix a5", on: "release/1.0"))
        #expect(onOld.outcome == .alreadyApplied)
        #expect(onOld.reasons.first?.code == .marker)
        #expect(onOld.reasons.first?.commit?.hex == carrier)
        let onNewer = try #require(p.result("fix a5", on: "release/1.1"))
        #expect(onNewer.outcome == .alreadyApplied)
        #expect(onNewer.reasons.first?.message.contains("already contains") == true)
    }

    @Test("Same subject and author with a different patch is a hint, not proof: possibly-applied")
    func possiblyApplied() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("b.txt", line: 3, to: "fixed another way on the release")
        let lookalike = try f.commit("fix the overflow")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 5, to: "fixed")
        try f.commit("fix the overflow\n\nBackport-To: 1.0")
        try f.edit("a.txt", line: 9, to: "unrelated")
        try f.commit("another fix\n\nBackport-To: 1.0")

        let p = try plan(f)
        let result = try #require(p.result("fix the overflow", on: "release/1.0"))
        #expect(result.outcome == .clean)
        let hint = try #require(result.reasons.first { $0.code == .possiblyApplied })
        #expect(hint.commit?.hex == lookalike)
        #expect(p.result("another fix", on: "release/1.0")?.reasons.contains { $0.code == .possiblyApplied } == false)
    }

    @Test("A target that already has the commit in its history gets a row saying so")
    func inTargetHistoryRow() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 5, to: "fixed")
        try f.commit("fix a5\n\nBackport-To: 1.0, 1.1")
        try f.git("branch", "release/1.1")
        try f.edit("a.txt", line: 9, to: "later")
        try f.commit("later fix\n\nBackport-To: 1.1")
        let p = try plan(f)
        let row = try #require(p.result("fix a5", on: "release/1.1"))
        #expect(row.outcome == .alreadyApplied)
        #expect(row.reasons.first?.code == .inTargetHistory)
        #expect(p.outcome("fix a5", on: "release/1.0") == .clean)
        // Not meant for release/1.0: no row there.
        #expect(p.result("later fix", on: "release/1.0") == nil)
    }

    @Test("backport.target is the whole list: a branch named like a version is not a target then; backport.exclude skips")
    func configuredTargets() throws {
        let f = try baseFixture(releases: ["release/1.0", "release/1.1", "7.2"])
        var repository = try Repository.discover(startingAt: f.path)
        var finder = BranchFinder(repository: repository, settings: try Settings.load(from: repository))
        #expect(try finder.discoveredTargets(excluding: try finder.source()).map(\.name) == ["release/1.0", "release/1.1", "7.2"])

        try f.git("config", "backport.target", "release/*")
        try f.git("config", "backport.exclude", "release/1.0")
        repository = try Repository.discover(startingAt: f.path)
        finder = BranchFinder(repository: repository, settings: try Settings.load(from: repository))
        let discovery = try finder.discover(excluding: try finder.source())
        #expect(discovery.targets.map(\.name) == ["release/1.1"])
        #expect(discovery.skipped.map(\.target.name) == ["release/1.0"])
        #expect(discovery.skipped.first?.why.contains("backport.exclude") == true)
        // Named with --onto, an excluded branch is still a target.
        #expect(try plan(f) { $0.onto = ["release/1.0"] }.targets.map(\.branch) == ["release/1.0"])
    }

    @Test("A release branch with no commit for backport.maxAge (18 months) before the source's latest is skipped")
    func maxAge() throws {
        let f = try baseFixture(releases: [])
        var environment = Fixture.gitEnvironment
        environment["GIT_COMMITTER_DATE"] = "1500000000 +0000"  // 2017
        try f.git("checkout", "-q", "-b", "release/0.9")
        try f.edit("b.txt", line: 2, to: "old release")
        try f.git("add", "-A")
        #expect(try run("/usr/bin/git", ["commit", "-q", "-m", "old"], in: f.path, environment: environment).status == 0)
        try f.git("checkout", "-q", "main")
        try f.git("branch", "release/1.0")
        try f.edit("a.txt", line: 5, to: "fixed")
        try f.commit("fix a5\n\nBackport-To: 0.9, 1.0")

        let repository = try Repository.discover(startingAt: f.path)
        let finder = BranchFinder(repository: repository, settings: try Settings.load(from: repository))
        let discovery = try finder.discover(excluding: try finder.source())
        #expect(discovery.targets.map(\.name) == ["release/1.0"])
        #expect(discovery.skipped.map(\.target.name) == ["release/0.9"])
        #expect(discovery.skipped.first?.why.contains("last on 2017-07-14") == true)
        #expect(Planner.notices(for: discovery).first?.contains("release/0.9") == true)
        #expect(try plan(f).targets.map(\.branch) == ["release/1.0"])

        try f.git("config", "backport.maxAge", "0")
        #expect(try plan(f).targets.map(\.branch) == ["release/0.9", "release/1.0"])
        try f.git("config", "backport.maxAge", "10 years")
        #expect(try plan(f).targets.map(\.branch) == ["release/0.9", "release/1.0"])
        try f.git("config", "backport.maxAge", "2 weeks")
        #expect(try plan(f).targets.map(\.branch) == ["release/1.0"])
        try f.git("config", "backport.maxAge", "soon")
        #expect(throws: BackportError.self) { try plan(f) }
        try f.git("config", "--unset", "backport.maxAge")
        // Named with --onto, an old branch is still a target (by name or by version).
        #expect(try plan(f) { $0.onto = ["0.9"] }.targets.map(\.branch) == ["release/0.9"])
    }

    @Test("An ordinary clone with only origin's release branches uses them, and --onto finds origin/<name>")
    func ordinaryClone() throws {
        let upstream = try baseFixture(releases: ["release/1.0"])
        try upstream.edit("a.txt", line: 5, to: "fixed")
        try upstream.commit("fix a5\n\nBackport-To: 1.0")
        let clone = try Fixture(initialize: false)
        try clone.git("clone", "-q", upstream.path, ".")
        let repository = try Repository.discover(startingAt: clone.path)
        let discovery = try BranchFinder(repository: repository, settings: Settings())
            .discover(excluding: BranchFinder(repository: repository, settings: Settings()).source())
        #expect(discovery.fallbackRemote == "origin")
        #expect(discovery.targets.map(\.name) == ["origin/release/1.0"])
        #expect(Planner.notices(for: discovery).first?.contains("origin") == true)
        let p = try plan(clone)
        #expect(p.outcome("fix a5", on: "origin/release/1.0") == .clean)
        #expect(try plan(clone) { $0.onto = ["release/1.0"] }.targets.map(\.branch) == ["origin/release/1.0"])
        #expect(try plan(clone) { $0.onto = ["1.0"] }.targets.map(\.branch) == ["origin/release/1.0"])
    }

    @Test("In a bare mirror the source is what HEAD points at")
    func bareMirrorHead() throws {
        let upstream = try baseFixture(releases: ["release/1.0"])
        try upstream.git("branch", "-m", "main", "trunk")
        try upstream.edit("a.txt", line: 5, to: "fixed")
        try upstream.commit("fix a5\n\nBackport-To: 1.0")
        let mirror = try Fixture(initialize: false)
        try mirror.git("clone", "-q", "--mirror", upstream.path, ".")
        let p = try plan(mirror)
        #expect(p.source.branch == "trunk")
        #expect(p.outcome("fix a5", on: "release/1.0") == .clean)
        // Some mirrors have no config file: git still takes the folder for a bare repository.
        try FileManager.default.removeItem(atPath: mirror.path + "/config")
        #expect(try Repository.discover(startingAt: mirror.path).isBare)
        #expect(try plan(mirror).source.branch == "trunk")
    }

    @Test("A delete/modify says where the file's content went when the target split it")
    func contentElsewhere() throws {
        let f = try baseFixture(releases: [])
        let lines = (1...30).map { "line \($0) of the big file, with enough text to count\n" }
        try f.write("src/big.c", lines.joined())
        try f.commit("add big.c")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try FileManager.default.removeItem(atPath: f.path + "/src/big.c")
        try f.write("src/one.c", lines[0..<10].joined())
        try f.write("src/two.c", lines[10..<20].joined())
        try f.write("src/three.c", lines[20..<30].joined())
        try f.commit("split big.c in three")
        try f.git("checkout", "-q", "main")
        try f.edit("src/big.c", line: 15, to: "line 15 fixed")
        try f.commit("fix line 15\n\nBackport-To: 1.0")

        let result = try #require(try plan(f).result("fix line 15", on: "release/1.0"))
        // The file is gone under any name git follows: the fix must be reworked (missing-file).
        #expect(result.outcome == .needsAdaptation)
        #expect(result.reasons.contains { $0.code == .missingFile && $0.message.contains("src/one.c (3") })
        #expect(result.conflicts.map(\.kind) == [.deleteModify])
        let note = try #require(result.reasons.first { $0.code == .contentElsewhere })
        #expect(note.message.contains("src/one.c (3"))
        #expect(note.message.contains("src/two.c (3"))
        #expect(note.message.contains("src/three.c (3"))
    }

    @Test("--since takes a date as well as a revision")
    func sinceDate() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 1, to: "x")
        try f.commit("early fix\n\nBackport-To: 1.0")
        try f.edit("a.txt", line: 9, to: "y")
        try f.commit("late fix\n\nBackport-To: 1.0")
        let late = try f.git("show", "-s", "--format=%cI", "HEAD")
        #expect(try plan(f) { $0.since = late }.candidates.map(\.subject) == ["late fix"])
        #expect(try plan(f) { $0.since = "2000-01-01" }.candidates.map(\.subject) == ["early fix", "late fix"])
        // The fixture's commits are from 2023.
        #expect(try plan(f) { $0.since = "3 months ago" }.candidates.isEmpty)
        #expect(try plan(f) { $0.since = "100 years ago" }.candidates.count == 2)
        #expect(throws: BackportError.self) { try plan(f) { $0.since = "not a date" } }
    }
}

@Suite("The repository's own configuration is not trusted")
struct CommittedConfigTests {
    @Test("An [include] in .backportconfig is never followed")
    func includeNotFollowed() throws {
        let f = try baseFixture(releases: ["release/1.0", "rel-2.0"])
        let outside = f.path + "-outside.conf"
        try "[backport]\n\ttarget = rel-*\n".write(toFile: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try f.write(".backportconfig", "[include]\n\tpath = \(outside)\n[includeIf \"gitdir:/\"]\n\tpath = \(outside)\n")
        let settings = try Settings.load(from: try Repository.discover(startingAt: f.path))
        #expect(settings.targetPatterns == Settings.defaultTargetPatterns)
    }

    @Test("A .backportconfig that is a symlink or a pipe is not opened: a warning, and the run goes on")
    func specialFiles() throws {
        let f = try baseFixture()
        try FileManager.default.createSymbolicLink(atPath: f.path + "/.backportconfig", withDestinationPath: "/etc/passwd")
        var settings = try Settings.load(from: try Repository.discover(startingAt: f.path))
        #expect(settings.warnings == [".backportconfig is not a regular file (a link or a special file): not read"])
        try FileManager.default.removeItem(atPath: f.path + "/.backportconfig")
        #expect(mkfifo(f.path + "/.backportconfig", 0o644) == 0)
        settings = try Settings.load(from: try Repository.discover(startingAt: f.path))
        #expect(settings.warnings.count == 1)
    }

    @Test("In a bare repository, a .backportconfig committed as a symlink is not read")
    func committedSymlink() throws {
        let f = try baseFixture()
        try FileManager.default.createSymbolicLink(atPath: f.path + "/.backportconfig", withDestinationPath: "/etc/passwd")
        try f.commit("a link named .backportconfig")
        let bare = try Fixture(initialize: false)
        try bare.git("clone", "-q", "--bare", f.path, ".")
        let settings = try Settings.load(from: try Repository.discover(startingAt: bare.path))
        #expect(settings.targetPatterns == Settings.defaultTargetPatterns)
    }

    @Test("A syntax error is one line naming the file and line; an unknown key is a warning naming its line")
    func errors() throws {
        let f = try baseFixture()
        try f.write(".backportconfig", "[backport]\n\ttarget = release/*\n\t= broken\n")
        #expect(throws: BackportError.invalidInput("bad config line 3 in file .backportconfig")) {
            try Settings.load(from: try Repository.discover(startingAt: f.path))
        }
        try f.write(".backportconfig", "[backport]\n\ttarget = release/*\n\ttargte = typo\n")
        let settings = try Settings.load(from: try Repository.discover(startingAt: f.path))
        #expect(settings.warnings == [".backportconfig line 3: unknown key backport.targte, ignored"])
        #expect(settings.targetPatterns == ["release/*"])
    }
}

@Suite("Odd commit messages and commits never stop a plan")
struct OddCommitTests {
    @Test("Empty, 1 MiB, non-UTF-8 messages; empty, duplicated and enormous trailers; a root commit as a candidate")
    func oddMessages() throws {
        let f = try baseFixture()
        let root = try f.git("rev-list", "--max-parents=0", "HEAD")
        func commit(_ message: [UInt8], edit line: Int) throws {
            try f.edit("a.txt", line: line, to: "edit \(line)")
            try f.git("add", "-A")
            let file = f.path + "/../message-\(line)"
            try Data(message).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            try f.git("commit", "-q", "--allow-empty-message", "--cleanup=verbatim", "-F", file)
        }
        try commit([], edit: 2)
        try commit(Array(("huge\n\n" + String(repeating: "x", count: 1 << 20) + "\n\nBackport-To: 1.0\n").utf8), edit: 6)
        try commit(Array("caf".utf8) + [0xE9] + Array(" \u{1}fix\n\nBackport-To: 1.0\n".utf8), edit: 10)
        try commit(Array("dup\n\nBackport-To: 1.0\nBackport-To: 1.0\nCc:\nFixes:\n".utf8), edit: 14)
        try commit(Array(("enormous\n\nBackport-To: " + String(repeating: "1.0 ", count: 50_000) + "\n").utf8), edit: 18)
        let p = try plan(f)
        #expect(p.candidates.count == 4)
        #expect(p.results.allSatisfy { $0.outcome == .clean })
        #expect(p.candidate("dup")?.warnings.contains { $0.contains("Fixes:") } == true)
        // A root commit, named on the command line: picked against an empty tree.
        let rooted = try plan(f) { $0.commits = [root]; $0.onto = ["release/1.0"] }
        #expect(rooted.results.map(\.outcome) == [.alreadyApplied])
    }
}
