import Foundation
import Testing
import TestSupport

/// A repository with a release branch and three fixes on main: two that pick cleanly onto
/// `release/1.0` and one that conflicts there (the release changed the same line).
func applyFixture(changelog: Bool = false) throws -> Fixture {
    let f = try Fixture()
    try f.write("a.txt", Fixture.lines("a", 40))
    try f.write("b.txt", Fixture.lines("b", 40))
    if changelog { try f.write("CHANGELOG.md", "# Changes\n\n- first release\n") }
    try f.commit("initial")
    try f.git("branch", "release/1.0")
    try f.git("checkout", "-q", "release/1.0")
    try f.edit("a.txt", line: 30, to: "release 1.0 wording")
    if changelog { try f.write("CHANGELOG.md", "# Changes\n\n- 1.0.1: release fix\n- first release\n") }
    try f.commit("release-only change")
    try f.git("checkout", "-q", "main")
    try f.edit("a.txt", line: 5, to: "fixed five")
    try f.commit("fix five\n\nA longer explanation.\n\nBackport-To: 1.0")
    try f.edit("b.txt", line: 10, to: "fixed ten")
    if changelog { try f.write("CHANGELOG.md", "# Changes\n\n- fix ten\n- first release\n") }
    try f.commit("fix ten\n\nBackport-To: 1.0\nSigned-off-by: Test Author <author@example.org>")
    try f.edit("a.txt", line: 30, to: "main wording")
    try f.commit("fix thirty\n\nBackport-To: 1.0")
    return f
}

/// `git backport apply` in the fixture, with a fixed committer date.
func apply(_ arguments: [String], in f: Fixture, environment: [String: String] = [:]) throws -> ProcessOutput {
    try backport(["apply"] + arguments, in: f.path, environment: ["GIT_COMMITTER_DATE": "1800000000 +0100"].merging(environment) { $1 })
}

/// A clone of the fixture where git itself picks, to compare with what apply wrote.
func throwawayClone(of f: Fixture, _ options: String...) throws -> Fixture {
    let clone = try Fixture(initialize: false)
    let output = try run("/usr/bin/git", ["clone", "-q"] + options + [f.path, clone.path], in: f.path)
    try #require(output.status == 0, "git clone: \(output.stderr)")
    return clone
}

/// Everything about a repository apply must not touch unless asked: refs, HEAD, index, status.
func repositoryState(_ f: Fixture) throws -> String {
    try [f.git("show-ref"), f.git("symbolic-ref", "HEAD"), f.git("status", "--porcelain"),
         f.git("ls-files", "--stage")].joined(separator: "\n--\n")
}

@Suite("git backport apply")
struct ApplyTests {
    @Test("Clean picks become commits on backport/<target>: trees and messages as git cherry-pick -x makes them, authors and dates kept")
    func matchesCherryPick() throws {
        let f = try applyFixture()
        let before = try f.git("rev-parse", "main", "release/1.0", "HEAD")
        let status = try f.git("status", "--porcelain")
        let output = try apply(["--onto", "release/1.0"], in: f)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("backport/release/1.0 created with 2 commits"), "\(output.stdout)")
        #expect(output.stdout.contains("left out"))
        // Nothing else moved; the checkout is as it was.
        #expect(try f.git("rev-parse", "main", "release/1.0", "HEAD") == before)
        #expect(try f.git("status", "--porcelain") == status)

        // What git does in a throwaway clone.
        let clone = try throwawayClone(of: f)
        try clone.git("checkout", "-q", "-b", "pick", "origin/release/1.0")
        for subject in ["fix five", "fix ten"] {
            let id = try f.git("log", "--format=%H", "--grep=^\(subject)$", "main")
            try clone.git("cherry-pick", "-x", id)
        }
        #expect(try clone.git("rev-parse", "HEAD^{tree}") == f.git("rev-parse", "backport/release/1.0^{tree}"))
        for i in 0..<2 {
            let ours = try f.git("cat-file", "commit", "backport/release/1.0~\(i)")
            let theirs = try clone.git("cat-file", "commit", "HEAD~\(i)")
            // The message, and the author line (name, address, date), are git's exactly.
            #expect(ours.components(separatedBy: "\n\n").dropFirst() == theirs.components(separatedBy: "\n\n").dropFirst())
            #expect(ours.split(separator: "\n").first { $0.hasPrefix("author ") } == theirs.split(separator: "\n").first { $0.hasPrefix("author ") })
            #expect(ours.contains("\ncommitter Test Committer <committer@example.org> 1800000000 +0100"))
        }
        #expect(try f.git("log", "-1", "--format=%B", "backport/release/1.0").contains("(cherry picked from commit "))
        // The reflog names the tool.
        #expect(try f.git("reflog", "show", "--format=%gs", "backport/release/1.0") == "backport: apply 2 picks onto release/1.0")
    }

    @Test("A second run writes nothing; a run after a new fix extends the branch; the next plan finds the picks applied")
    func idempotent() throws {
        let f = try applyFixture()
        #expect(try apply(["--onto", "1.0"], in: f).status == 0)
        let head = try f.git("rev-parse", "backport/release/1.0")
        let objects = try f.objectFiles()
        let again = try apply(["--onto", "1.0"], in: f)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already has every pick there is: nothing written"), "\(again.stdout)")
        #expect(try f.git("rev-parse", "backport/release/1.0") == head)
        #expect(try f.objectFiles() == objects)

        try f.edit("b.txt", line: 20, to: "fixed twenty")
        try f.commit("fix twenty\n\nBackport-To: 1.0")
        let more = try apply(["--onto", "1.0"], in: f)
        #expect(more.stdout.contains("updated: 1 commit added"), "\(more.stdout)")
        #expect(try f.git("rev-parse", "backport/release/1.0~1") == head)

        // Merged into the release branch, the picks are already-applied for plan.
        try f.git("branch", "-f", "release/1.0", "backport/release/1.0")
        let plan = try backport(["plan", "--onto", "1.0", "--format", "json"], in: f.path)
        let report = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as! [String: Any]
        let outcomes = (report["results"] as! [[String: Any]]).map { $0["outcome"] as! String }
        #expect(outcomes.filter { $0 == "already-applied" }.count == 3, "\(outcomes)")
    }

    @Test("--dry-run writes no object and no ref")
    func dryRun() throws {
        let f = try applyFixture()
        let objects = try f.objectFiles()
        let state = try repositoryState(f)
        let output = try apply(["--onto", "1.0", "--dry-run"], in: f)
        #expect(output.status == 0)
        #expect(output.stdout.contains("would be created with 2 commits"), "\(output.stdout)")
        #expect(try f.objectFiles() == objects)
        #expect(try repositoryState(f) == state)
    }

    @Test("A diverged branch is refused without --force and replaced with it")
    func diverged() throws {
        let f = try applyFixture()
        try f.git("branch", "backport/release/1.0", "release/1.0")
        try f.git("checkout", "-q", "backport/release/1.0")
        try f.write("c.txt", "someone else's work\n")
        try f.commit("someone else's commit")
        try f.git("checkout", "-q", "release/1.0")
        try f.write("d.txt", "moved on\n")
        try f.commit("release moved on")
        try f.git("checkout", "-q", "main")
        let old = try f.git("rev-parse", "backport/release/1.0")
        let refused = try apply(["--onto", "1.0", "--exit-code"], in: f)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("--force replaces it"), "\(refused.stdout)")
        #expect(try f.git("rev-parse", "backport/release/1.0") == old)
        let forced = try apply(["--onto", "1.0", "--force"], in: f)
        #expect(forced.status == 0)
        #expect(try f.git("rev-parse", "backport/release/1.0~2") == f.git("rev-parse", "release/1.0"))
    }

    @Test("A release branch moves only with --update-target")
    func releaseBranchNeverMoved() throws {
        let f = try applyFixture()
        let release = try f.git("rev-parse", "release/1.0")
        let named = try apply(["--onto", "1.0", "--branch", "{target}"], in: f)
        #expect(named.status == 128)
        #expect(named.stderr.contains("never moves one unless asked with --update-target"), "\(named.stderr)")
        #expect(try f.git("rev-parse", "release/1.0") == release)
        let moved = try apply(["--onto", "1.0", "--update-target"], in: f)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try f.git("rev-parse", "release/1.0~2") == release)
        #expect(try f.git("branch", "--list", "backport/*") == "")
    }

    @Test("Cilium style: [ upstream commit ] after the title, Signed-off-by, pr/v<version>-backport-<date>, the body's title")
    func ciliumStyle() throws {
        let f = try applyFixture()
        try f.git("remote", "add", "origin", "https://github.com/example/widget.git")
        let output = try apply(["--onto", "1.0", "--style", "cilium", "--format", "markdown"], in: f, environment: ["TZ": "UTC"])
        #expect(output.status == 0, "\(output.stderr)")
        let branch = try f.git("branch", "--list", "pr/*", "--format=%(refname:short)")
        #expect(branch.hasPrefix("pr/v1.0-backport-20"), "\(branch)")
        let upstream = try f.git("log", "--format=%H", "--grep=^fix five$", "main")
        #expect(try f.git("cat-file", "commit", branch + "~1").components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
            == "fix five\n\n[ upstream commit \(upstream) ]\n\nA longer explanation.\n\nBackport-To: 1.0\nSigned-off-by: Test Committer <committer@example.org>")
        // A sign-off that is not the committer's stays, the committer's follows it.
        let ten = try f.git("cat-file", "commit", branch)
        #expect(ten.hasSuffix("Backport-To: 1.0\nSigned-off-by: Test Author <author@example.org>\nSigned-off-by: Test Committer <committer@example.org>"), "\(ten)")
        // Fixture.git trims the output's last newline.
        #expect(output.stdout.hasPrefix("<!-- git-backport apply: \(branch) -->\nv1.0 backports "), "\(output.stdout)")
        #expect(output.stdout.contains("(https://github.com/example/widget/commit/\(upstream))"))
        #expect(output.stdout.contains("git backport resolve"))
    }

    @Test("--on-conflict commit leaves the markers exactly as git cherry-pick does, and says so loudly")
    func conflictCommitted() throws {
        let f = try applyFixture()
        let output = try apply(["--onto", "1.0", "--on-conflict", "commit"], in: f)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("WITH CONFLICT MARKERS"))
        let message = try f.git("log", "-1", "--format=%B", "backport/release/1.0")
        #expect(message.hasPrefix("[CONFLICTS] fix thirty\n\nCONFLICTS TO RESOLVE"), "\(message)")
        #expect(message.contains("\ta.txt\n"))

        let clone = try throwawayClone(of: f)
        try clone.git("checkout", "-q", "origin/backport/release/1.0~1")
        let id = try f.git("log", "--format=%H", "--grep=^fix thirty$", "main")
        try clone.git(["cherry-pick", "--no-commit", id], allowFailure: true)
        try clone.git("add", "-A")
        #expect(try clone.git("write-tree") == f.git("rev-parse", "backport/release/1.0^{tree}"))
        #expect(try f.git("show", "backport/release/1.0:a.txt").contains("<<<<<<< HEAD"))
        #expect(try f.git("worktree", "list").split(separator: "\n").count == 1)
    }

    @Test("--on-conflict stop ends the stack at the first pick that is not clean")
    func conflictStops() throws {
        let f = try applyFixture()
        try f.edit("b.txt", line: 30, to: "after the conflict")
        try f.commit("fix b thirty\n\nBackport-To: 1.0")
        let output = try apply(["--onto", "1.0", "--on-conflict", "stop", "--format", "json"], in: f)
        let report = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as! [String: Any]
        let picks = ((report["targets"] as! [[String: Any]])[0]["picks"] as! [[String: Any]])
        #expect(picks.map { $0["applied"] as! Bool } == [true, true, false, false])
        #expect(picks[3]["notTried"] as? Bool == true)
        #expect(try f.git("rev-list", "--count", "release/1.0..backport/release/1.0") == "2")
    }

    @Test("Works in a bare repository")
    func bare() throws {
        let f = try applyFixture()
        let bare = try throwawayClone(of: f, "--mirror")
        let output = try apply(["--onto", "1.0"], in: bare)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(try bare.git("rev-list", "--count", "release/1.0..backport/release/1.0") == "2")
        #expect(try apply(["--onto", "1.0"], in: f).status == 0)
        #expect(try bare.git("rev-parse", "backport/release/1.0^{tree}") == f.git("rev-parse", "backport/release/1.0^{tree}"))
    }

    @Test("backport.union settles a changelog conflict by keeping both sides, in plan and apply")
    func unionChangelog() throws {
        let f = try applyFixture(changelog: true)
        let before = try backport(["plan", "--onto", "1.0", "--format", "json"], in: f.path)
        #expect(before.stdout.contains("CHANGELOG.md"))
        try f.git("config", "backport.union", "CHANGELOG.md")
        let output = try apply(["--onto", "1.0"], in: f)
        #expect(output.status == 0)
        let changelog = try f.git("show", "backport/release/1.0:CHANGELOG.md")
        #expect(changelog == "# Changes\n\n- 1.0.1: release fix\n- fix ten\n- first release", "\(changelog)")
    }

    @Test("Bad input: no identity, a bad template, a bad style, a bad --on-conflict")
    func badInput() throws {
        let f = try applyFixture()
        let noIdentity = try apply(["--onto", "1.0"], in: f, environment: ["GIT_COMMITTER_NAME": "", "GIT_COMMITTER_EMAIL": ""])
        #expect(noIdentity.status == 128)
        #expect(noIdentity.stderr.hasPrefix("fatal: who commits is unknown"), "\(noIdentity.stderr)")
        let template = try apply(["--onto", "1.0", "--branch", "backport/{nope}"], in: f)
        #expect(template.status == 128)
        #expect(template.stderr.contains("unknown field {nope}"))
        let invalid = try apply(["--onto", "1.0", "--branch", "bad..name/{target}"], in: f)
        #expect(invalid.status == 128)
        #expect(invalid.stderr.contains("not a valid branch name"))
        #expect(try apply(["--style", "fancy"], in: f).status == 64)
        #expect(try apply(["--on-conflict", "maybe"], in: f).status == 64)
        #expect(try f.git("branch", "--list", "backport/*") == "")
    }

    @Test("Messages of every shape get the marker and the sign-off exactly where git cherry-pick -x -s puts them")
    func messagesAsGit() throws {
        let f = try Fixture()
        let messages = [
            "only a subject", "subject\n\nbody text", "subject\n\nKey: value",
            "subject\n\nbody\n\nSigned-off-by: Test Committer <committer@example.org>",
            "subject\n\nbody\nSigned-off-by: Someone <s@example.org>",
            "subject\n\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)",
            "subject\n\nnot: a trailer block\nbecause of this line", "subject\n\nbody\n---\nafter a divider\nKey: v",
            "subject\n\n\n\nbody after blank lines\n\n", "subject with no newline at all",
        ]
        for i in messages.indices { try f.write("f\(i).txt", "old\n") }
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        for (i, message) in messages.enumerated() {
            try f.write("f\(i).txt", "new\n")
            try f.git("add", "-A")
            try f.git("commit", "-q", "--cleanup=verbatim", "-m", message)
        }
        let ids = try f.git("rev-list", "--reverse", "release/1.0..main").split(separator: "\n").map(String.init)
        let output = try apply(["--onto", "1.0", "--signoff"] + ids, in: f)
        #expect(output.status == 0, "\(output.stderr)")
        let clone = try throwawayClone(of: f)
        try clone.git("checkout", "-q", "-b", "pick", "origin/release/1.0")
        for id in ids { try clone.git("cherry-pick", "-x", "-s", "--allow-empty-message", id) }
        for i in ids.indices {
            let ours = try f.git("cat-file", "commit", "backport/release/1.0~\(i)")
            let theirs = try clone.git("cat-file", "commit", "HEAD~\(i)")
            #expect(ours.components(separatedBy: "\n\n").dropFirst() == theirs.components(separatedBy: "\n\n").dropFirst(),
                    "\(ours)\n-- git --\n\(theirs)")
        }
    }

    /// main with pull request #12 merged (two commits), #13 squashed, and #14 merged whose
    /// second commit conflicts on `release/1.0`.
    func pullRequests() throws -> Fixture {
        let f = try applyFixture()
        try f.git("checkout", "-q", "-b", "dev/fix", "main~3")
        try f.edit("b.txt", line: 2, to: "pr twelve one")
        try f.commit("frob: first step\n\nBackport-To: 1.0")
        try f.edit("b.txt", line: 4, to: "pr twelve two")
        try f.commit("frob: second step")
        try f.git("checkout", "-q", "main")
        try f.git("merge", "-q", "--no-ff", "dev/fix", "-m", "Merge pull request #12 from dev/fix\n\nFix the frobnicator")
        try f.edit("b.txt", line: 36, to: "squashed")
        try f.commit("Fix the widget (#13)\n\nBackport-To: 1.0")
        try f.git("checkout", "-q", "-b", "dev/other", "main")
        try f.edit("a.txt", line: 12, to: "pr fourteen one")
        try f.commit("other: clean part\n\nBackport-To: 1.0")
        try f.edit("a.txt", line: 30, to: "pr fourteen conflicting")
        try f.commit("other: conflicting part")
        try f.git("checkout", "-q", "main")
        try f.git("merge", "-q", "--no-ff", "dev/other", "-m", "Merge pull request #14 from dev/other\n\nThe other fix")
        return f
    }

    @Test("Pull requests as units: a merged one and a squashed one, clean only when all their commits are; trees as git cherry-pick -m 1 and of the commits")
    func units() throws {
        let f = try pullRequests()
        let plan = try backport(["plan", "--onto", "1.0", "--units", "prs", "--format", "json"], in: f.path)
        let report = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as! [String: Any]
        let units = report["units"] as! [[String: Any]]
        #expect(units.compactMap { $0["number"] as? Int } == [12, 13, 14], "\(units)")
        #expect(units.map { $0["title"] as! String }.contains("Fix the frobnicator"))
        #expect((units.first { $0["number"] as? Int == 12 }!["commits"] as! [String]).count == 2)
        let text = try backport(["plan", "--onto", "1.0", "--units", "prs"], in: f.path)
        #expect(text.stdout.contains("#12"), "\(text.stdout)")
        #expect(text.stdout.contains("  frob: second step"))

        let output = try apply(["--onto", "1.0", "--units", "prs"], in: f)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("left out with its pull request #14, which is conflicted"), "\(output.stdout)")
        let subjects = try f.git("log", "--format=%s", "release/1.0..backport/release/1.0").split(separator: "\n").map(String.init)
        #expect(subjects == ["Fix the widget (#13)", "frob: second step", "frob: first step", "fix ten", "fix five"], "\(subjects)")
        let body = try apply(["--onto", "1.0", "--units", "prs", "--format", "markdown"], in: f).stdout
        #expect(body.contains(" * #12 -- Fix the frobnicator\n   - `"), "\(body)")
        #expect(body.contains(" -- Fix the widget (#13)\n") && !body.contains("#13 -- "), "\(body)")

        // git: the merge picked as one commit, and its commits picked one by one, give this tree.
        let clone = try throwawayClone(of: f)
        let five = try f.git("log", "--format=%H", "--grep=^fix five$", "main")
        let ten = try f.git("log", "--format=%H", "--grep=^fix ten$", "main")
        let merge = try f.git("log", "--format=%H", "--grep=^Merge pull request #12", "main")
        let squash = try f.git("log", "--format=%H", "--grep=(#13)$", "main")
        try clone.git("checkout", "-q", "-b", "one", "origin/release/1.0")
        try clone.git("cherry-pick", five, ten)
        try clone.git("cherry-pick", "-m", "1", merge)
        try clone.git("cherry-pick", squash)
        #expect(try clone.git("rev-parse", "HEAD^{tree}") == f.git("rev-parse", "backport/release/1.0^{tree}"))
        try clone.git("checkout", "-q", "-b", "each", "origin/release/1.0")
        try clone.git("cherry-pick", five, ten)
        try clone.git("cherry-pick", "\(merge)^1..\(merge)^2")
        try clone.git("cherry-pick", squash)
        #expect(try clone.git("rev-parse", "HEAD^{tree}") == f.git("rev-parse", "backport/release/1.0^{tree}"))
    }

    @Test("Labels from a GitHub pull_request event choose the pull request and its targets; outputs for the workflow")
    func labelsFromEvent() throws {
        let f = try pullRequests()
        let merge = try f.git("log", "--format=%H", "--grep=^Merge pull request #12", "main")
        // The shape GitHub sends for `on: pull_request: types: [closed]` (trimmed).
        let event = """
            {"action": "closed", "number": 12,
             "pull_request": {"number": 12, "state": "closed", "merged": true, "title": "Fix the frobnicator",
               "merge_commit_sha": "\(merge)", "base": {"ref": "main"}, "head": {"ref": "dev/fix"},
               "labels": [{"id": 1, "name": "kind/bug", "color": "d73a4a"}, {"id": 2, "name": "needs-backport/1.0", "color": "ededed"}]},
             "repository": {"full_name": "example/widget"}}
            """
        let path = f.path + "/../event-\(UUID().uuidString).json"
        try Data(event.utf8).write(to: URL(fileURLWithPath: path))
        let outputs = f.path + "/../outputs-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: outputs, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path); try? FileManager.default.removeItem(atPath: outputs) }
        let output = try apply([], in: f, environment: [
            "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": path, "GITHUB_OUTPUT": outputs,
        ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(try f.git("log", "--format=%s", "release/1.0..backport/release/1.0") == "frob: second step\nfrob: first step")
        let written = try String(contentsOfFile: outputs, encoding: .utf8)
        #expect(written.contains("branches=backport/release/1.0\n"), "\(written)")
        #expect(written.contains("was_successful=true\n"))

        // A list from any forge; a label naming a branch; one naming nothing is no candidate.
        let other = try f.git("log", "--format=%H", "--grep=^Merge pull request #14", "main")
        let list = """
            [{"number": 14, "mergeCommit": "\(other)", "labels": ["backport release/1.0"]},
             {"number": 99, "mergeCommit": "\(merge)", "labels": ["documentation"]}]
            """
        try Data(list.utf8).write(to: URL(fileURLWithPath: path))
        let plan = try backport(["plan", "--labels-from", path, "--format", "json"], in: f.path)
        let report = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as! [String: Any]
        #expect((report["units"] as! [[String: Any]]).map { $0["number"] as! Int } == [14], "\(plan.stdout)")
        #expect((report["candidates"] as! [[String: Any]]).allSatisfy { $0["selectedBy"] as? String == "label" })

        // Not merged: nothing to do, said once.
        try Data(#"{"action": "closed", "pull_request": {"number": 5, "merged": false, "labels": []}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let closed = try backport(["plan", "--labels-from", path], in: f.path)
        #expect(closed.status == 0)
        #expect(closed.stderr.contains("pull request #5 is not merged"), "\(closed.stderr)")
    }

    @Test("--per-unit: a branch per pull request and target, each picked alone; a re-run writes nothing")
    func perUnit() throws {
        let f = try pullRequests()
        let output = try apply(["--onto", "1.0", "--units", "prs", "--per-unit"], in: f)
        #expect(output.status == 0, "\(output.stderr)")
        let branches = try f.git("branch", "--list", "backport/*", "--format=%(refname:short)").split(separator: "\n").map(String.init)
        #expect(branches.contains("backport/release/1.0/12") && branches.contains("backport/release/1.0/13"), "\(branches)")
        #expect(!branches.contains("backport/release/1.0/14"))
        // Each alone on the target's tip.
        #expect(try f.git("log", "--format=%s", "release/1.0..backport/release/1.0/12") == "frob: second step\nfrob: first step")
        #expect(try f.git("rev-parse", "backport/release/1.0/13~1") == f.git("rev-parse", "release/1.0"))
        let refs = try f.git("show-ref")
        let again = try apply(["--onto", "1.0", "--units", "prs", "--per-unit"], in: f)
        #expect(again.status == 0)
        #expect(try f.git("show-ref") == refs)
        #expect(try apply(["--per-unit", "--branch", "backport/{target}"], in: f).stderr.contains("names no unit"))
    }

    @Test("--on-conflict resolve hands the conflicted pick over in a worktree on the branch; continue records it and the next picks")
    func resolveHandOver() throws {
        let f = try applyFixture()
        try f.edit("b.txt", line: 30, to: "after the conflict")
        try f.commit("fix b thirty\n\nBackport-To: 1.0")
        let output = try apply(["--onto", "1.0", "--on-conflict", "resolve"], in: f)
        #expect(output.status == 0, "\(output.stderr)")
        let worktree = try #require(output.stdout.components(separatedBy: "waits for you in ").dropFirst().first?.components(separatedBy: ":").first)
        defer { try? FileManager.default.removeItem(atPath: worktree) }
        #expect(try f.git("rev-list", "--count", "release/1.0..backport/release/1.0") == "2")
        #expect(try String(contentsOfFile: worktree + "/a.txt", encoding: .utf8).contains("<<<<<<<"))
        try Data(Fixture.lines("a", 40).replacingOccurrences(of: "a line 5\n", with: "fixed five\n")
            .replacingOccurrences(of: "a line 30\n", with: "main wording\n").utf8).write(to: URL(fileURLWithPath: worktree + "/a.txt"))
        _ = try run("/usr/bin/git", ["add", "a.txt"], in: worktree)
        let next = try backport(["continue"], in: worktree)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try f.git("log", "--format=%s", "release/1.0..backport/release/1.0") == "fix b thirty\nfix thirty\nfix ten\nfix five")
        // abort would leave the branch apply made: it is not the resolution's own.
    }

    @Test("A repository apply cannot write to is one clear error before any work, and --dry-run still works there")
    func readOnly() throws {
        let f = try applyFixture()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        // As root permissions stop nothing: run as nobody on a repository nobody may read but not write.
        _ = try run("/bin/chmod", ["-R", "a+rX,a-w", f.path], in: f.path)
        defer { _ = try? run("/bin/chmod", ["-R", "u+w", f.path], in: "/") }
        let refs = try f.git("show-ref")
        let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", binary, "apply", "--onto", "1.0"]
        let environment = ["HOME": "/nonexistent", "GIT_CONFIG_GLOBAL": "/dev/null",
                           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory", "GIT_CONFIG_VALUE_0": "*"]
        let output = try run("/usr/bin/setpriv", asNobody, in: f.path, environment: environment)
        #expect(output.status == 128, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.hasPrefix("fatal: cannot write to ") && output.stderr.contains("--dry-run writes nothing"), "\(output.stderr)")
        let dry = try run("/usr/bin/setpriv", asNobody + ["--dry-run"], in: f.path, environment: environment)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would be created with 2 commits"))
        #expect(try f.git("show-ref") == refs)
    }

    @Test("Ctrl-C at any moment of apply: the branch is absent or complete, no lock or temporary file is left, the repository is sound")
    func interrupted() throws {
        let f = try Fixture()
        for i in 1...30 { try f.write("f\(i).txt", Fixture.lines("f\(i)", 20)) }
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        for i in 1...30 {
            try f.edit("f\(i).txt", line: 3, to: "fixed \(i)")
            try f.commit("fix \(i)\n\nBackport-To: 1.0")
        }
        var complete: String?
        for attempt in 0..<12 {
            try? f.git("branch", "-D", "backport/release/1.0")
            // Started as a shell does: a `Process` child has SIGINT and SIGTERM blocked (see
            // ShellChild), so without the handlers it would not be stopped at all.
            let child = try ShellChild(["apply", "--onto", "1.0"], in: f.path, environment: ["GIT_COMMITTER_DATE": "1800000000 +0000"])
            usleep(useconds_t(attempt * 15_000))
            kill(child.pid, attempt % 2 == 0 ? SIGINT : SIGTERM)
            try #require(child.waitUntilExit() != nil)
            let leftovers = FileManager.default.enumerator(atPath: f.path + "/.git")!.compactMap { $0 as? String }
                .filter { $0.hasSuffix(".lock") || $0.contains("tmp_obj") || $0.contains("tmp_object") }
            #expect(leftovers.isEmpty, "\(leftovers)")
            #expect((try? f.git("fsck", "--no-dangling")) != nil)
            if let head = try? f.git("rev-parse", "--verify", "-q", "backport/release/1.0") {
                // Complete: the same commits every time (fixed dates), all 30.
                #expect(try f.git("rev-list", "--count", "release/1.0..backport/release/1.0") == "30")
                if let complete { #expect(head == complete) } else { complete = head }
            }
        }
    }

    @Test("Ctrl-C or SIGTERM while apply moves a branch (held there every time) waits for the move: the branch is complete, no lock is left",
          arguments: [SIGINT, SIGTERM])
    func interruptedMovingBranch(signalNumber: Int32) throws {
        let f = try applyFixture()
        // libgit2 moves a branch by creating `<ref>.lock`, appending to the branch's reflog,
        // then renaming the lock into place. With a FIFO as the reflog, opening it blocks
        // until someone reads: the process waits inside the critical section, lock file
        // made, until the signal has been sent. Without `Interruption` the signal ends it
        // there and the lock stays (git then refuses every update of the branch).
        let reflog = f.path + "/.git/logs/refs/heads/backport/release/1.0"
        try FileManager.default.createDirectory(atPath: (reflog as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try #require(mkfifo(reflog, 0o644) == 0)
        let child = try ShellChild(["apply", "--onto", "1.0"], in: f.path, environment: ["GIT_COMMITTER_DATE": "1800000000 +0000"])
        let lock = f.path + "/.git/refs/heads/backport/release/1.0.lock"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: lock), child.isRunning, Date() < deadline { usleep(10_000) }
        try #require(FileManager.default.fileExists(atPath: lock), "apply never reached the branch")
        kill(child.pid, signalNumber)
        // Time for the signal to end a process that does not hold it; then the reflog is
        // opened for reading (without waiting for a writer), and one that held it goes on.
        usleep(300_000)
        let reader = open(reflog, O_RDONLY | O_NONBLOCK)
        defer { if reader >= 0 { close(reader) } }
        let end = try #require(child.waitUntilExit(), "apply did not end")
        #expect(end.exited && end.code == 128 + signalNumber, "\(end)")
        let leftovers = FileManager.default.enumerator(atPath: f.path + "/.git")!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".lock") || $0.contains("tmp_obj") || $0.contains("tmp_object") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        // git fsck reads reflogs: not this one.
        unlink(reflog)
        #expect((try? f.git("fsck", "--no-dangling")) != nil)
        // The signal came after the branch was locked: the move is finished, both picks.
        #expect(try f.git("log", "--format=%s", "release/1.0..backport/release/1.0") == "fix ten\nfix five")
    }

    @Test("A disk that fills while apply writes (a file size limit here) is one fatal line, and no branch moves")
    func diskFull() throws {
        let f = try Fixture()
        // Files too large and too random to compress under the limit once merged.
        var generator = SystemRandomNumberGenerator()
        func noise() -> String { (0..<2000).map { _ in String(UInt64.random(in: 0...UInt64.max, using: &generator), radix: 36) }.joined(separator: "\n") + "\n" }
        try f.write("big.txt", noise())
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.write("big.txt", "release header\n" + (try f.read("big.txt")))
        try f.commit("release change")
        try f.git("checkout", "-q", "main")
        try f.write("big.txt", (try f.read("big.txt")) + "fixed at the end\n")
        try f.commit("fix\n\nBackport-To: 1.0")
        let refs = try f.git("show-ref")
        // SIGXFSZ ignored: a write past the limit fails with EFBIG, as a full disk fails with ENOSPC.
        let command = "trap '' XFSZ; ulimit -f 2; exec \"$0\" apply --onto 1.0"
        let output = try run("/bin/bash", ["-c", command, binary], in: f.path, environment: ["GIT_COMMITTER_DATE": "1800000000 +0000"])
        #expect(output.status == 128, "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.hasPrefix("fatal: cannot write objects into the repository: ") && output.stderr.contains("nothing was written to any branch"),
                "\(output.stderr)")
        #expect(try f.git("show-ref") == refs)
        let locks = FileManager.default.enumerator(atPath: f.path + "/.git")!.compactMap { $0 as? String }.filter { $0.hasSuffix(".lock") }
        #expect(locks.isEmpty)
    }
}
