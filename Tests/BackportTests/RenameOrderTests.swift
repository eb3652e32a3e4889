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

extension RenameOrderTests {
    @Test("Basename-guess ties: the folder a removed folder went to is the first most counted in git's hash-map order")
    func renameTiesBasenameGuess() throws {
        let f = try Fixture()
        let x = Fixture.lines("x", 20)
        try f.write("old/a.txt", Fixture.lines("a", 20))
        try f.write("old/b.txt", Fixture.lines("b", 20))
        try f.write("old/x.go", x)
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        // old/ splits evenly: a.txt to m/, b.txt to n/ (a tie), and x.go is in both, m's
        // copy the closer one. git guesses n/ (strhash bucket 49 before m's 50), and pairs
        // old/x.go with n/x.go at the basename step (over 75% alike).
        try f.git("rm", "-q", "-r", "old")
        try f.write("m/a.txt", Fixture.lines("a", 20))
        try f.write("n/b.txt", Fixture.lines("b", 20))
        var lines = x.components(separatedBy: "\n")
        lines[19] = "release m x20"
        try f.write("m/x.go", lines.joined(separator: "\n"))
        for i in 18..<20 { lines[i] = "release n x\(i + 1)" }
        try f.write("n/x.go", lines.joined(separator: "\n"))
        try f.commit("release splits old")
        try f.git("checkout", "-q", "main")
        try f.edit("old/x.go", line: 1, to: "main x1")
        try f.commit("main edits x\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true }
        let result = try #require(p.result("main edits x", on: "release/1.0"))
        #expect(result.outcome == .clean)
        let renamed = result.reasons.filter { $0.code == .renamedPath }.map(\.message)
        #expect(renamed == ["old/x.go is n/x.go on release/1.0 (rename detection)"])
        #expect(try DifferentialTests().assertAgreesWithGit(f, p) == 1)
    }
}

/// Renames that meet a file the target has, settled path by path as git's merge settles
/// them (they used to fall back to libgit2's whole-tree merge, which knows no folder renames).
@Suite("Rename collisions settled as git does")
struct RenameCollisionTests {
    /// A repository whose `release/1.0` renames folder `d` to `e` (three files).
    func movedFolder() throws -> Fixture {
        let f = try Fixture()
        for name in ["a", "b", "c"] { try f.write("d/\(name).txt", Fixture.lines("d \(name)", 20)) }
        try f.write("p/x.txt", Fixture.lines("x", 20))
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.git("mv", "d", "e")
        return f
    }

    /// Moves p/x.txt to q/x.txt (a folder `git mv` would not create).
    func moveX(_ f: Fixture) throws {
        let content = try f.read("p/x.txt")
        try f.git("rm", "-q", "p/x.txt")
        try f.write("q/x.txt", content)
    }

    @Test("A file both sides renamed alike merges at the new name, with the fix's other changes (folder moves) settled path by path")
    func renameOnBothSidesAlike() throws {
        let f = try movedFolder()
        try moveX(f)
        try f.edit("q/x.txt", line: 5, to: "release x5")
        try f.commit("release moves d and x")
        try f.git("checkout", "-q", "main")
        try moveX(f)
        try f.edit("q/x.txt", line: 15, to: "main x15")
        try f.write("d/new.txt", Fixture.lines("new", 5))
        try f.commit("main moves x, adds to d\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true }
        let result = try #require(p.result("main moves x, adds to d", on: "release/1.0"))
        #expect(result.conflicts.map(\.path) == ["e/new.txt"])
        #expect(result.conflicts.map(\.kind) == [.fileLocation])
        #expect(try DifferentialTests().assertAgreesWithGit(f, p) == 1)
    }

    @Test("A file the fix adds to a folder the target moved meets the target's own new file there: add/add")
    func renameRenamedFolderAddAdd() throws {
        let f = try movedFolder()
        try f.write("e/new.txt", Fixture.lines("release new", 5))
        try f.commit("release moves d, adds e/new")
        try f.git("checkout", "-q", "main")
        try f.write("d/new.txt", Fixture.lines("main new", 5))
        try f.commit("main adds to d\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true }
        let result = try #require(p.result("main adds to d", on: "release/1.0"))
        #expect(result.conflicts.map(\.path) == ["e/new.txt"])
        #expect(result.conflicts.map(\.kind) == [.addAdd])
        #expect(try DifferentialTests().assertAgreesWithGit(f, p) == 1)
    }

    @Test("A fix rename that the target's folder rename moves back onto the file's old path leaves no file, no conflict (git 2.39)")
    func renameMovedBackOntoItself() throws {
        let f = try Fixture()
        try f.write("i/p.txt", Fixture.lines("p", 20))
        for name in ["a", "b", "c"] { try f.write("i/sys/\(name).txt", Fixture.lines(name, 10)) }
        try f.write("i/keep.txt", "other\n")
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        for name in ["a", "b", "c"] { try f.git("mv", "i/sys/\(name).txt", "i/\(name).txt") }
        try f.edit("i/p.txt", line: 3, to: "release p3")
        try f.commit("release moves i/sys up")
        try f.git("checkout", "-q", "main")
        try f.git("mv", "i/p.txt", "i/sys/p.txt")
        try f.edit("i/sys/p.txt", line: 18, to: "main p18")
        try f.commit("main moves p into sys\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true }
        let result = try #require(p.result("main moves p into sys", on: "release/1.0"))
        #expect(result.outcome == .clean)
        // The same tree as git's (which has no p.txt at all).
        #expect(try DifferentialTests().assertAgreesWithGit(f, p) == 1)
    }
}
