import Backport
import Foundation
import Git
import Testing
import TestSupport

/// The adaptation signals (Docs/adaptation.md): each fires on the shape it names, and stays
/// quiet on the look-alikes a maintainer settles in minutes.
@Suite("Adaptation signals: fixes that must be reworked, told from conflicts")
struct AdaptationTests {
    /// A repository with `src/app.c` (a small function among distinct lines) and
    /// `src/util.c` on main, and `release/1.0` cut there.
    static func codeFixture() throws -> Fixture {
        let f = try Fixture()
        try f.write("src/app.c", """
            #include "util.h"
            /* app line 2 */
            int run_step(int value) {
                int total = value;
                total = total + 1;
                return total;
            }
            /* app line 8 */
            /* app line 9 */
            /* app line 10 */

            """)
        try f.write("src/util.c", "int helper_one(int v) { return v; }\n")
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        return f
    }

    static func codes(_ result: PickResult) -> [Reason.Code] { result.reasons.map(\.code) }

    // MARK: missing-file

    @Test("missing-file: the target deleted the file the fix edits")
    func missingFile() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.git("rm", "-q", "b.txt")
        try f.commit("drop b")
        try f.git("checkout", "-q", "main")
        try f.edit("b.txt", line: 4, to: "fixed b 4")
        try f.commit("fix b\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("fix b", on: "release/1.0"))
        #expect(result.outcome == .needsAdaptation)
        let reason = try #require(result.reasons.first { $0.code == .missingFile })
        #expect(reason.message.contains("b.txt"))
        #expect(result.conflicts.map(\.kind) == [.deleteModify])
    }

    @Test("missing-file is not said when the missing file is a small part of the fix (dropped, not reworked)")
    func smallMissingPart() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.git("rm", "-q", "b.txt")
        try f.commit("drop b")
        try f.git("checkout", "-q", "main")
        for line in 1...20 { try f.edit("a.txt", line: line, to: "fixed a \(line)") }
        try f.edit("b.txt", line: 4, to: "fixed b 4")
        try f.commit("fix a and b\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("fix a and b", on: "release/1.0"))
        // 2 of the 42 lines it changes are in b.txt (under 5%).
        #expect(result.outcome == .conflicted)
        #expect(!Self.codes(result).contains(.missingFile))
        #expect(result.conflicts.map(\.kind) == [.deleteModify])
    }

    @Test("missing-file is not said of a file the target renamed: the pick follows it")
    func renamedIsNotMissing() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.git("mv", "b.txt", "c.txt")
        try f.commit("rename b")
        try f.git("checkout", "-q", "main")
        try f.edit("b.txt", line: 4, to: "fixed b 4")
        try f.commit("fix b\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("fix b", on: "release/1.0"))
        #expect(result.outcome == .clean)
        #expect(Self.codes(result).contains(.renamedPath))
        #expect(!Self.codes(result).contains(.missingFile))
    }

    // MARK: restructured

    @Test("restructured: the target rewrote the code the fix edits")
    func restructured() throws {
        let f = try Self.codeFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.write("src/app.c", """
            #include "util.h"
            /* app line 2 */
            long run_step(long input) {
                long sum = input + 1;
                if (sum < 0) sum = 0;
                return sum;
            }
            /* app line 8 */
            /* app line 9 */
            /* app line 10 */

            """)
        try f.commit("rewrite run_step")
        try f.git("checkout", "-q", "main")
        try f.edit("src/app.c", line: 5, to: "    total = total + 2;")
        try f.commit("fix the step\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("fix the step", on: "release/1.0"))
        #expect(result.outcome == .needsAdaptation)
        #expect(result.reasons.first?.code == .conflicts)
        let reason = try #require(result.reasons.first { $0.code == .restructured })
        #expect(reason.message.contains("src/app.c"))
    }

    @Test("restructured does not fire on a one-line conflict on a line both sides changed")
    func oneLineConflict() throws {
        let f = try baseFixture()
        try f.git("config", "backport.signals", "all")
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("a.txt", line: 10, to: "release a 10")
        try f.commit("release edits a10")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 10, to: "main a 10")
        try f.commit("fix a10\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("fix a10", on: "release/1.0"))
        #expect(result.outcome == .conflicted)
        #expect(!Self.codes(result).contains(.restructured))
        #expect(!Self.codes(result).contains(.divergedLines))
        #expect(!Self.codes(result).contains(.prerequisite))
    }

    // MARK: diverged-lines

    /// `a.txt` with lines 10 and 11 changed on `release/1.0` to `release10` and `release11`,
    /// and on main by `fix10` and `fix11`, committed as "fix a10 and a11".
    static func twoLineFixture(release: (Int) -> String, fix: (Int) -> String) throws -> Fixture {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        for line in 10...11 { try f.edit("a.txt", line: line, to: release(line)) }
        try f.commit("release edits a10 and a11")
        try f.git("checkout", "-q", "main")
        for line in 10...11 { try f.edit("a.txt", line: line, to: fix(line)) }
        try f.commit("fix a10 and a11\n\nBackport-To: 1.0")
        return f
    }

    @Test("diverged-lines: the lines the fix rewrites were changed otherwise on the target, and its new lines lack that change")
    func divergedLines() throws {
        let f = try Self.twoLineFixture(release: { "a line \($0) checked" }, fix: { "a line \($0) fixed" })
        let result = try #require(try plan(f).result("fix a10 and a11", on: "release/1.0"))
        #expect(result.outcome == .needsAdaptation)
        #expect(result.reasons.first?.code == .conflicts)
        let reason = try #require(result.reasons.first { $0.code == .divergedLines })
        #expect(reason.message.hasPrefix("2 of the 2 lines the fix adds"))
        #expect(reason.message.contains("a.txt: `a line 10 fixed` where release/1.0 has `a line 10 checked`"))
        // Two lines of the old side missing: not restructured.
        #expect(!Self.codes(result).contains(.restructured))
    }

    @Test("diverged-lines does not fire when the fix's new lines already carry the target's change")
    func divergedLinesCarried() throws {
        // The target added `checked`; the fix's lines have it too (as a fix passes the
        // argument the target also added): a conflict settled by taking the fix's lines.
        let f = try Self.twoLineFixture(release: { "a line \($0) checked" }, fix: { "a line \($0) checked fixed" })
        let result = try #require(try plan(f).result("fix a10 and a11", on: "release/1.0"))
        #expect(result.outcome == .conflicted)
        #expect(!Self.codes(result).contains(.divergedLines))
    }

    @Test("diverged-lines does not fire on lines the fix only inserts among lines the target changed")
    func divergedLinesInserted() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        for line in 10...11 { try f.edit("a.txt", line: line, to: "a line \(line) checked") }
        try f.commit("release edits a10 and a11")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 10, to: "a line 10\nnew step one\nnew step two\nnew step three")
        try f.commit("add steps\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("add steps", on: "release/1.0"))
        #expect(result.outcome == .conflicted)
        #expect(!Self.codes(result).contains(.divergedLines))
    }

    @Test("diverged-lines leaves vendored code out, in the lines it counts as in those it finds rewritten")
    func divergedLinesVendored() throws {
        let f = try Fixture()
        let lines = (1...20).map { "a line \($0)" }.joined(separator: "\n") + "\n"
        try f.write("a.txt", lines)
        try f.write("vendor/example.com/lib/b.txt", lines.replacingOccurrences(of: "a line", with: "b line"))
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        for line in 10...11 {
            try f.edit("a.txt", line: line, to: "a line \(line) checked")
            try f.edit("vendor/example.com/lib/b.txt", line: line, to: "b line \(line) checked")
        }
        try f.commit("release edits lines 10 and 11")
        try f.git("checkout", "-q", "main")
        // Only vendored lines rewritten: a conflict to regenerate, not rework.
        for line in 10...11 { try f.edit("vendor/example.com/lib/b.txt", line: line, to: "b line \(line) fixed") }
        try f.commit("bump lib\n\nBackport-To: 1.0")
        // Two code lines rewritten beside thirty vendored lines added: two of two code lines.
        for line in 10...11 { try f.edit("a.txt", line: line, to: "a line \(line) fixed") }
        try f.edit("vendor/example.com/lib/b.txt", line: 1, to: (0..<31).map { "b line 1 part \($0)" }.joined(separator: "\n"))
        try f.commit("fix a10 and a11, bump lib\n\nBackport-To: 1.0")
        let plan = try plan(f)
        let bump = try #require(plan.result("bump lib", on: "release/1.0"))
        #expect(bump.outcome == .conflicted)
        #expect(!Self.codes(bump).contains(.divergedLines))
        let fix = try #require(plan.result("fix a10 and a11, bump lib", on: "release/1.0"))
        #expect(fix.outcome == .needsAdaptation)
        let reason = try #require(fix.reasons.first { $0.code == .divergedLines })
        #expect(reason.message.hasPrefix("2 of the 2 lines the fix adds"))
    }

    // MARK: missing-symbol

    @Test("missing-symbol: the fix calls a helper main added and the target lacks")
    func missingSymbol() throws {
        let f = try Self.codeFixture()
        try f.write("src/util.c", "int helper_one(int v) { return v; }\nint computeChecksum(int v) { return v * 31; }\n")
        try f.commit("add computeChecksum")
        try f.edit("src/app.c", line: 5, to: "    total = computeChecksum(total) + 1;")
        try f.commit("checksum the total\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("checksum the total", on: "release/1.0"))
        #expect(result.outcome == .needsAdaptation)
        let reason = try #require(result.reasons.first { $0.code == .missingSymbol })
        #expect(reason.message.contains("computeChecksum (src/util.c)"))
        #expect(result.mergedTree != nil)
    }

    /// A repository with `src/<name>.c` for each name (a small function `<name>_step`, its
    /// line 3 free for a fix to call something), and `release/1.0` cut there.
    static func stepFixture(_ names: [String]) throws -> Fixture {
        let f = try Fixture()
        for name in names {
            try f.write("src/\(name).c", "int \(name)_step(int x) {\n    x = x + 1;\n    x = x + 2;\n    return x;\n}\n")
        }
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        return f
    }

    @Test("missing-symbol keeps its answers once a run counts each tree's names: a name an earlier stacked pick brought is there")
    func symbolCountsMoveWithStackedPicks() throws {
        let f = try Self.stepFixture(["a", "b", "c", "d", "e"])
        try f.write("src/util.c", """
            int missingOne(int v) { return v; }
            int missingTwo(int v) { return v; }
            int missingThree(int v) { return v; }

            """)
        try f.commit("helpers")
        // Two picks whose names the target lacks: each search reads its whole tree, and
        // from then on the run counts the names of each tree it picks onto.
        try f.edit("src/a.c", line: 3, to: "    x = missingOne(x);")
        try f.commit("use missingOne\n\nBackport-To: 1.0")
        try f.edit("src/b.c", line: 3, to: "    x = missingTwo(x);")
        try f.commit("use missingTwo\n\nBackport-To: 1.0")
        // A clean pick whose names the target has: the counts are made on the target's tip.
        try f.edit("src/e.c", line: 2, to: "    x = a_step(x) + 1;")
        try f.commit("use a_step\n\nBackport-To: 1.0")
        try f.write("src/extra.c", "int extraHelper(int v) { return v; }\n")
        try f.commit("add extraHelper\n\nBackport-To: 1.0")
        try f.edit("src/c.c", line: 3, to: "    x = extraHelper(x);")
        try f.commit("use extraHelper\n\nBackport-To: 1.0")
        try f.edit("src/d.c", line: 3, to: "    x = missingThree(x);")
        try f.commit("use missingThree\n\nBackport-To: 1.0")
        let plan = try plan(f)
        for subject in ["use missingOne", "use missingTwo", "use missingThree"] {
            let result = try #require(plan.result(subject, on: "release/1.0"))
            #expect(result.outcome == .needsAdaptation, "\(subject)")
            #expect(result.reasons.contains { $0.code == .missingSymbol && $0.message.contains("(src/util.c)") }, "\(subject)")
        }
        #expect(try #require(plan.result("use a_step", on: "release/1.0")).outcome == .clean)
        #expect(try #require(plan.result("add extraHelper", on: "release/1.0")).outcome == .clean)
        // Stacked on the pick that adds it: the target has extraHelper by then.
        let stacked = try #require(plan.result("use extraHelper", on: "release/1.0"))
        #expect(stacked.outcome == .clean)
        #expect(!Self.codes(stacked).contains(.missingSymbol))
    }

    @Test("missing-symbol: a run that starts from counts another target's run made moves them to its own tree")
    func symbolCountsSharedBetweenTargets() throws {
        let f = try Self.stepFixture(["a", "b", "c", "d"])
        try f.write("src/extra.c", "int extraHelper(int v) { return v; }\n")
        try f.commit("add extraHelper")
        try f.git("branch", "release/2.0")
        try f.write("src/util.c", "int missingOne(int v) { return v; }\nint missingTwo(int v) { return v; }\n")
        try f.commit("helpers")
        // On each target two searches read the whole tree; the third question is answered
        // from counts: release/1.0's run makes them, release/2.0's starts from those.
        try f.edit("src/a.c", line: 3, to: "    x = missingOne(x);")
        try f.commit("use missingOne\n\nBackport-To: 1.0, 2.0")
        try f.edit("src/b.c", line: 3, to: "    x = missingTwo(x);")
        try f.commit("use missingTwo\n\nBackport-To: 1.0, 2.0")
        try f.edit("src/c.c", line: 3, to: "    x = extraHelper(x);")
        try f.commit("use extraHelper\n\nBackport-To: 1.0, 2.0")
        // One run after the other, release/1.0 first.
        let plan = try plan(f) { $0.jobs = 1 }
        for target in ["release/1.0", "release/2.0"] {
            #expect(plan.outcome("use missingOne", on: target) == .needsAdaptation, "\(target)")
            #expect(plan.outcome("use missingTwo", on: target) == .needsAdaptation, "\(target)")
        }
        #expect(plan.outcome("use extraHelper", on: "release/1.0") == .needsAdaptation)
        // release/2.0 has extraHelper, which release/1.0's counts lack.
        let onNewer = try #require(plan.result("use extraHelper", on: "release/2.0"))
        #expect(onNewer.outcome == .clean)
        #expect(!Self.codes(onNewer).contains(.missingSymbol))
    }

    @Test("missing-symbol: counts another run made on one of its stacked picks, which only it can read, are not taken")
    func symbolCountsOfAnotherRunsStack() throws {
        let f = try Self.stepFixture(["a", "b", "c"])
        try f.git("checkout", "-q", "-b", "release/2.0")
        try f.write("NOTES", "release 2.0\n")
        try f.commit("release notes")
        try f.git("checkout", "-q", "main")
        try f.write("src/util.c", "int missingOne(int v) { return v; }\nint missingTwo(int v) { return v; }\nint missingThree(int v) { return v; }\n")
        try f.commit("helpers")
        // A clean pick first: each run's tree is then one it made, in its own memory.
        try f.write("src/new.c", "int newStep(int v) { return v; }\n")
        try f.commit("add newStep\n\nBackport-To: 1.0, 2.0")
        // Two whole-tree searches, then counts: release/1.0's run keeps counts of its
        // stacked tree, which release/2.0's run cannot read.
        for (file, name) in [("a", "missingOne"), ("b", "missingTwo"), ("c", "missingThree")] {
            try f.edit("src/\(file).c", line: 3, to: "    x = \(name)(x);")
            try f.commit("use \(name)\n\nBackport-To: 1.0, 2.0")
        }
        let plan = try plan(f) { $0.jobs = 1 }
        for target in ["release/1.0", "release/2.0"] {
            #expect(plan.outcome("add newStep", on: target) == .clean, "\(target)")
            for name in ["missingOne", "missingTwo", "missingThree"] {
                let result = try #require(plan.result("use \(name)", on: target))
                #expect(result.outcome == .needsAdaptation, "\(name) on \(target): \(result.reasons.map(\.message))")
                #expect(result.reasons.contains { $0.code == .missingSymbol && $0.message.contains(name) }, "\(name) on \(target)")
            }
        }
    }

    @Test("missing-symbol does not fire when the target has the name elsewhere")
    func symbolOnTarget() throws {
        let f = try Self.codeFixture()
        try f.edit("src/app.c", line: 5, to: "    total = helper_one(total) + 1;")
        try f.commit("use helper_one\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("use helper_one", on: "release/1.0"))
        #expect(result.outcome == .clean)
    }

    @Test("missing-symbol does not fire on a renamed local variable")
    func renamedLocal() throws {
        let f = try Self.codeFixture()
        try f.edit("src/app.c", line: 4, to: "    int runningTotal = value;")
        try f.edit("src/app.c", line: 5, to: "    runningTotal = runningTotal + 1;")
        try f.edit("src/app.c", line: 6, to: "    return runningTotal;")
        try f.commit("rename total\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("rename total", on: "release/1.0"))
        #expect(result.outcome == .clean)
        #expect(!Self.codes(result).contains(.missingSymbol))
    }

    @Test("missing-symbol does not fire on a helper the fix adds itself")
    func helperAddedByFix() throws {
        let f = try Self.codeFixture()
        try f.edit("src/app.c", line: 2, to: "static int clampValue(int v) { return v > 9 ? 9 : v; }")
        try f.edit("src/app.c", line: 5, to: "    total = clampValue(total) + 1;")
        try f.commit("clamp the total\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("clamp the total", on: "release/1.0"))
        #expect(result.outcome == .clean)
        #expect(!Self.codes(result).contains(.missingSymbol))
    }

    @Test("missing-symbol does not fire on a function the fix defines, though the source has one of that name elsewhere")
    func definedByFixElsewhereOnSource() throws {
        let f = try Self.codeFixture()
        try f.write("src/other.c", "int clampValue(long v) { return (int)v; }\n")
        try f.commit("main adds another clampValue")
        try f.edit("src/app.c", line: 2, to: "static int clampValue(int v) {")
        try f.edit("src/app.c", line: 5, to: "    total = clampValue(total) + 1;")
        try f.commit("clamp the total\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("clamp the total", on: "release/1.0"))
        #expect(result.outcome == .clean)
        #expect(!Self.codes(result).contains(.missingSymbol))
    }

    @Test("missing-symbol does not fire on a local variable the fix declares (Go's :=)")
    func declaredLocal() throws {
        let f = try Self.codeFixture()
        try f.write("vendor/lib/cache.go", "func load() { numErr := 0; _ = numErr }\n")
        try f.write("src/more.go", "func more() { var numErr int; _ = numErr }\n")
        try f.commit("main uses numErr elsewhere")
        try f.edit("src/app.c", line: 4, to: "    numErr, total := parse(value)")
        try f.commit("count errors\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("count errors", on: "release/1.0"))
        #expect(!Self.codes(result).contains(.missingSymbol))
    }

    @Test("missing-symbol does not fire on a name defined in a file the fix also adds")
    func definedInAddedFile() throws {
        let f = try Self.codeFixture()
        // The source mentions the name before the fix (so only the added file can excuse it).
        try f.write("docs/api.md", "Call limitValue(v) to bound a value.\n")
        try f.commit("document limitValue")
        try f.write("src/limits.c", "int limitValue(int v) { return v > 99 ? 99 : v; }\n")
        try f.edit("src/app.c", line: 5, to: "    total = limitValue(total) + 1;")
        try f.commit("limit the total\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("limit the total", on: "release/1.0"))
        #expect(result.outcome == .clean)
        #expect(!Self.codes(result).contains(.missingSymbol))
    }

    @Test("missing-symbol does not read data files: a YAML key the target lacks is no symbol")
    func dataFileKey() throws {
        let f = try Self.codeFixture()
        try f.write("ci/release.yml", "jobs:\n  build:\n    runs-on: ubuntu\n")
        try f.commit("add the release job")
        try f.git("checkout", "-q", "release/1.0")
        try f.write("ci/release.yml", "jobs:\n  build:\n    runs-on: ubuntu\n")
        try f.commit("the release job on 1.0")
        try f.git("checkout", "-q", "main")
        try f.write("other.yml", "make_latest: true\n")
        try f.commit("main uses make_latest elsewhere")
        try f.write("ci/release.yml", "jobs:\n  build:\n    runs-on: ubuntu\n    make_latest: false\n")
        try f.commit("do not mark as latest\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("do not mark as latest", on: "release/1.0"))
        #expect(result.outcome == .clean)
        #expect(!Self.codes(result).contains(.missingSymbol))
    }

    @Test("backport.signals = none switches the signals off")
    func switchedOff() throws {
        let f = try Self.codeFixture()
        try f.git("config", "backport.signals", "none")
        try f.write("src/util.c", "int helper_one(int v) { return v; }\nint computeChecksum(int v) { return v * 31; }\n")
        try f.commit("add computeChecksum")
        try f.edit("src/app.c", line: 5, to: "    total = computeChecksum(total) + 1;")
        try f.commit("checksum the total\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("checksum the total", on: "release/1.0"))
        #expect(result.outcome == .clean)
        try f.git("config", "backport.signals", "missing-file, bogus")
        #expect(throws: BackportError.self) { try plan(f) }
    }

    // MARK: prerequisite

    @Test("prerequisite: a conflict names the main-only commit that changed the lines, oldest first")
    func prerequisite() throws {
        let f = try baseFixture()
        // Off by default (its cost): asked for.
        try f.git("config", "backport.signals", "all")
        try f.edit("a.txt", line: 6, to: "header 6 (relicensed)")
        let header = try f.commit("license header")
        try f.edit("a.txt", line: 6, to: "header 6 (relicensed, fixed)")
        try f.commit("fix the header\n\nBackport-To: 1.0")
        let result = try #require(try plan(f).result("fix the header", on: "release/1.0"))
        #expect(result.outcome == .conflicted)
        let reason = try #require(result.reasons.first { $0.code == .prerequisite })
        #expect(reason.commit?.hex == header)
        #expect(reason.message.contains("(license header)"))
        #expect(!Self.codes(result).contains(.restructured))
        try f.git("config", "--unset", "backport.signals")
        #expect(!Self.codes(try #require(try plan(f).result("fix the header", on: "release/1.0"))).contains(.prerequisite))
    }

    // MARK: depends-on-unapplied

    @Test("depends-on-unapplied: a fix of lines an earlier, conflicted candidate added")
    func dependsOnUnapplied() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("a.txt", line: 6, to: "release a 6")
        try f.commit("release edits a6")
        try f.git("checkout", "-q", "main")
        for line in 5...7 { try f.edit("a.txt", line: line, to: "first fix line \(line)") }
        let first = try f.commit("first fix\n\nBackport-To: 1.0")
        try f.edit("a.txt", line: 6, to: "second fix line 6")
        try f.commit("second fix\n\nBackport-To: 1.0")
        let p = try plan(f)
        #expect(p.outcome("first fix", on: "release/1.0") == .conflicted)
        let result = try #require(p.result("second fix", on: "release/1.0"))
        let reason = try #require(result.reasons.first { $0.code == .dependsOnUnapplied })
        #expect(reason.commit?.hex == first)
        // Nothing depends on a clean candidate.
        #expect(!Self.codes(try #require(p.result("first fix", on: "release/1.0"))).contains(.dependsOnUnapplied))
    }
}

/// `git backport replay`: the grading of past backports against what plan says.
@Suite("Replay grades past backports")
struct ReplayTests {
    @Test("An as-is cherry-pick and a rewritten backport are graded so, with plan's outcomes")
    func grades() throws {
        let f = try baseFixture()
        try f.edit("a.txt", line: 3, to: "main a 3")
        let clean = try f.commit("fix a3")
        for line in 10...12 { try f.edit("b.txt", line: line, to: "main b \(line)") }
        let rewritten = try f.commit("fix b10-12")
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("b.txt", line: 11, to: "release b 11")
        try f.commit("release edits b11")
        try f.git("cherry-pick", "-x", clean)
        try f.edit("b.txt", line: 15, to: "something else entirely")
        try f.commit("fix b for 1.0\n\n(cherry picked from commit \(rewritten))")
        try f.git("checkout", "-q", "main")

        let repository = try Repository.discover(startingAt: f.path)
        let report = try Replayer(repository: repository, settings: Settings.load(from: repository))
            .replay(ReplayOptions(onto: "release/1.0"))
        #expect(report.backports.count == 2)
        let byUpstream = Dictionary(uniqueKeysWithValues: report.backports.map { ($0.upstream.hex, $0) })
        #expect(byUpstream[clean]?.grade == .asIs)
        #expect(byUpstream[clean]?.outcome == .clean)
        #expect(byUpstream[rewritten]?.grade == .rewritten)
        #expect(byUpstream[rewritten]?.conflicted == true)
        #expect(report.measures.asIs == 1 && report.measures.asIsClean == 1)
        #expect(report.measures.conflictedPicks == 1)
        #expect(report.measures.table["clean"]?["as-is"] == 1)
    }

    @Test("Jaccard of added lines counts repeats (multisets)")
    func jaccard() {
        #expect(Replayer.jaccard(["a": 2, "b": 1], ["a": 1, "b": 1]) == 2.0 / 3.0)
        #expect(Replayer.jaccard([:], [:]) == 1)
        #expect(Replayer.jaccard(["a": 1], ["b": 1]) == 0)
    }
}

/// Follow-up fixes: later commits whose `Fixes:` names a carried commit go with it.
@Suite("Follow-up fixes")
struct FollowUpTests {
    @Test("A later commit whose Fixes: names a carried candidate is listed with it and tried on the same targets")
    func followUp() throws {
        let f = try baseFixture(releases: ["release/1.0", "release/2.0"])
        try f.edit("a.txt", line: 3, to: "fixed a 3")
        let first = try f.commit("fix a3\n\nBackport-To: 1.0")
        try f.edit("a.txt", line: 4, to: "fixed a 4 too")
        let second = try f.commit("fix the fix\n\nFixes: \(first.prefix(12)) (\"fix a3\")")
        let p = try plan(f)
        #expect(p.candidate("fix a3")?.followUps?.map(\.hex) == [second])
        #expect(p.candidate("fix the fix")?.followUps == nil)
        // Carried to 1.0 with the fix it fixes; 2.0 never had the bug.
        #expect(p.outcome("fix the fix", on: "release/1.0") == .clean)
        #expect(p.outcome("fix the fix", on: "release/2.0") == .notAffected)
        // The text and Markdown reports list the follow-up with the commit it fixes.
        #expect(TextRenderer(colour: false).render(p).contains("  follow-up fix: \(second.prefix(10)) fix the fix"))
        #expect(MarkdownRenderer().render(p).contains("  - follow-up fix `\(second.prefix(10))`"))
    }
}
