import Backport
import Foundation
import Git
import Testing
import TestSupport

@Suite("Nothing the user owns changes")
struct SafetyTests {
    /// A repository with fixes in every outcome: the sample repository of Scripts/demo.
    func sample() throws -> Fixture {
        let f = try Fixture(initialize: false)
        let output = try run(packageRoot + "/Scripts/sample-repo", [f.path], in: packageRoot)
        try #require(output.status == 0, "\(output.stderr)")
        return f
    }

    @Test("A dirty working tree and index are byte-for-byte the same after plan, and no object file is written or touched")
    func dirtyCheckout() throws {
        let f = try sample()
        try f.write("src/parser.c", "uncommitted edit\n")
        try f.write("src/net.c", "staged edit\n")
        try f.git("add", "src/net.c")
        try f.write("untracked.txt", "mine\n")
        let index = try Data(contentsOf: URL(fileURLWithPath: f.path + "/.git/index"))
        let status = try f.git("status", "--porcelain=v2", "--branch")
        let refs = try f.git("for-each-ref", "--format=%(refname) %(objectname)")
        let config = try f.read(".git/config")
        let objects = try f.objectFiles()

        let p = try plan(f)
        #expect(p.results.contains { $0.outcome == .clean })
        #expect(p.results.contains { $0.outcome == .conflicted || $0.outcome == .needsAdaptation })
        _ = try plan(f) { $0.independent = true; $0.all = true }

        #expect(try Data(contentsOf: URL(fileURLWithPath: f.path + "/.git/index")) == index)
        #expect(try f.git("status", "--porcelain=v2", "--branch") == status)
        #expect(try f.git("for-each-ref", "--format=%(refname) %(objectname)") == refs)
        #expect(try f.read(".git/config") == config)
        #expect(try f.read("src/parser.c") == "uncommitted edit\n")
        #expect(try f.read("untracked.txt") == "mine\n")
        #expect(try f.objectFiles() == objects)
        #expect(try f.git("worktree", "list", "--porcelain").components(separatedBy: "worktree ").count == 2)
    }

    @Test("A bare repository plans the same, and no object file is written or touched")
    func bare() throws {
        let f = try sample()
        let bare = try Fixture(initialize: false)
        try bare.git("clone", "-q", "--bare", f.path, ".")
        let objects = try bare.objectFiles(gitDirectory: bare.path)
        let inBare = try plan(bare)
        let inWorkTree = try plan(f)
        #expect(inBare.results.map(\.outcome) == inWorkTree.results.map(\.outcome))
        #expect(inBare.results.map(\.tree) == inWorkTree.results.map(\.tree))
        #expect(try bare.objectFiles(gitDirectory: bare.path) == objects)
    }

    @Test("A CI clone with only remote-tracking release branches plans with --remote")
    func remoteTracking() throws {
        let f = try sample()
        let clone = try Fixture(initialize: false)
        try clone.git("clone", "-q", f.path, ".")
        #expect(try clone.git("branch", "--list", "release/*") == "")
        var settings = try Settings.load(from: try Repository.discover(startingAt: clone.path))
        settings.remote = "origin"
        let remote = try plan(clone, settings: settings)
        #expect(remote.source.branch == "origin/main")
        #expect(remote.targets.map(\.branch) == ["origin/release/1.0", "origin/release/1.1", "origin/release/1.2"])
        #expect(remote.targets.allSatisfy { $0.remote })
        let local = try plan(f)
        #expect(remote.results.map(\.outcome) == local.results.map(\.outcome))
        // Versions in trailers still resolve through the remote's branch names.
        #expect(remote.candidates.first { $0.subject.hasPrefix("parser: reject empty") }?.targets == ["origin/release/1.1", "origin/release/1.2"])
    }
}
