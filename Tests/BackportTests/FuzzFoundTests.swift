import Backport
import Foundation
import Git
import Testing
import TestSupport

/// Differences with git's merge that Scripts/fuzz found, each reduced to a small history and
/// checked against git's own merge (merge-ort) of the same pick.
@Suite("Merge rules found by the fuzzer, against git")
struct FuzzFoundTests {
    /// git's merge of the pick of `commit` onto `target` (`git merge-tree --write-tree` of a
    /// commit with the target's tree on the pick's parent: exactly `git cherry-pick`): the
    /// tree when clean, the conflicted paths with a `~<label>` suffix written `~<target>` or
    /// `~<fix>`.
    static func gitMerge(_ f: Fixture, _ commit: String, onto target: String) throws -> (tree: String?, conflicts: Set<String>) {
        let onto = try f.git("commit-tree", try f.git("rev-parse", "\(target)^{tree}"), "-p", commit + "^", "-m", "target")
        let merged = try run("/usr/bin/git", ["merge-tree", "--write-tree", "--name-only", "--no-messages", onto, commit],
                             in: f.path, environment: Fixture.gitEnvironment)
        try #require(merged.status == 0 || merged.status == 1, "git merge-tree: \(merged.stderr)")
        let lines = merged.stdout.split(separator: "\n").map(String.init)
        let conflicts = Set(lines.dropFirst().map { $0.replacingOccurrences(of: "~" + onto, with: "~<target>").replacingOccurrences(of: "~" + commit, with: "~<fix>") })
        return (merged.status == 0 ? lines[0] : nil, conflicts)
    }

    /// Our pick of `subject` onto `target` (independent), in the same terms as ``gitMerge``.
    static func ours(_ p: Plan, _ subject: String, onto target: String) throws -> (tree: String?, conflicts: Set<String>) {
        let result = try #require(p.result(subject, on: target))
        let fix = try #require(p.candidate(subject))
        let labels = [target.replacingOccurrences(of: "/", with: "_"): "~<target>",
                      "\(fix.commit.short()) (\(subject))".replacingOccurrences(of: "/", with: "_"): "~<fix>"]
        // A directory rename split names a folder; git's index has no entry for it.
        let conflicts = Set(result.conflicts.filter { $0.kind != .directoryRenameSplit }.map { conflict in
            labels.reduce(conflict.path) { $0.replacingOccurrences(of: "~" + $1.key, with: $1.value) }
        })
        #expect(result.outcome == .clean || result.outcome == .conflicted, "\(result.outcome)")
        return (result.outcome == .clean ? result.tree?.hex : nil, conflicts)
    }

    /// Checks that our pick and git's agree: the call, the clean tree, the conflicted paths.
    @discardableResult
    static func expectAgreement(_ f: Fixture, _ subject: String, onto target: String = "release/1.0",
                                sourceLocation: SourceLocation = #_sourceLocation) throws -> (tree: String?, conflicts: Set<String>) {
        let p = try plan(f) { $0.independent = true; $0.all = true }
        let commit = try #require(p.candidate(subject)).commit.hex
        let (git, ours) = (try gitMerge(f, commit, onto: target), try ours(p, subject, onto: target))
        #expect(ours.tree == git.tree, "tree", sourceLocation: sourceLocation)
        #expect(ours.conflicts == git.conflicts, "conflicted paths", sourceLocation: sourceLocation)
        return git
    }

    func link(_ f: Fixture, _ path: String, to destination: String) throws {
        try FileManager.default.removeItem(atPath: f.path + "/" + path)
        try FileManager.default.createSymbolicLink(atPath: f.path + "/" + path, withDestinationPath: destination)
    }

    // MARK: Kind changes (a file that becomes a symlink), merged path by path

    @Test("A file both sides turn into different symlinks is a content conflict at its path (seed 18)")
    func bothSidesLink() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try link(f, "a.txt", to: "one")
        try f.commit("release links a")
        try f.git("checkout", "-q", "main")
        try link(f, "a.txt", to: "two")
        try f.commit("main links a")
        let git = try Self.expectAgreement(f, "main links a")
        #expect(git.conflicts == ["a.txt"])
    }

    @Test("A kind change meeting a mode change keeps both; a file the target renamed is still followed (seed 7)")
    func kindChangeWithTargetRename() throws {
        // A short file renamed with edits (60% alike): libgit2's whole-tree merge, where
        // kind changes used to go, does not follow it.
        let c = ["return x; 48", "int y = 0; 34", "{", "alpha", "}", "/* note */ 33", "{", "if (x) { 9", "if (x) { 28"]
        let f = try baseFixture()
        try f.write("c.txt", c.joined(separator: "\n") + "\n")
        try f.commit("c")
        try f.git("branch", "-f", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: f.path + "/a.txt")
        try FileManager.default.createDirectory(atPath: f.path + "/src", withIntermediateDirectories: true)
        try f.git("mv", "c.txt", "src/c2.txt")
        try f.write("src/c2.txt", (c.dropLast() + ["return x; 28", "int y = 0;", "/* note */", "delta"]).joined(separator: "\n") + "\n")
        try f.commit("release: a executable, c moved")
        try f.git("checkout", "-q", "main")
        try link(f, "a.txt", to: "b.txt")
        var fixed = c
        fixed.insert("alpha", at: 1)
        fixed[3] = "alpha 49"
        fixed.insert("", at: 9)
        try f.write("c.txt", fixed.joined(separator: "\n") + "\n")
        try f.commit("main links a, fixes c")
        let git = try Self.expectAgreement(f, "main links a, fixes c")
        #expect(git.conflicts == ["a.txt", "a.txt~<target>", "src/c2.txt"])
    }

    @Test("A kind change where the target left the file alone, changed it, or deleted it")
    func kindChangeOneSide() throws {
        let f = try baseFixture()
        try f.write("c.txt", Fixture.lines("c", 20))
        try f.commit("c")
        try f.git("branch", "-f", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("b.txt", line: 3, to: "release b3")
        try f.git("rm", "-q", "c.txt")
        try f.commit("release: b edited, c deleted")
        try f.git("checkout", "-q", "main")
        try link(f, "a.txt", to: "x")
        try f.commit("link a")
        try link(f, "b.txt", to: "x")
        try f.commit("link b")
        try link(f, "c.txt", to: "x")
        try f.commit("link c")
        #expect(try Self.expectAgreement(f, "link a").tree != nil)
        #expect(try Self.expectAgreement(f, "link b").conflicts == ["b.txt", "b.txt~<target>"])
        #expect(try Self.expectAgreement(f, "link c").conflicts == ["c.txt"])
    }

    @Test("A file the target turned into a symlink is no rename source or destination on the target")
    func targetKindChangeIsNoRename() throws {
        let f = try baseFixture()
        try f.write("c.txt", "one\n")
        try f.commit("c")
        try f.git("branch", "-f", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try link(f, "c.txt", to: "somewhere")
        try f.git("mv", "a.txt", "a2.txt")
        try f.commit("release: c a link, a renamed")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 3, to: "main a3")
        try f.write("c.txt", "two\n")
        try f.commit("main edits a and c")
        try Self.expectAgreement(f, "main edits a and c")
    }

    // MARK: Folder renames

    /// A fixture with `files` (path: a distinct 20-line content each) on main and
    /// `release/1.0` cut there.
    func fixture(_ files: [String]) throws -> Fixture {
        let f = try Fixture()
        for path in files {
            try FileManager.default.createDirectory(atPath: f.path + "/" + (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try f.write(path, Fixture.lines(path, 20))
        }
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        return f
    }

    func move(_ f: Fixture, _ from: String, _ to: String) throws {
        try FileManager.default.createDirectory(atPath: f.path + "/" + (to as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try f.git("mv", from, to)
    }

    @Test("Files swapped between two folders by each side go nowhere else: no folder rename into a folder the same side renamed away (seed 123)")
    func noRenameIntoOwnRenamedFolder() throws {
        let f = try fixture(["src/a.c", "src2/b.c", "other.c"])
        try f.git("checkout", "-q", "release/1.0")
        try move(f, "src/a.c", "src2/a.c")
        try f.commit("release moves a into src2")
        try f.git("checkout", "-q", "main")
        try move(f, "src2/b.c", "src/b.c")
        try f.commit("main moves b into src")
        let git = try Self.expectAgreement(f, "main moves b into src")
        #expect(git.tree != nil)
    }

    @Test("A file the fix renames and the target deleted is rename/delete where the target moved its new folder (seed 102)")
    func renameDeleteMovedFolder() throws {
        let f = try fixture(["src/a.c", "src/deep/f.c", "other.c"])
        try f.git("checkout", "-q", "release/1.0")
        try move(f, "src/a.c", "lib/a.c")
        try f.git("rm", "-q", "src/deep/f.c")
        try f.commit("release moves src to lib, drops f")
        try f.git("checkout", "-q", "main")
        try move(f, "src/deep/f.c", "src/f.c")
        try f.commit("main moves f up")
        #expect(try Self.expectAgreement(f, "main moves f up").conflicts == ["lib/f.c"])
    }

    @Test("The fix renames onto a file the target added, and the target deleted the original: rename/add/delete, an add/add there (seed 116)")
    func renameAddDelete() throws {
        let f = try fixture(["lib/x.c", "lib/keep.c"])
        try FileManager.default.createSymbolicLink(atPath: f.path + "/lib/y", withDestinationPath: "x.c")
        try f.commit("a link")
        try f.git("branch", "-f", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.git("rm", "-q", "lib/x.c", "lib/y")
        try FileManager.default.createDirectory(atPath: f.path + "/lib2", withIntermediateDirectories: true)
        try f.write("lib2/x.c", Fixture.lines("release x", 20))
        try f.write("lib2/y", Fixture.lines("release y", 20))
        try f.commit("release replaces x and y")
        try f.git("checkout", "-q", "main")
        try move(f, "lib/x.c", "lib2/x.c")
        try f.commit("main moves x")
        try move(f, "lib/y", "lib2/y")
        try f.commit("main moves y")
        #expect(try Self.expectAgreement(f, "main moves x").conflicts == ["lib2/x.c"])
        #expect(try Self.expectAgreement(f, "main moves y").conflicts == ["lib2/y", "lib2/y~<target>"])
    }

    @Test("A file the target renamed into a folder the fix moves follows the folder, with the fix's edit (seed 130)")
    func targetRenameFollowsFixFolderMove() throws {
        let f = try fixture(["src/a.c", "src/b.c", "lib/c.c", "lib/keep.c"])
        try f.git("checkout", "-q", "release/1.0")
        try move(f, "lib/c.c", "src/c.c")
        try f.commit("release moves c into src")
        try f.git("checkout", "-q", "main")
        try f.git("mv", "src", "src2")
        try f.edit("lib/c.c", line: 3, to: "main c3")
        try f.commit("main moves src, fixes c")
        #expect(try Self.expectAgreement(f, "main moves src, fixes c").conflicts == ["src2/c.c"])
    }

    @Test("A folder the fix moves takes along the target's files in new subfolders of it, when the target also adds a file directly into it (seed 1044)")
    func folderMoveTakesNewSubfolders() throws {
        let f = try fixture(["src/a.c", "other.c"])
        try f.git("branch", "release/1.1")
        try f.git("checkout", "-q", "release/1.0")
        for path in ["src/b.c", "src/deep/c.c"] {
            try FileManager.default.createDirectory(atPath: f.path + "/src/deep", withIntermediateDirectories: true)
            try f.write(path, Fixture.lines(path, 20))
        }
        try f.commit("release adds src/b.c and src/deep/c.c")
        // Without a file directly in src, the folder's move does not matter to git.
        try f.git("checkout", "-q", "release/1.1")
        try FileManager.default.createDirectory(atPath: f.path + "/src/deep", withIntermediateDirectories: true)
        try f.write("src/deep/c.c", Fixture.lines("c", 20))
        try f.commit("release adds src/deep/c.c")
        try f.git("checkout", "-q", "main")
        try move(f, "src/a.c", "moved/a.c")
        try f.commit("main moves src")
        #expect(try Self.expectAgreement(f, "main moves src").conflicts == ["moved/b.c", "moved/deep/c.c"])
        #expect(try Self.expectAgreement(f, "main moves src", onto: "release/1.1").tree != nil)
    }

    @Test("A folder the target split between two others, none taking most, that the fix adds into: unclean with no conflicted file, as git says (seed 145)")
    func directoryRenameSplit() throws {
        let f = try fixture(["src/a.c", "src/b.c", "other.c"])
        try f.git("checkout", "-q", "release/1.0")
        try move(f, "src/a.c", "lib/a.c")
        try move(f, "src/b.c", "src2/b.c")
        try f.commit("release splits src")
        try f.git("checkout", "-q", "main")
        try f.write("src/new.c", Fixture.lines("new", 20))
        try f.commit("main adds src/new.c")
        let git = try Self.expectAgreement(f, "main adds src/new.c")
        #expect(git.tree == nil && git.conflicts.isEmpty)
        let p = try plan(f) { $0.independent = true; $0.all = true }
        let result = try #require(p.result("main adds src/new.c", on: "release/1.0"))
        #expect(result.outcome == .conflicted)
        #expect(result.conflicts.map(\.kind) == [.directoryRenameSplit])
        #expect(result.conflicts.map(\.path) == ["src"])
    }

    @Test("A file the target renamed and the fix deleted is rename/delete where the fix moved the new name's folder (seed 2085)")
    func renameDeleteFollowsFixFolderMove() throws {
        let f = try fixture(["src/a.c", "src/b.c", "other.c"])
        try f.git("checkout", "-q", "release/1.0")
        try f.git("mv", "src/b.c", "src/b2.c")
        try f.edit("src/b2.c", line: 3, to: "release b3")
        try f.commit("release renames b")
        try f.git("checkout", "-q", "main")
        try f.git("rm", "-q", "src/b.c")
        try move(f, "src/a.c", "src2/a.c")
        try f.commit("main drops b, moves src")
        #expect(try Self.expectAgreement(f, "main drops b, moves src").conflicts == ["src2/b2.c"])
    }

    @Test("The target renames a file the fix deletes onto a path where the fix adds another: rename/add/delete, an add/add there (seed 20424)")
    func renameAddDeleteOnTheTarget() throws {
        let f = try fixture(["lib/x.c", "lib/y.c", "lib/keep.c"])
        try f.git("checkout", "-q", "release/1.0")
        try move(f, "lib/x.c", "lib2/x.c")
        try move(f, "lib/y.c", "lib2/y.c")
        try f.commit("release moves x and y")
        try f.git("checkout", "-q", "main")
        try f.git("rm", "-q", "lib/x.c", "lib/y.c")
        try FileManager.default.createDirectory(atPath: f.path + "/lib2", withIntermediateDirectories: true)
        try f.write("lib2/x.c", Fixture.lines("main x", 20))
        try FileManager.default.createSymbolicLink(atPath: f.path + "/lib2/y.c", withDestinationPath: "x.c")
        try f.commit("main replaces x and y")
        #expect(try Self.expectAgreement(f, "main replaces x and y").conflicts == ["lib2/x.c", "lib2/y.c", "lib2/y.c~<target>"])
    }
    @Test("Both sides rename one file, and each finds a file of the other's at its new name; the target deleted a file the fix renames: where git leaves the conflicts (seed 50211)")
    func renameRenameMeetsRenameDelete() throws {
        // The fix moves all of lib to lib2. The target deletes lib/c.c, renames the link
        // lib/b.c to lib2/c.c (where the fix puts c.c: distinct types) and adds a file of its
        // own at lib2/b.c (where the fix puts the link: distinct types): the whole-tree merge.
        let f = try fixture(["lib/a.c", "lib/c.c", "lib/d.c"])
        try FileManager.default.createSymbolicLink(atPath: f.path + "/lib/b.c", withDestinationPath: "a.c")
        try f.commit("a link")
        try f.git("branch", "-f", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.git("rm", "-q", "lib/c.c", "lib/d.c")
        try move(f, "lib/a.c", "lib2/a.c")
        try move(f, "lib/b.c", "lib2/c.c")
        try f.write("lib2/b.c", Fixture.lines("release b", 20))
        try f.commit("release reshuffles lib")
        try f.git("checkout", "-q", "main")
        try move(f, "lib", "lib2")
        try f.commit("main moves lib")
        // The old name only for the rename/rename; a rename/delete at its new name only; the
        // target's own lib2/b.c kept beside the fix's link.
        #expect(try Self.expectAgreement(f, "main moves lib").conflicts
                == ["lib/b.c", "lib2/b.c", "lib2/b.c~<target>", "lib2/c.c", "lib2/c.c~<fix>", "lib2/d.c"])
    }
}

