import Backport
import Foundation
import Git
import Testing
import TestSupport

@Suite("Planning: each outcome from a fixture built in code")
struct PlanTests {
    @Test("A fix that applies is clean, with the tree git cherry-pick makes")
    func clean() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 5, to: "a line 5 fixed")
        let fix = try f.commit("fix a5\n\nBackport-To: 1.0")
        let p = try plan(f)
        let result = try #require(p.result("fix a5", on: "release/1.0"))
        #expect(result.outcome == .clean)
        #expect(result.reasons.first?.code == .applies)
        try f.git("checkout", "-q", "release/1.0")
        try f.git("cherry-pick", fix)
        #expect(result.tree?.hex == (try f.git("rev-parse", "HEAD^{tree}")))
    }

    @Test("Commits without fix trailers are not candidates unless --all")
    func selection() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 5, to: "feature")
        try f.commit("a feature")
        try f.edit("b.txt", line: 5, to: "fixed")
        try f.commit("a fix\n\nCc: stable@vger.kernel.org")
        #expect(try plan(f).candidates.map(\.subject) == ["a fix"])
        let all = try plan(f) { $0.all = true }
        #expect(all.candidates.map(\.subject) == ["a feature", "a fix"])
        #expect(all.candidates.map(\.selectedBy) == [.all, .trailer])
    }

    @Test("Overlapping edits conflict, with each region's marker line")
    func conflicted() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 5, to: "release 5")
        try f.edit("a.txt", line: 15, to: "release 15")
        try f.commit("fix") // on main, to be undone below
        try f.git("reset", "-q", "--hard", "HEAD~1")
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("a.txt", line: 5, to: "release 5")
        try f.edit("a.txt", line: 15, to: "release 15")
        try f.commit("release-only change")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 5, to: "main 5")
        try f.edit("a.txt", line: 15, to: "main 15")
        try f.commit("fix a5 and a15\n\nBackport-To: release/1.0")
        let result = try #require(try plan(f).result("fix a5 and a15", on: "release/1.0"))
        #expect(result.outcome == .conflicted)
        #expect(result.conflicts.count == 1)
        let conflict = try #require(result.conflicts.first)
        #expect(conflict.path == "a.txt")
        #expect(conflict.kind == .content)
        #expect(conflict.regions == [.init(first: 5, last: 9), .init(first: 19, last: 23)])
        #expect(!conflict.binary)
    }

    @Test("Conflict kinds: modify/delete, delete/modify, add/add")
    func kinds() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("a.txt", line: 3, to: "release changed a3")
        try f.git("rm", "-q", "b.txt")
        try f.write("c.txt", "release's c\n")
        try f.commit("release-only changes")
        try f.git("checkout", "-q", "main")
        try f.git("rm", "-q", "a.txt")
        try f.commit("drop a.txt\n\nBackport-To: 1.0")
        try f.edit("b.txt", line: 3, to: "main changed b3")
        try f.commit("fix b3\n\nBackport-To: 1.0")
        try f.write("c.txt", "main's c\n")
        try f.commit("add c\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true }
        #expect(p.result("drop a.txt", on: "release/1.0")?.conflicts.map(\.kind) == [.modifyDelete])
        #expect(p.result("fix b3", on: "release/1.0")?.conflicts.map(\.kind) == [.deleteModify])
        let addAdd = try #require(p.result("add c", on: "release/1.0")?.conflicts.first)
        #expect(addAdd.kind == .addAdd)
        #expect(addAdd.regions?.count == 1)
    }

    @Test("A marker on the target means already applied, in every form")
    func markers() throws {
        let forms = ["(cherry picked from commit %@)", "[ upstream commit %@ ]", "[ Upstream commit %@ ]",
                     "commit %@ upstream.", "Upstream-commit: %@", "Backport-of: %@"]
        for form in forms {
            let f = try baseFixture()
            try f.edit("a.txt", line: 5, to: "fixed on main")
            let fix = try f.commit("fix a5\n\nBackport-To: 1.0")
            try f.git("checkout", "-q", "release/1.0")
            // The backport was adapted by hand: a different change, only the marker ties them.
            try f.edit("a.txt", line: 6, to: "fixed differently on the release")
            let carrier = try f.commit("fix a5 for 1.0\n\n" + form.replacingOccurrences(of: "%@", with: String(fix.prefix(12))))
            let result = try #require(try plan(f).result("fix a5", on: "release/1.0"), "\(form)")
            #expect(result.outcome == .alreadyApplied, "\(form)")
            #expect(result.reasons.first?.code == .marker, "\(form)")
            #expect(result.reasons.first?.commit?.hex == carrier, "\(form)")
        }
    }

    @Test("The same patch on the target (same patch-id) means already applied")
    func patchID() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("b.txt", line: 10, to: "release only")
        try f.commit("release-only change")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 5, to: "fixed")
        let fix = try f.commit("fix a5\n\nBackport-To: 1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.git("cherry-pick", fix)
        let twin = try f.git("rev-parse", "HEAD")
        let result = try #require(try plan(f).result("fix a5", on: "release/1.0"))
        #expect(result.outcome == .alreadyApplied)
        #expect(result.reasons.first?.code == .samePatchID)
        #expect(result.reasons.first?.commit?.hex == twin)
    }

    @Test("A pick that changes nothing means already applied")
    func emptyPick() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("a.txt", line: 5, to: "fixed")
        try f.edit("b.txt", line: 9, to: "and more")
        try f.commit("a bigger change that includes the fix")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 5, to: "fixed")
        try f.commit("fix a5\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("fix a5", on: "release/1.0"))
        #expect(result.outcome == .alreadyApplied)
        #expect(result.reasons.first?.code == .emptyPick)
    }

    @Test("Fixes: a commit the target never had means not affected; one it has means affected")
    func notAffected() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 2, to: "old bug")
        let oldBug = try f.commit("introduce old bug")
        try f.git("branch", "release/1.1")
        try f.edit("a.txt", line: 12, to: "new bug")
        let newBug = try f.commit("introduce new bug")
        try f.git("branch", "release/1.2")
        try f.edit("a.txt", line: 12, to: "new bug fixed")
        try f.commit("fix new bug\n\nFixes: \(newBug.prefix(12)) (\"introduce new bug\")")
        try f.edit("a.txt", line: 2, to: "old bug fixed")
        try f.commit("fix old bug\n\nFixes: \(oldBug.prefix(12)) (\"introduce old bug\")")
        let p = try plan(f)
        #expect(p.outcome("fix new bug", on: "release/1.0") == .notAffected)
        #expect(p.outcome("fix new bug", on: "release/1.1") == .notAffected)
        #expect(p.outcome("fix new bug", on: "release/1.2") == .clean)
        #expect(p.result("fix new bug", on: "release/1.0")?.reasons.first?.code == .fixesNotInTarget)
        #expect(p.outcome("fix old bug", on: "release/1.0") == .notAffected)
        #expect(p.outcome("fix old bug", on: "release/1.1") == .clean)
        #expect(p.result("fix old bug", on: "release/1.1")?.reasons.map(\.code) == [.applies, .fixesInTarget])
        #expect(p.candidate("fix old bug")?.fixes.map(\.hex) == [oldBug])
    }

    @Test("A fix to a fix goes where the first fix was backported (marker or patch-id)")
    func fixOfBackportedFix() throws {
        let f = try baseFixture(releases: ["release/1.0", "release/1.1"])
        try f.edit("a.txt", line: 5, to: "first fix")
        let first = try f.commit("first fix")
        try f.edit("a.txt", line: 5, to: "first fix, corrected")
        try f.commit("correct the first fix\n\nFixes: \(first.prefix(12)) (\"first fix\")")
        try f.git("checkout", "-q", "release/1.0")
        try f.git("cherry-pick", "-x", first)
        try f.git("checkout", "-q", "release/1.1")
        try f.edit("b.txt", line: 1, to: "diverge")
        try f.commit("diverge")
        try f.git("cherry-pick", first)
        try f.git("checkout", "-q", "main")
        try f.git("branch", "release/1.2", "HEAD~2")
        let p = try plan(f)
        #expect(p.outcome("correct the first fix", on: "release/1.0") == .clean)
        #expect(p.outcome("correct the first fix", on: "release/1.1") == .clean)
        #expect(p.outcome("correct the first fix", on: "release/1.2") == .notAffected)
    }

    @Test("A fix to a fix picked earlier in the same plan is affected")
    func fixOfFixInBatch() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 5, to: "first fix")
        let first = try f.commit("first fix\n\nBackport-To: 1.0")
        try f.edit("a.txt", line: 5, to: "first fix, corrected")
        try f.commit("correct the first fix\n\nFixes: \(first.prefix(12))")
        let p = try plan(f)
        #expect(p.outcome("first fix", on: "release/1.0") == .clean)
        #expect(p.outcome("correct the first fix", on: "release/1.0") == .clean)
        let reasons = p.result("correct the first fix", on: "release/1.0")?.reasons.map(\.code) ?? []
        #expect(reasons.contains(.fixesInTarget))
        // It edits the line the first fix edited: alone on the release it would conflict.
        #expect(reasons.contains(.stackedOn))
    }

    @Test("stacked-on names the earlier picks in the order of their paths, the same in every run")
    func stackedOnOrder() throws {
        let f = try baseFixture()
        try f.edit("b.txt", line: 5, to: "b fixed")
        try f.commit("fix b\n\nBackport-To: 1.0")
        try f.edit("a.txt", line: 5, to: "a fixed")
        try f.commit("fix a\n\nBackport-To: 1.0")
        try f.edit("a.txt", line: 5, to: "a fixed again")
        try f.edit("b.txt", line: 5, to: "b fixed again")
        try f.commit("fix both again\n\nBackport-To: 1.0")
        let top = try #require(try plan(f).result("fix both again", on: "release/1.0"))
        let needs = try #require(top.reasons.first { $0.code == .stackedOn })
        // a.txt before b.txt (a set's order changes from one process to the next).
        #expect(needs.message.hasPrefix("clean only on top of"))
        #expect(needs.message.contains("(fix a), "))
        #expect(needs.message.contains("(fix b): on the bare"))
    }

    @Test("Clean picks stack: a fix that needs an earlier fix applies on top of it")
    func stacking() throws {
        let f = try baseFixture()
        try f.write("a.txt", Fixture.lines("a", 20) + "helper()\n")
        let first = try f.commit("add helper\n\nBackport-To: 1.0")
        try f.write("a.txt", Fixture.lines("a", 20) + "helper(checked)\n")
        let second = try f.commit("use helper checked\n\nBackport-To: 1.0")
        let stacked = try plan(f)
        #expect(stacked.stacked)
        #expect(stacked.outcome("add helper", on: "release/1.0") == .clean)
        let top = try #require(stacked.result("use helper checked", on: "release/1.0"))
        #expect(top.outcome == .clean)
        #expect(top.reasons.first?.message == "applies cleanly on top of 1 earlier pick")
        // Which earlier pick it needs: alone on the target it conflicts.
        let needs = try #require(top.reasons.first { $0.code == .stackedOn })
        #expect(needs.commit?.hex == first)
        #expect(stacked.result("add helper", on: "release/1.0")?.reasons.contains { $0.code == .stackedOn } == false)
        let independent = try plan(f) { $0.independent = true }
        // Alone, its merge conflicts (the adaptation signals may call it needs-adaptation).
        #expect(independent.result("use helper checked", on: "release/1.0")?.conflicts.isEmpty == false)
        // The stacked tree is what picking both with git gives.
        try f.git("checkout", "-q", "release/1.0")
        try f.git("cherry-pick", first, second)
        #expect(top.tree?.hex == (try f.git("rev-parse", "HEAD^{tree}")))
    }

    @Test("Merges are skipped unless a mainline parent is given")
    func merges() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "-b", "topic")
        try f.edit("a.txt", line: 5, to: "topic fix")
        try f.commit("topic fix")
        try f.git("checkout", "-q", "main")
        try f.edit("b.txt", line: 5, to: "main moves on")
        try f.commit("main moves on")
        try f.git("merge", "-q", "--no-ff", "topic", "-m", "Merge topic\n\nBackport-To: 1.0")
        let skipped = try #require(try plan(f).result("Merge topic", on: "release/1.0"))
        #expect(skipped.outcome == .skipped)
        #expect(skipped.reasons.first?.code == .mergeCommit)
        #expect(try plan(f) { $0.mainline = 1 }.outcome("Merge topic", on: "release/1.0") == .clean)
    }

    @Test("Backport-To versions and Cc: stable ranges choose the targets")
    func scopes() throws {
        let f = try baseFixture(releases: ["release/1.0", "release/1.1", "release/1.2", "release/1.10"])
        try f.edit("a.txt", line: 1, to: "x")
        try f.commit("only 1.1\n\nBackport-To: 1.1")
        try f.edit("a.txt", line: 3, to: "y")
        try f.commit("1.2 and up\n\nCc: stable@vger.kernel.org # 1.2+")
        try f.edit("a.txt", line: 7, to: "z")
        try f.commit("by branch name\n\nBackport: release/1.0")
        let p = try plan(f)
        #expect(p.targets.map(\.branch) == ["release/1.0", "release/1.1", "release/1.2", "release/1.10"])
        #expect(p.candidate("only 1.1")?.targets == ["release/1.1"])
        #expect(p.candidate("1.2 and up")?.targets == ["release/1.2", "release/1.10"])
        #expect(p.candidate("by branch name")?.targets == ["release/1.0"])
        #expect(p.result("only 1.1", on: "release/1.0") == nil)
    }

    @Test("Unknown and malformed trailers are warnings on the commit")
    func warnings() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 1, to: "x")
        try f.commit("bad fixes\n\nFixes: 0123456789ab (\"no such commit\")")
        try f.edit("a.txt", line: 2, to: "y")
        try f.commit("bad target\n\nBackport-To: 9.9")
        let p = try plan(f)
        #expect(p.candidate("bad fixes")?.warnings == ["Fixes: names 0123456789ab, which is not a commit in this repository"])
        #expect(p.outcome("bad fixes", on: "release/1.0") == .clean)
        #expect(p.candidate("bad target")?.warnings == ["release 9.9 matches no release branch"])
    }

    @Test("A trailer naming a target no branch can have (../../etc, -f) is a warning; no ref is made or read")
    func badTargetNames() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 1, to: "x")
        try f.commit("escaping\n\nBackport-To: ../../etc, -f, 1.0")
        let refsBefore = try f.git("for-each-ref")
        let p = try plan(f)
        #expect(p.candidate("escaping")?.warnings == [
            "trailer 'Backport-To: ../../etc, -f, 1.0': '../../etc' cannot be a branch name (it contains '..'); ignored",
            "trailer 'Backport-To: ../../etc, -f, 1.0': '-f' cannot be a branch name (it begins with '-'); ignored",
        ])
        #expect(p.outcome("escaping", on: "release/1.0") == .clean)
        #expect(try f.git("for-each-ref") == refsBefore)
    }

    @Test("Explicit commits and ranges, from any branch, in the order given")
    func explicitCommits() throws {
        let f = try baseFixture(releases: ["release/1.0", "release/1.1"])
        try f.git("checkout", "-q", "release/1.1")
        try f.edit("a.txt", line: 4, to: "fixed on 1.1 first")
        try f.commit("fix on 1.1")
        try f.git("checkout", "-q", "main")
        try f.edit("b.txt", line: 4, to: "one")
        let one = try f.commit("one")
        try f.edit("b.txt", line: 8, to: "two")
        try f.commit("two")
        let p = try plan(f) { $0.commits = ["release/1.1", "\(one)..main"]; $0.onto = ["release/1.0", "release/1.1"] }
        #expect(p.candidates.map(\.subject) == ["fix on 1.1", "two"])
        #expect(p.candidates.allSatisfy { $0.selectedBy == .argument })
        #expect(p.outcome("fix on 1.1", on: "release/1.0") == .clean)
        #expect(p.outcome("fix on 1.1", on: "release/1.1") == .alreadyApplied)
        #expect(p.result("fix on 1.1", on: "release/1.1")?.reasons.first?.code == .inTargetHistory)
    }

    /// Each target is tried on exactly the commits `git rev-list main ^target` says it
    /// lacks, and every candidate comes after its parents that are candidates too.
    func expectLackingParentsFirst(_ p: Plan, in f: Fixture, targets: [String],
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        for target in targets {
            let lacking = Set(try f.git("rev-list", "main", "^\(target)").split(separator: "\n").map(String.init))
            let rows = p.results.filter { $0.target == target }
            let tried = Set(rows.filter { $0.reasons.first?.code != .inTargetHistory }.map(\.commit.hex))
            #expect(tried == lacking, "\(target)", sourceLocation: sourceLocation)
            // Every other candidate is in the target's history, and its row says so.
            let contained = rows.filter { $0.reasons.first?.code == .inTargetHistory }
            #expect(Set(contained.map(\.commit.hex)) == Set(p.candidates.map(\.commit.hex)).subtracting(lacking), sourceLocation: sourceLocation)
            #expect(contained.allSatisfy { $0.outcome == .alreadyApplied }, sourceLocation: sourceLocation)
        }
        let position = Dictionary(uniqueKeysWithValues: p.candidates.enumerated().map { ($1.commit.hex, $0) })
        for (hex, index) in position {
            for parent in try f.git("rev-parse", "\(hex)^@").split(separator: "\n") {
                if let before = position[String(parent)] { #expect(before < index, sourceLocation: sourceLocation) }
            }
        }
    }

    @Test("Commit dates out of order (a child dated before its parents) change nothing: each target gets what git rev-list says it lacks")
    func skewedDates() throws {
        let f = try baseFixture(releases: [])
        var environment = Fixture.gitEnvironment
        /// Commits with a date far in the past, as a machine with a wrong clock would.
        func commitSkewed(_ message: String) throws {
            environment["GIT_AUTHOR_DATE"] = "1000000000 +0000"
            environment["GIT_COMMITTER_DATE"] = "1000000000 +0000"
            try f.git("add", "-A")
            let done = try run("/usr/bin/git", ["commit", "-q", "-m", message], in: f.path, environment: environment)
            try #require(done.status == 0, "\(done.stderr)")
        }
        try f.edit("a.txt", line: 1, to: "c1")
        try f.commit("c1")
        try f.edit("a.txt", line: 2, to: "c2")
        try commitSkewed("c2, dated 2001")
        try f.git("branch", "release/1.0")
        try f.edit("a.txt", line: 3, to: "c3")
        try f.commit("c3")
        try f.git("checkout", "-q", "-b", "side")
        try f.edit("b.txt", line: 4, to: "s1")
        try commitSkewed("s1, dated 2001")
        try f.edit("b.txt", line: 6, to: "s2")
        try f.commit("s2")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 8, to: "c4")
        try commitSkewed("c4, dated 2001")
        try f.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
        try f.git("branch", "release/1.1", "side")
        try f.edit("a.txt", line: 12, to: "c5")
        try f.commit("c5")
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("b.txt", line: 15, to: "r1")
        try commitSkewed("r1 on 1.0, dated 2001")
        try f.git("checkout", "-q", "main")

        // A release branch last touched in 2001 is dead by default: keep every branch here.
        try f.git("config", "backport.maxAge", "0")
        let p = try plan(f) { $0.all = true; $0.mainline = 1 }
        try expectLackingParentsFirst(p, in: f, targets: ["release/1.0", "release/1.1"])
    }

    @Test("Targets forked from either side of a merge each get exactly what they lack, parents first")
    func forksOnBothSidesOfAMerge() throws {
        // main: initial - m1 - M(m1, s1) - m2, with s1 on a side branch from initial;
        // release/1.0 forks at m1, release/1.1 at s1: neither lacks all the other lacks.
        let f = try baseFixture(releases: [])
        try f.git("branch", "side")
        try f.edit("a.txt", line: 2, to: "m1")
        try f.commit("m1")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "side")
        try f.edit("b.txt", line: 2, to: "s1")
        try f.commit("s1")
        try f.git("branch", "release/1.1")
        try f.git("checkout", "-q", "main")
        try f.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
        try f.edit("a.txt", line: 9, to: "m2")
        try f.commit("m2")
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("b.txt", line: 15, to: "r1")
        try f.commit("r1 on 1.0")
        try f.git("checkout", "-q", "main")

        let p = try plan(f) { $0.all = true }
        try expectLackingParentsFirst(p, in: f, targets: ["release/1.0", "release/1.1"])
        #expect(Set(p.candidates.map(\.subject)) == ["m1", "s1", "merge side", "m2"])
        #expect(p.result("m1", on: "release/1.0")?.reasons.first?.code == .inTargetHistory)
        #expect(p.result("s1", on: "release/1.1")?.reasons.first?.code == .inTargetHistory)
        #expect(p.outcome("merge side", on: "release/1.0") == .skipped)
    }

    @Test("--since limits the candidates")
    func since() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 1, to: "x")
        let early = try f.commit("early fix\n\nBackport-To: 1.0")
        try f.edit("a.txt", line: 9, to: "y")
        try f.commit("late fix\n\nBackport-To: 1.0")
        #expect(try plan(f) { $0.since = early }.candidates.map(\.subject) == ["late fix"])
    }

    @Test("--since a target's tip still reads that target's markers")
    func sinceATarget() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 3, to: "fixed")
        let fix = try f.commit("fix a3\n\nBackport-To: 1.0")
        try f.edit("b.txt", line: 3, to: "other")
        try f.commit("fix b3\n\nBackport-To: 1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.git("cherry-pick", "-x", fix)
        try f.git("checkout", "-q", "main")
        let p = try plan(f) { $0.since = "release/1.0" }
        #expect(p.outcome("fix a3", on: "release/1.0") == .alreadyApplied)
        #expect(p.result("fix a3", on: "release/1.0")?.reasons.first?.code == .marker)
        #expect(p.outcome("fix b3", on: "release/1.0") == .clean)
    }

    @Test("The target's .gitattributes decide the merge driver, not the checkout's")
    func attributesFromTarget() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.write(".gitattributes", "a.txt merge=binary\n")
        try f.edit("a.txt", line: 15, to: "release 15")
        try f.commit("release: a.txt merges as binary")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 5, to: "main 5")
        let fix = try f.commit("fix a5\n\nBackport-To: 1.0")
        // Text merge would be clean; git honours the target's merge=binary and conflicts.
        let result = try #require(try plan(f).result("fix a5", on: "release/1.0"))
        #expect(result.outcome == .conflicted)
        #expect(result.conflicts.first?.binary == true)
        try f.git("checkout", "-q", "release/1.0")
        let git = try f.git(["cherry-pick", "--no-commit", fix], allowFailure: true)
        _ = git
        #expect(try f.git("diff", "--name-only", "--diff-filter=U") == "a.txt")
    }

    @Test("--independent with many candidates on one target: split runs give what one run gives")
    func splitRuns() throws {
        let f = try baseFixture()
        try f.write("c.txt", Fixture.lines("c", 90))
        try f.commit("c")
        try f.git("branch", "-f", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("c.txt", line: 45, to: "release c45")
        try f.commit("release change")
        try f.git("checkout", "-q", "main")
        for line in 1...80 {
            try f.edit("c.txt", line: line, to: "fixed c\(line)")
            try f.commit("fix c\(line)\n\nBackport-To: 1.0")
        }
        let one = try plan(f) { $0.independent = true; $0.jobs = 1 }
        let split = try plan(f) { $0.independent = true; $0.jobs = 4 }
        #expect(one.results.count == 80)
        #expect(one.results.map(\.commit) == split.results.map(\.commit))
        #expect(one.results.map(\.outcome) == split.results.map(\.outcome))
        #expect(one.results.map(\.tree) == split.results.map(\.tree))
        #expect(one.results.map(\.conflicts) == split.results.map(\.conflicts))
        #expect(one.results.contains { $0.outcome == .conflicted } && one.results.contains { $0.outcome == .clean })
    }
}

@Suite("Finding branches")
struct BranchTests {
    @Test("Default patterns find release branches and sort them by version")
    func discovery() throws {
        let f = try baseFixture(releases: ["release/1.10", "release/1.9", "v2.0", "7.2", "stable/3.1", "maint/0.9", "feature/x", "linux-5.10-stable"])
        let repository = try Repository.discover(startingAt: f.path)
        let finder = BranchFinder(repository: repository, settings: Settings())
        let targets = try finder.discoveredTargets(excluding: try finder.source())
        #expect(targets.map(\.name) == ["maint/0.9", "release/1.9", "release/1.10", "v2.0", "stable/3.1", "linux-5.10-stable", "7.2"])
    }

    @Test("Configured patterns and templates replace the defaults")
    func configured() throws {
        let f = try baseFixture(releases: ["openssl-3.0", "openssl-3.1", "release/1.0"])
        try f.git("config", "backport.branchTemplate", "openssl-{version}")
        try f.git("config", "backport.target", "none-*")
        let repository = try Repository.discover(startingAt: f.path)
        let settings = try Settings.load(from: repository)
        #expect(settings.branchTemplates == ["openssl-{version}"])
        let finder = BranchFinder(repository: repository, settings: settings)
        #expect(try finder.discoveredTargets(excluding: try finder.source()).map(\.name) == ["openssl-3.0", "openssl-3.1"])
    }

    @Test("A committed .backportconfig is read, and git config overrides it")
    func committedConfig() throws {
        let f = try baseFixture()
        try f.write(".backportconfig", "[backport]\n\ttrailer = Needs-Backport\n\ttarget = rel-*\n\tsource = main\n")
        try f.commit("configure backports")
        try f.git("config", "backport.target", "release/*")
        let settings = try Settings.load(from: try Repository.discover(startingAt: f.path))
        #expect(settings.backportKeys == Settings.defaultBackportKeys + ["Needs-Backport"])
        #expect(settings.targetPatterns == ["release/*"])
        #expect(settings.source == "main")
    }

    @Test("Unknown branches and remotes are clear errors")
    func unknown() throws {
        let f = try baseFixture()
        #expect(throws: BackportError.unknownBranch("nope", role: "target")) { try plan(f) { $0.onto = ["nope"] } }
        #expect(throws: BackportError.unknownBranch("nope", role: "source")) { try plan(f) { $0.source = "nope" } }
        var settings = Settings()
        settings.remote = "upstream"
        #expect(throws: BackportError.unknownRemote("upstream")) { try plan(f, settings: settings) }
        #expect(throws: BackportError.unknownRevision("nope")) { try plan(f) { $0.commits = ["nope"] } }
    }
}
