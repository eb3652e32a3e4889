import Foundation
import Git
import Testing
import TestSupport

@Suite("The libgit2 wrapper")
struct WrapperTests {
    @Test("Object ids round-trip through hex")
    func oid() throws {
        let hex = "0123456789abcdef0123456789abcdef01234567"
        #expect(OID(hex: hex)?.hex == hex)
        #expect(OID(hex: "xyz") == nil)
        #expect(OID(hex: hex)?.short(7) == "0123456")
    }

    @Test("Trailers come from the message's last paragraph")
    func trailers() {
        let t = Repository.trailers(of: "subject\n\nbody text\n\nFixes: abc1234 (\"x\")\nCc: stable@vger.kernel.org # 5.10+\n")
        #expect(t == [Trailer(key: "Fixes", value: "abc1234 (\"x\")"), Trailer(key: "Cc", value: "stable@vger.kernel.org # 5.10+")])
        #expect(Repository.trailers(of: "subject only\n").isEmpty)
    }

    @Test("Commits, revisions, ranges and walks")
    func history() throws {
        let f = try Fixture()
        try f.write("a", "1\n")
        let first = try f.commit("first")
        try f.write("a", "2\n")
        let second = try f.commit("second\n\nBody.\n\nBackport-To: 1.2")
        let repo = try Repository.discover(startingAt: f.path)
        #expect(try repo.resolveCommit("HEAD~1").hex == first)
        #expect(try repo.lookupCommit(prefix: String(second.prefix(8)))?.hex == second)
        #expect(try repo.lookupCommit(prefix: "0000000") == nil)
        let commit = try repo.commit(try repo.resolveCommit("HEAD"))
        #expect(commit.summary == "second")
        #expect(commit.parents.map(\.hex) == [first])
        #expect(commit.trailers == [Trailer(key: "Backport-To", value: "1.2")])
        #expect(commit.author.name == "Test Author")
        let range = try #require(try repo.resolveRange("HEAD~1..HEAD"))
        #expect(range.from.hex == first && range.to.hex == second)
        #expect(try repo.walk(from: [range.to]).map(\.hex) == [first, second])
        #expect(try repo.isReachable(range.from, fromAny: [range.to]))
        #expect(try !repo.isReachable(range.to, fromAny: [range.from]))
        #expect(repo.currentBranch == "main")
        #expect(throws: GitError.self) { try repo.resolveCommit("no-such-branch") }
    }

    @Test("Errors carry libgit2's message and the failing call")
    func errors() throws {
        let f = try Fixture()
        try f.commit("empty")
        let repo = try Repository.discover(startingAt: f.path)
        do {
            _ = try repo.resolveCommit("nope")
            Issue.record("expected an error")
        } catch let error as GitError {
            #expect(error.function == "git_revparse_single")
            #expect(error.isNotFound)
            #expect(error.message.contains("nope"))
        }
        let empty = try Fixture(initialize: false)
        #expect(throws: GitError.self) { try Repository.discover(startingAt: empty.path + "/missing") }
    }

    /// A file of 10 lines, changed at `ourLine` on one branch and `theirLine` on another.
    func diverged(ourLine: Int, theirLine: Int) throws -> (Fixture, base: String, ours: String, theirs: String) {
        let f = try Fixture()
        try f.write("a", Fixture.lines("a", 10))
        let base = try f.commit("base")
        try f.edit("a", line: ourLine, to: "ours")
        let ours = try f.commit("ours")
        try f.git("checkout", "-q", base)
        try f.edit("a", line: theirLine, to: "theirs")
        return (f, base, ours, try f.commit("theirs"))
    }

    @Test("A merge in memory writes nothing to the repository")
    func inMemoryMerge() throws {
        let (f, base, ours, theirs) = try diverged(ourLine: 2, theirLine: 8)
        try f.git("gc", "-q", "--prune=now")
        let before = try f.objectFiles()
        let repo = try Repository.discover(startingAt: f.path)
        try repo.useInMemoryObjectStore()
        let tree = { (id: String) throws -> OID in try repo.treeID(ofCommit: OID(hex: id)!) }
        let merge = try repo.mergeTrees(ancestor: try tree(base), ours: try tree(ours), theirs: try tree(theirs))
        #expect(merge.isClean)
        let merged = try #require(merge.tree)
        #expect(try repo.changes(from: try tree(ours), to: merged).map(\.newPath) == ["a"])
        #expect(try f.objectFiles() == before)
    }

    @Test("A conflicting merge reports its sides and the marked-up text")
    func conflict() throws {
        let (f, base, ours, theirs) = try diverged(ourLine: 2, theirLine: 2)
        let repo = try Repository.discover(startingAt: f.path)
        try repo.useInMemoryObjectStore()
        let tree = { (id: String) throws -> OID in try repo.treeID(ofCommit: OID(hex: id)!) }
        let merge = try repo.mergeTrees(ancestor: try tree(base), ours: try tree(ours), theirs: try tree(theirs), labels: ("release", "fix"))
        #expect(merge.tree == nil)
        let conflict = try #require(merge.conflicts.first)
        #expect(conflict.path == "a")
        #expect(conflict.ancestor != nil && conflict.ours != nil && conflict.theirs != nil)
        let text = String(decoding: conflict.mergedText ?? [], as: UTF8.self)
        #expect(text.contains("<<<<<<< release\nours\n=======\ntheirs\n>>>>>>> fix\n"))
    }

    @Test("Patch-ids match for the same change on different bases")
    func patchIDs() throws {
        let f = try Fixture()
        try f.write("a", Fixture.lines("a", 10))
        try f.write("b", "b\n")
        let base = try f.commit("base")
        try f.edit("a", line: 5, to: "fix")
        let fix = try f.commit("fix")
        try f.git("checkout", "-q", base)
        try f.write("b", "other\n")
        let other = try f.commit("other")
        try f.git("cherry-pick", fix)
        let picked = try f.git("rev-parse", "HEAD")
        try f.write("c/d", "d\n")
        try f.write("b", "third\n")
        let several = try f.commit("several files")
        let repo = try Repository.discover(startingAt: f.path)
        func id(_ commit: String) throws -> OID {
            let c = try repo.commit(OID(hex: commit)!)
            let base = try repo.treeID(ofCommit: c.parents[0])
            return try repo.patchID(from: base, to: c.tree, paths: try repo.changes(from: base, to: c.tree).paths)
        }
        #expect(try id(fix) == id(picked))
        #expect(try id(fix) != id(other))
        // The path-limited diff gives git's own stable patch-id.
        for commit in [fix, picked, several] {
            let git = try run("/bin/sh", ["-c", "git show \(commit) | git patch-id --stable"], in: f.path).stdout
            #expect(git.split(separator: " ").first.map(String.init) == (try id(commit)).hex)
        }
    }

    @Test("A tree diff lists what git diff-tree lists, type changes as deletion and addition")
    func treeChanges() throws {
        let f = try Fixture()
        try f.write("a/b/one", "1\n")
        try f.write("a/b/two", "2\n")
        try f.write("a/x", "x\n")
        try f.write("a.c", "c\n")
        try f.write("file", "f\n")
        try f.write("tool", "t\n")
        try f.write("z/deep/er/gone", "g\n")
        try f.write("link", "l\n")
        try f.write("unchanged/u", "u\n")
        let before = try f.commit("before")
        try f.write("a/b/two", "changed\n")
        try f.write("a/b/new", "n\n")
        try FileManager.default.removeItem(atPath: f.path + "/a/x")
        try FileManager.default.removeItem(atPath: f.path + "/file")
        try f.write("file/inside", "now a folder\n")
        try FileManager.default.removeItem(atPath: f.path + "/z")
        try FileManager.default.removeItem(atPath: f.path + "/link")
        try FileManager.default.createSymbolicLink(atPath: f.path + "/link", withDestinationPath: "a.c")
        try f.git("add", "-A")
        try f.git("update-index", "--chmod=+x", "tool")
        try f.git("commit", "-q", "-m", "after")
        let after = try f.git("rev-parse", "HEAD")

        let repo = try Repository.discover(startingAt: f.path)
        let changes = try repo.changes(from: try repo.treeID(ofCommit: OID(hex: before)!),
                                       to: try repo.treeID(ofCommit: OID(hex: after)!))
        var expected: [String] = []
        for line in try f.git("diff-tree", "-r", "--no-renames", before, after).split(separator: "\n") {
            let fields = line.split(separator: "\t")
            let status = fields[0].split(separator: " ")[4], path = String(fields[1])
            expected += status == "T" ? ["deleted \(path)", "added \(path)"] : ["\(status == "A" ? "added" : status == "D" ? "deleted" : "modified") \(path)"]
        }
        #expect(changes.map { "\($0.status.rawValue) \($0.newPath ?? $0.oldPath!)" } == expected)
        let tool = try #require(changes.first { $0.newPath == "tool" })
        #expect(tool.old?.mode == 0o100644 && tool.new?.mode == 0o100755)
        #expect(try repo.changes(from: nil, to: try repo.treeID(ofCommit: OID(hex: before)!)).count == 9)
    }

    @Test("git's command-line settings (git -c) are read as git passes them on")
    func commandLineConfig() throws {
        let entries = Config.parameters("'backport.maxage'='0' 'core.pager'='it'\\''s less' 'a.flag' 'old.style=yes'")
        #expect(entries.map(\.key) == ["backport.maxage", "core.pager", "a.flag", "old.style"])
        #expect(entries.map(\.value) == ["0", "it's less", "true", "yes"])
        let both = Config.commandLineEntries(["GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "x.y", "GIT_CONFIG_VALUE_0": "1",
                                              "GIT_CONFIG_PARAMETERS": "'x.y'='2'"])
        #expect(both.map(\.value) == ["1", "2"])
    }

    @Test("Configuration files in git-config syntax, single and multi-valued")
    func config() throws {
        let c = try Config.parse(Array("[backport]\n\tsource = trunk\n\ttarget = a-*\n\ttarget = b-*\n\tflag = yes\n".utf8))
        #expect(try c.string("backport.source") == "trunk")
        #expect(try c.strings("backport.target") == ["a-*", "b-*"])
        #expect(try c.bool("backport.flag") == true)
        #expect(try c.string("backport.missing") == nil)
        #expect(throws: GitError.self) { try Config.parse(Array("[broken\n".utf8)) }
    }
}
