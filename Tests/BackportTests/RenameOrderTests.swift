import Backport
import Foundation
import Git
import Testing
import TestSupport

/// Ties in rename detection (several sources as good as each other for a destination)
/// settled as git's merge settles them, so the conflicts land on git's paths.
@Suite("Rename ties settled in git's order")
struct RenameOrderTests {
    /// A repository where `release/1.0` deletes `z/LICENSE` (and `a/LICENSE`, the same
    /// license, when `deletingA`) and adds the same license at `added` (identical blobs:
    /// exact renames), and `main` then deletes `z/LICENSE`: git reports rename/delete at
    /// whichever new license took `z/LICENSE`.
    func licenses(added: [String], deletingA: Bool) throws -> (Fixture, PickResult) {
        let f = try Fixture()
        let license = Fixture.lines("license", 20)
        try f.write("a/LICENSE", license)
        try f.write("z/LICENSE", license)
        try f.write("z/other.txt", Fixture.lines("z", 20))
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.git(["rm", "-q", "z/LICENSE"] + (deletingA ? ["a/LICENSE"] : []))
        for path in added { try f.write(path, license) }
        try f.commit("release moves the licenses")
        try f.git("checkout", "-q", "main")
        try f.git("rm", "-q", "z/LICENSE")
        try f.commit("main drops z's license\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true }
        #expect(try DifferentialTests().assertAgreesWithGit(f, p) == 1)
        return (f, try #require(p.result("main drops z's license", on: "release/1.0")))
    }

    @Test("Exact-rename ties: folders only the target changed are met after the fix's folders (merge-ort defers them)")
    func renameTiesDeferredFoldersLast() throws {
        // Path order would pair a/LICENSE with new/m/LICENSE; git meets z/LICENSE first.
        let (_, result) = try licenses(added: ["new/m/LICENSE", "new/n/LICENSE"], deletingA: true)
        #expect(result.conflicts.map(\.path) == ["new/m/LICENSE"])
        #expect(result.conflicts.map(\.kind) == [.renameDelete])
    }

    @Test("Exact-rename ties: deferred folders come in git's hash-map order, not path order")
    func renameTiesHashOrder() throws {
        // Path order would pair z/LICENSE with m/LICENSE; strhash("n") falls in an earlier
        // bucket (49) than strhash("m") (50).
        let (_, result) = try licenses(added: ["m/LICENSE", "n/LICENSE"], deletingA: false)
        #expect(result.conflicts.map(\.path) == ["n/LICENSE"])
    }

    @Test("Similarity ties: a later source that took an earlier slot of the 4 kept per destination wins, as in git")
    func renameTiesSimilaritySlots() throws {
        let f = try Fixture()
        let shared = Fixture.lines("s", 20)
        for name in ["a1", "a2", "a3"] { try f.write("\(name).txt", Fixture.lines(name, 20)) }
        try f.write("s1.txt", shared)
        try f.write("s2.txt", shared)
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.git("rm", "-q", "a1.txt", "a2.txt", "a3.txt", "s1.txt", "s2.txt")
        var lines = shared.components(separatedBy: "\n")
        for i in 15..<20 { lines[i] = "release line \(i + 1)" }
        try f.write("t.txt", lines.joined(separator: "\n"))
        try f.commit("release merges the files into t")
        try f.git("checkout", "-q", "main")
        for name in ["a1", "a2", "a3"] { try f.edit("\(name).txt", line: 1, to: "main \(name)") }
        try f.edit("s1.txt", line: 2, to: "main s1")
        try f.edit("s2.txt", line: 3, to: "main s2")
        try f.commit("main edits everything\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true }
        let result = try #require(p.result("main edits everything", on: "release/1.0"))
        // s1.txt and s2.txt score the same against t.txt: s2.txt replaced a1.txt in the
        // first slot, so it sorts first and takes t.txt; s1.txt is left modify/delete.
        #expect(result.conflicts.map(\.path) == ["a1.txt", "a2.txt", "a3.txt", "s1.txt"])
        #expect(try DifferentialTests().assertAgreesWithGit(f, p) == 1)
    }
}
