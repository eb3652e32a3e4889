import Backport
import Foundation
import Git
import Testing
import TestSupport

/// Compares our clean/conflicted calls with what `git cherry-pick` does on the same
/// repositories, pick by pick, in a throwaway clone.
@Suite("Agreement with git cherry-pick")
struct DifferentialTests {
    /// Runs `git cherry-pick --no-commit` for every clean or conflicted result of an
    /// independent plan and checks the call (and, for clean picks, the tree) matches.
    func assertAgreesWithGit(_ fixture: Fixture, _ p: Plan, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let clone = try Fixture(initialize: false)
        try clone.git("clone", "-q", "--no-local", fixture.path, ".")
        var compared = 0
        // The merge's call, whatever the adaptation signals made of it (a needs-adaptation
        // pick may merge cleanly or conflict): git knows only the merge.
        for result in p.results where [.clean, .conflicted, .needsAdaptation].contains(result.outcome) {
            let ourCall: Outcome = result.mergedTree != nil ? .clean : .conflicted
            let target = try #require(p.targets.first { $0.branch == result.target })
            try clone.git("checkout", "-q", "--detach", target.head.hex)
            let pick = try clone.git(["cherry-pick", "--no-commit", result.commit.hex], allowFailure: true)
            _ = pick
            let unmerged = try clone.git("diff", "--name-only", "--diff-filter=U")
            let gitCall: Outcome = unmerged.isEmpty ? .clean : .conflicted
            #expect(gitCall == ourCall, "\(result.commit.short()) on \(result.target)", sourceLocation: sourceLocation)
            if gitCall == .clean, ourCall == .clean {
                #expect(try clone.git("write-tree") == result.mergedTree?.hex, "tree of \(result.commit.short()) on \(result.target)", sourceLocation: sourceLocation)
            } else if gitCall == .conflicted {
                let paths = Set(unmerged.split(separator: "\n").map(String.init))
                #expect(paths == Set(result.conflicts.map { Self.gitQuoted($0.path) }),
                        "conflicted paths of \(result.commit.short()) on \(result.target)", sourceLocation: sourceLocation)
            }
            try clone.git("reset", "-q", "--hard")
            try clone.git(["cherry-pick", "--quit"], allowFailure: true)
            compared += 1
        }
        return compared
    }

    /// A path as git prints it with `core.quotePath` on (its default): in double quotes with
    /// octal escapes when any byte is not printable ASCII.
    static func gitQuoted(_ path: String) -> String {
        let bytes = PathCoding.encode(path)
        guard bytes.contains(where: { $0 >= 0x80 || $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return path }
        var out = "\""
        for byte in bytes {
            switch byte {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x20..<0x80: out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += "\\" + String(byte, radix: 8).leftPad(3)
            }
        }
        return out + "\""
    }

    @Test("Every pick of the sample repository (all commits, all targets) gets git's call")
    func sampleRepository() throws {
        let f = try Fixture(initialize: false)
        let output = try run(packageRoot + "/Scripts/sample-repo", [f.path], in: packageRoot)
        try #require(output.status == 0)
        let p = try plan(f) { $0.independent = true; $0.all = true }
        let compared = try assertAgreesWithGit(f, p)
        #expect(compared >= 30)
        #expect(p.results.contains { $0.outcome == .conflicted })
    }

    @Test("Renames, deletions, additions and attributes get git's call")
    func structuralChanges() throws {
        let f = try baseFixture()
        try f.write("c.txt", Fixture.lines("c", 20))
        try f.write("d.bin", "binary\u{0}content\n")
        try f.commit("more files")
        try f.git("branch", "-f", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.git("mv", "a.txt", "renamed-a.txt")
        try f.edit("c.txt", line: 10, to: "release c10")
        try f.write("d.bin", "binary\u{0}release\n")
        try f.write(".gitattributes", "c.txt merge=binary\n")
        try f.commit("release: rename a, change c, d")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 3, to: "fix in a3")
        try f.commit("fix a3 (renamed on the release)\n\nBackport-To: 1.0")
        try f.edit("c.txt", line: 2, to: "fix in c2")
        try f.commit("fix c2 (binary merge on the release)\n\nBackport-To: 1.0")
        try f.write("d.bin", "binary\u{0}main\n")
        try f.commit("fix d (binary content)\n\nBackport-To: 1.0")
        try f.git("mv", "b.txt", "moved-b.txt")
        try f.commit("rename b\n\nBackport-To: 1.0")
        try f.git("rm", "-q", "c.txt")
        try f.commit("delete c\n\nBackport-To: 1.0")
        try f.write("e.txt", "new file\n")
        try f.commit("add e\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true }
        #expect(p.outcome("fix a3 (renamed on the release)", on: "release/1.0") == .clean)
        #expect(p.outcome("fix c2 (binary merge on the release)", on: "release/1.0") == .conflicted)
        #expect(p.outcome("fix d (binary content)", on: "release/1.0") == .conflicted)
        #expect(try assertAgreesWithGit(f, p) == 6)
    }
}

extension DifferentialTests {
    /// A release branch that moved `lib/` to `src/lib/` (editing `lib/util.c` a little on
    /// the way) and added 250 files, so rename detection must look past libgit2's limit.
    func divergedFixture() throws -> Fixture {
        let f = try Fixture()
        try f.write("lib/util.c", Fixture.lines("util", 40))
        try f.write("lib/io.c", Fixture.lines("io", 40))
        try f.write("lib/net.c", Fixture.lines("net", 40))
        try f.write("tool.sh", "#!/bin/sh\necho tool\n")
        try f.write("docs/guide.txt", Fixture.lines("guide", 20))
        try f.git("update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,deps/sub")
        try FileManager.default.createDirectory(atPath: f.path + "/deps/sub", withIntermediateDirectories: true)
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.git("mv", "lib", "src")
        try FileManager.default.createDirectory(atPath: f.path + "/src/lib", withIntermediateDirectories: true)
        for name in ["util.c", "io.c", "net.c"] { try f.git("mv", "src/\(name)", "src/lib/\(name)") }
        try f.edit("src/lib/util.c", line: 40, to: "util line 40, edited while moving")
        for i in 1...250 { try f.write("gen/file\(i).txt", "generated \(i)\n") }
        try f.git("rm", "-q", "docs/guide.txt")
        try f.git("update-index", "--cacheinfo", "160000,2222222222222222222222222222222222222222,deps/sub")
        try f.commit("release: move lib to src/lib, generate files, drop the guide, bump deps/sub")
        try f.git("checkout", "-q", "main")
        try f.edit("lib/util.c", line: 3, to: "fixed util 3")
        try f.commit("fix util\n\nBackport-To: 1.0")
        try f.write("lib/extra.c", "a new file in a folder the release moved\n")
        try f.commit("add extra\n\nBackport-To: 1.0")
        try f.git("rm", "-q", "lib/net.c")
        try f.commit("drop net\n\nBackport-To: 1.0")
        try f.edit("docs/guide.txt", line: 2, to: "guide fixed")
        try f.commit("fix guide\n\nBackport-To: 1.0")
        try f.git("rm", "-q", "tool.sh")
        try FileManager.default.createSymbolicLink(atPath: f.path + "/tool.sh", withDestinationPath: "lib/util.c")
        try f.commit("tool.sh becomes a link\n\nBackport-To: 1.0")
        try f.git("update-index", "--cacheinfo", "160000,3333333333333333333333333333333333333333,deps/sub")
        try f.commit("bump deps/sub\n\nBackport-To: 1.0")
        return f
    }

    @Test("Renames past libgit2's limit, folder renames, rename/delete, type changes and submodules get git's call")
    func divergedTree() throws {
        let f = try divergedFixture()
        let p = try plan(f) { $0.independent = true }
        let fix = try #require(p.result("fix util", on: "release/1.0"))
        #expect(fix.outcome == .clean)
        #expect(fix.reasons.contains { $0.code == .renamedPath && $0.message.contains("src/lib/util.c") })
        let extra = try #require(p.result("add extra", on: "release/1.0"))
        #expect(extra.conflicts.map(\.kind) == [.fileLocation])
        #expect(extra.conflicts.map(\.path) == ["src/lib/extra.c"])
        let net = try #require(p.result("drop net", on: "release/1.0"))
        #expect(net.conflicts.map(\.kind) == [.renameDelete])
        #expect(net.conflicts.map(\.path) == ["src/lib/net.c"])
        #expect(p.result("fix guide", on: "release/1.0")?.conflicts.map(\.kind) == [.deleteModify])
        #expect(p.result("bump deps/sub", on: "release/1.0")?.conflicts.map(\.kind) == [.submodule])
        #expect(try assertAgreesWithGit(f, p) == 6)
    }

    @Test("A file the target added to a folder the fix moves: moved with a file-location conflict, as git does")
    func targetAdditionInFolderTheFixMoves() throws {
        let f = try baseFixture()
        for name in ["intro", "usage", "faq"] { try f.write("docs/\(name).md", Fixture.lines(name, 12)) }
        try f.commit("docs")
        try f.git("branch", "-f", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.write("docs/release-notes.md", "notes\n")
        try f.commit("release notes")
        try f.git("checkout", "-q", "main")
        try f.git("mv", "docs", "manual")
        try f.commit("move docs to manual\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true }
        let moved = try #require(p.result("move docs to manual", on: "release/1.0"))
        #expect(moved.conflicts.map(\.kind) == [.fileLocation])
        #expect(moved.conflicts.map(\.path) == ["manual/release-notes.md"])
        #expect(try assertAgreesWithGit(f, p) == 1)
        try f.git("config", "merge.directoryRenames", "true")
        let clean = try #require(try plan(f) { $0.independent = true }.result("move docs to manual", on: "release/1.0"))
        #expect(clean.outcome == .clean)
        #expect(try clean.tree?.hex == gitPick(f, clean.commit, onto: "release/1.0", config: ["merge.directoryRenames=true"]))
    }

    @Test("Symlinks: changed by the fix alone it applies, changed on both sides it conflicts, as with git")
    func symlinks() throws {
        let f = try baseFixture()
        try FileManager.default.createSymbolicLink(atPath: f.path + "/link", withDestinationPath: "a.txt")
        try FileManager.default.createSymbolicLink(atPath: f.path + "/other", withDestinationPath: "a.txt")
        try f.commit("links")
        try f.git("branch", "-f", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try FileManager.default.removeItem(atPath: f.path + "/link")
        try FileManager.default.createSymbolicLink(atPath: f.path + "/link", withDestinationPath: "b.txt")
        try f.commit("release points link at b")
        try f.git("checkout", "-q", "main")
        for name in ["link", "other"] {
            try FileManager.default.removeItem(atPath: f.path + "/" + name)
            try FileManager.default.createSymbolicLink(atPath: f.path + "/" + name, withDestinationPath: "missing.txt")
            try f.commit("repoint \(name)\n\nBackport-To: 1.0")
        }
        let p = try plan(f) { $0.independent = true }
        #expect(p.outcome("repoint link", on: "release/1.0") == .conflicted)
        #expect(p.outcome("repoint other", on: "release/1.0") == .clean)
        #expect(try assertAgreesWithGit(f, p) == 2)
    }

    @Test("A file one side turns into a symlink while the other renames it conflicts at the new name, as with git")
    func kindChangeMeetsRename() throws {
        let f = try baseFixture()
        try f.write("src/c.c", Fixture.lines("c", 12))
        try f.commit("add c.c")
        try f.git("branch", "-f", "release/1.0")
        try f.git("branch", "release/1.1")
        // release/1.0 renames c.c; main turns it into a symlink.
        try f.git("checkout", "-q", "release/1.0")
        try f.git("mv", "src/c.c", "src/renamed.c")
        try f.commit("release renames c.c")
        // release/1.1 turns c.c into a symlink; main renames it.
        try f.git("checkout", "-q", "release/1.1")
        try FileManager.default.removeItem(atPath: f.path + "/src/c.c")
        try FileManager.default.createSymbolicLink(atPath: f.path + "/src/c.c", withDestinationPath: "elsewhere.c")
        try f.commit("release turns c.c into a link")
        try f.git("checkout", "-q", "main")
        try f.git("mv", "src/c.c", "src/main-name.c")
        try f.commit("main renames c.c\n\nBackport-To: 1.1")
        try FileManager.default.removeItem(atPath: f.path + "/src/main-name.c")
        try FileManager.default.createSymbolicLink(atPath: f.path + "/src/main-name.c", withDestinationPath: "a.txt")
        try f.commit("main turns it into a link\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true; $0.onto = ["release/1.0", "release/1.1"] }
        #expect(p.result("main turns it into a link", on: "release/1.0")?.conflicts.map(\.path) == ["src/renamed.c"])
        #expect(p.result("main renames c.c", on: "release/1.1")?.conflicts.map(\.path) == ["src/main-name.c"])
        #expect(try assertAgreesWithGit(f, p) >= 2)
    }

    @Test("A file on one side and a symlink on the other: the file's side is kept under path~<its label>, as git's merge-tree does")
    func distinctTypes() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try FileManager.default.removeItem(atPath: f.path + "/a.txt")
        try FileManager.default.createSymbolicLink(atPath: f.path + "/a.txt", withDestinationPath: "b.txt")
        try f.commit("release turns a.txt into a link")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 3, to: "fixed")
        let fix = try f.commit("fix a.txt\n\nBackport-To: 1.0")
        let result = try #require(try plan(f) { $0.independent = true }.result("fix a.txt", on: "release/1.0"))
        #expect(result.conflicts.map(\.path) == ["a.txt", "a.txt~\(fix.prefix(10)) (fix a.txt)"])
        #expect(result.conflicts.allSatisfy { $0.kind == .type })
        // git's merge-tree, with the commits' ids as labels, keeps the fix's file at a.txt~<fix id>.
        let onto = try f.git("commit-tree", try f.git("rev-parse", "release/1.0^{tree}"), "-p", fix + "^", "-m", "t")
        let merged = try f.git(["merge-tree", "--write-tree", "--name-only", "--no-messages", onto, fix], allowFailure: true)
        #expect(Set(merged.split(separator: "\n").dropFirst().map(String.init)) == ["a.txt", "a.txt~\(fix)"])
    }

    @Test("A file renamed differently on each side is unmerged under its three names, as git leaves it")
    func renameRename() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.git("mv", "a.txt", "release-a.txt")
        try f.commit("release renames a")
        try f.git("checkout", "-q", "main")
        try f.git("mv", "a.txt", "main-a.txt")
        try f.commit("main renames a\n\nBackport-To: 1.0")
        let p = try plan(f) { $0.independent = true }
        let result = try #require(p.result("main renames a", on: "release/1.0"))
        #expect(Set(result.conflicts.map(\.kind)) == [.renameRename])
        #expect(Set(result.conflicts.map(\.path)) == ["a.txt", "release-a.txt", "main-a.txt"])
        #expect(try assertAgreesWithGit(f, p) == 1)
    }

    /// The tree `git -c <config> cherry-pick --no-commit` leaves for a clean pick (nil when it
    /// conflicts), in a throwaway clone.
    func gitPick(_ f: Fixture, _ commit: OID, onto target: String, config: [String]) throws -> String? {
        let clone = try Fixture(initialize: false)
        try clone.git("clone", "-q", "--no-local", f.path, ".")
        try clone.git("checkout", "-q", "--detach", "origin/\(target)")
        let pick = try run("/usr/bin/git", config.flatMap { ["-c", $0] } + ["cherry-pick", "--no-commit", commit.hex],
                           in: clone.path, environment: Fixture.gitEnvironment)
        return pick.status == 0 ? try clone.git("write-tree") : nil
    }

    @Test("merge.renames and merge.directoryRenames from the user's git config are honoured, as git does")
    func renameSettings() throws {
        let f = try divergedFixture()
        for value in ["true", "false"] {
            try f.git("config", "merge.directoryRenames", value)
            let p = try plan(f) { $0.independent = true }
            let extra = try #require(p.result("add extra", on: "release/1.0"))
            #expect(extra.outcome == .clean)
            #expect(try extra.tree?.hex == gitPick(f, extra.commit, onto: "release/1.0", config: ["merge.directoryRenames=\(value)"]),
                    "merge.directoryRenames=\(value)")
        }
        try f.git("config", "merge.renames", "false")
        let none = try plan(f) { $0.independent = true }
        #expect(none.result("fix util", on: "release/1.0")?.conflicts.map(\.kind) == [.deleteModify])
    }

    @Test("Without the path-by-path merge, the rename past libgit2's limit is missed")
    func pathByPathFindsWhatTheWholeTreeMergeMisses() throws {
        let f = try divergedFixture()
        let whole = try plan(f) { $0.independent = true; $0.fastPath = false }
        // The file it misses is missing-file's: needs-adaptation, with the delete/modify conflict.
        #expect(whole.outcome("fix util", on: "release/1.0") == .needsAdaptation)
        #expect(whole.result("fix util", on: "release/1.0")?.conflicts.map(\.kind) == [.deleteModify])
    }

    @Test("--mainline picks a merge against the parent it names, as git cherry-pick -m does")
    func mainline() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "-b", "topic")
        try f.edit("b.txt", line: 5, to: "topic b5")
        try f.commit("topic change")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 5, to: "main a5")
        try f.commit("main change")
        try f.git("merge", "-q", "--no-ff", "-m", "Merge topic\n\nBackport-To: 1.0", "topic")
        let one = try plan(f) { $0.mainline = 1; $0.independent = true }
        let two = try plan(f) { $0.mainline = 2; $0.independent = true }
        let merge = try #require(one.candidate("Merge topic")?.commit)
        let first = try #require(one.result(for: merge, on: "release/1.0")), second = try #require(two.result(for: merge, on: "release/1.0"))
        #expect(first.outcome == .clean && second.outcome == .clean)
        #expect(first.tree != second.tree)
        for (parent, result) in [(1, first), (2, second)] {
            let clone = try Fixture(initialize: false)
            try clone.git("clone", "-q", "--no-local", f.path, ".")
            try clone.git("checkout", "-q", "--detach", "origin/release/1.0")
            try clone.git("cherry-pick", "--no-commit", "-m", "\(parent)", merge.hex)
            #expect(try clone.git("write-tree") == result.tree?.hex, "-m \(parent)")
        }
    }

    @Test("A merge=union file merges as git's union merge does (histogram diff, not libgit2's Myers)")
    func unionMerge() throws {
        let f = try baseFixture()
        try f.write(".gitattributes", "u.txt merge=union\n")
        try f.write("u.txt", "}\na\nb\nb\na\n")
        try f.commit("union file")
        try f.git("branch", "-f", "release/1.0")
        try f.write("u.txt", "}\na\n")
        try f.commit("change u\n\nBackport-To: 1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.write("u.txt", "b\n}\n")
        try f.commit("release change to u")
        try f.git("checkout", "-q", "main")
        let p = try plan(f) { $0.independent = true }
        let result = try #require(p.result("change u", on: "release/1.0"))
        #expect(result.outcome == .clean)
        #expect(try assertAgreesWithGit(f, p) == 1)
        // git's union joins "b\n}\n" and "}\na\n" as "b\n}\na\n" (the tree compared above);
        // a Myers union (git merge-file --union, libgit2's merge of trees) gives "b\n}\n}\na\n".
    }

    @Test("A stacked pick that changes .gitattributes changes how the next pick merges")
    func stackedAttributes() throws {
        let f = try baseFixture()
        try f.git("checkout", "-q", "release/1.0")
        try f.edit("b.txt", line: 7, to: "release b7")
        try f.commit("release change to b")
        try f.git("checkout", "-q", "main")
        try f.write(".gitattributes", "b.txt merge=binary\n")
        try f.commit("b.txt merges as binary\n\nBackport-To: 1.0")
        try f.edit("b.txt", line: 7, to: "main b7")
        try f.commit("change b\n\nBackport-To: 1.0")
        let stacked = try plan(f)
        let conflict = try #require(stacked.result("change b", on: "release/1.0")?.conflicts.first)
        #expect(conflict.binary)
        #expect(conflict.regions == nil)
        // Alone on the release, the attribute is not there: a text conflict with a region.
        let alone = try plan(f) { $0.independent = true }
        #expect(alone.result("change b", on: "release/1.0")?.conflicts.first?.binary == false)
        #expect(alone.result("change b", on: "release/1.0")?.conflicts.first?.regions?.count == 1)
    }
}

extension DifferentialTests {
    @Test("Paths that are not UTF-8 keep their bytes: no false patch-id match, git's tree, and a conflict path that turns back into the bytes")
    func nonUTF8Paths() throws {
        let f = try Fixture()
        // Two files named by the bytes FF and FE, then ".txt" (not UTF-8); the release
        // changes the second, main fixes the first and then changes the second.
        let stream = #"""
        commit refs/heads/main
        committer T <t@example.org> 1700000000 +0000
        data <<END
        base
        END
        M 100644 inline \377.txt
        data <<END
        a1
        a2
        a3
        END
        M 100644 inline \376.txt
        data <<END
        b1
        b2
        b3
        END

        reset refs/heads/release/1.0
        from refs/heads/main

        commit refs/heads/release/1.0
        committer T <t@example.org> 1700000100 +0000
        data <<END
        release: change b2
        END
        M 100644 inline \376.txt
        data <<END
        b1
        bX
        b3
        END

        commit refs/heads/main
        committer T <t@example.org> 1700000200 +0000
        data <<END
        fix a2

        Backport-To: 1.0
        END
        M 100644 inline \377.txt
        data <<END
        a1
        aX
        a3
        END

        commit refs/heads/main
        committer T <t@example.org> 1700000300 +0000
        data <<END
        change b2 too

        Backport-To: 1.0
        END
        M 100644 inline \376.txt
        data <<END
        b1
        bY
        b3
        END

        """#
        // printf's %b turns \0377 into the byte FF.
        let bytes = stream.replacingOccurrences(of: #"\377"#, with: #"\0377"#).replacingOccurrences(of: #"\376"#, with: #"\0376"#)
        let script = "printf '%b' '" + bytes + "' | git fast-import --quiet"
        let imported = try run("/bin/sh", ["-c", script], in: f.path, environment: Fixture.gitEnvironment)
        try #require(imported.status == 0, "\(imported.stderr)")
        try #require(try f.git("ls-tree", "--name-only", "-z", "main").split(separator: "\0").count == 2)

        let p = try plan(f) { $0.independent = true }
        // The release's change to FE.txt is not the fix of FF.txt.
        #expect(p.outcome("fix a2", on: "release/1.0") == .clean)
        let conflict = try #require(p.result("change b2 too", on: "release/1.0")?.conflicts.first)
        #expect(PathCoding.encode(conflict.path) == [0xFE] + Array(".txt".utf8))
        #expect(PathCoding.displayed(conflict.path) == "\\xfe.txt")
        #expect(try assertAgreesWithGit(f, p) == 2)
    }

    @Test("Path coding: every byte string decodes to its own string and back")
    func pathCoding() {
        let samples: [[UInt8]] = [
            Array("plain/path.c".utf8), Array("caf\u{E9}.txt".utf8), [0xFF, 0x2E, 0x74], [0xFE, 0x2E, 0x74],
            [0xC3], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x8F, 0xBC, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xC0, 0xAF], Array("\u{10FF41}".utf8),
        ]
        var seen: [String: [UInt8]] = [:]
        for bytes in samples {
            let decoded = bytes.withUnsafeBytes { PathCoding.decode($0) }
            #expect(PathCoding.encode(decoded) == bytes, "\(bytes)")
            #expect(seen[decoded] == nil, "\(bytes) and \(seen[decoded] ?? []) decode alike")
            seen[decoded] = bytes
        }
    }
}

/// The fast path (merging only the files a pick modifies) must give exactly what the
/// whole-tree merge gives: outcome, tree, conflicts with their kinds, regions and lines.
@Suite("Fast path agrees with the full merge")
struct FastPathTests {
    func assertSame(_ fixture: Fixture, _ configure: (inout PlanOptions) -> Void = { _ in }) throws {
        let fast = try plan(fixture) { configure(&$0); $0.fastPath = true }
        let full = try plan(fixture) { configure(&$0); $0.fastPath = false }
        #expect(fast.results.count == full.results.count)
        for (a, b) in zip(fast.results, full.results) {
            #expect(a.commit == b.commit && a.target == b.target)
            #expect(a.outcome == b.outcome, "\(a.commit.short()) on \(a.target)")
            #expect(a.tree == b.tree, "\(a.commit.short()) on \(a.target)")
            #expect(a.conflicts == b.conflicts, "\(a.commit.short()) on \(a.target)")
        }
    }

    @Test("On the sample repository, stacked and independent, every commit")
    func sampleRepository() throws {
        let f = try Fixture(initialize: false)
        try #require(try run(packageRoot + "/Scripts/sample-repo", [f.path], in: packageRoot).status == 0)
        try assertSame(f) { $0.all = true }
        try assertSame(f) { $0.all = true; $0.independent = true }
        try assertSame(f)
    }

    @Test("Where a file was renamed, deleted, made binary or given a merge driver on the target")
    func fallbacks() throws {
        let f = try baseFixture()
        try f.write("c.txt", Fixture.lines("c", 20))
        try f.write("d.bin", "binary\u{0}content\n")
        try f.write("e.sh", "#!/bin/sh\necho e\n")
        try f.commit("more files")
        try f.git("branch", "-f", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.git("mv", "a.txt", "renamed-a.txt")
        try f.edit("c.txt", line: 10, to: "release c10")
        try f.write(".gitattributes", "c.txt merge=binary\n")
        try f.git("rm", "-q", "b.txt")
        try f.git("update-index", "--chmod=+x", "e.sh")
        try f.commit("release: rename a, binary merge for c, drop b, e executable")
        try f.git("checkout", "-q", "main")
        for (i, file) in ["a.txt", "b.txt", "c.txt"].enumerated() {
            try f.edit(file, line: 3 + i, to: "main fix \(i)")
            try f.commit("fix \(file)\n\nBackport-To: 1.0")
        }
        try f.write("d.bin", "binary\u{0}main\n")
        try f.commit("fix d.bin\n\nBackport-To: 1.0")
        try f.write("e.sh", "#!/bin/sh\necho fixed\n")
        try f.commit("fix e.sh\n\nBackport-To: 1.0")
        try assertSame(f)
        try assertSame(f) { $0.independent = true }
    }
}

private extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
