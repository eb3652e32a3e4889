import Backport
import Foundation
import Git
import Testing
import TestSupport

/// What one pick cannot do must not end the plan: a missing or corrupt object is an
/// `error` on the picks that need it, a submodule moved on both sides is a conflict, and an
/// object no pick reads may be missing with no effect at all.
@Suite("Faults")
struct FaultTests {
    /// The loose object file of `id`.
    func objectPath(_ f: Fixture, _ id: String) -> String {
        f.path + "/.git/objects/" + id.prefix(2) + "/" + id.dropFirst(2)
    }

    @Test("A deleted blob, a corrupt blob and a submodule conflict: those picks say so, every other pick is right")
    func brokenObjects() throws {
        let f = try Fixture()
        for name in ["a", "b", "c", "d"] { try f.write("\(name).txt", Fixture.lines(name, 20)) }
        try f.git("update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,sub")
        // An empty folder where the submodule would be checked out, so `git add -A` keeps it.
        try FileManager.default.createDirectory(atPath: f.path + "/sub", withIntermediateDirectories: true)
        try f.commit("initial")
        try f.git("branch", "release/1.0")
        try f.git("checkout", "-q", "release/1.0")
        try f.write("d.txt", Fixture.lines("d on the release", 20))
        // The fixes of b.txt and c.txt are merged line by line on the release: their blobs are read.
        try f.edit("b.txt", line: 15, to: "release b15")
        try f.edit("c.txt", line: 15, to: "release c15")
        try f.git("update-index", "--cacheinfo", "160000,2222222222222222222222222222222222222222,sub")
        try f.commit("release: its own d.txt and submodule")
        let releaseOnlyBlob = try f.git("rev-parse", "HEAD:d.txt")
        try f.git("checkout", "-q", "main")
        try f.edit("a.txt", line: 3, to: "fixed a3")
        try f.commit("fix a\n\nBackport-To: 1.0")
        try f.edit("b.txt", line: 3, to: "fixed b3")
        try f.commit("fix b\n\nBackport-To: 1.0")
        let missingBlob = try f.git("rev-parse", "HEAD:b.txt")
        try f.edit("c.txt", line: 3, to: "fixed c3")
        try f.commit("fix c\n\nBackport-To: 1.0")
        let corruptBlob = try f.git("rev-parse", "HEAD:c.txt")
        try f.git("update-index", "--cacheinfo", "160000,3333333333333333333333333333333333333333,sub")
        try f.commit("bump sub\n\nBackport-To: 1.0")
        try f.edit("a.txt", line: 10, to: "fixed a10")
        try f.commit("fix a again\n\nBackport-To: 1.0")
        try f.write("e.txt", "a new file\n")
        try f.commit("add e\n\nBackport-To: 1.0")
        let unreadBlob = try f.git("rev-parse", "HEAD:e.txt")

        try FileManager.default.removeItem(atPath: objectPath(f, missingBlob))
        try FileManager.default.removeItem(atPath: objectPath(f, releaseOnlyBlob))
        try FileManager.default.removeItem(atPath: objectPath(f, unreadBlob))
        let corrupt = objectPath(f, corruptBlob)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: corrupt)
        try Data("not a zlib stream".utf8).write(to: URL(fileURLWithPath: corrupt))

        for independent in [false, true] {
            let p = try plan(f) { $0.independent = independent }
            #expect(p.outcome("fix a", on: "release/1.0") == .clean)
            #expect(p.outcome("fix a again", on: "release/1.0") == .clean)
            // Adding a file passes its blob's id along: the blob itself is not needed.
            #expect(p.outcome("add e", on: "release/1.0") == .clean)
            let missing = try #require(p.result("fix b", on: "release/1.0"))
            #expect(missing.outcome == .error)
            #expect(missing.reasons.first?.code == .missingObject, "\(missing.reasons)")
            #expect(missing.reasons.first?.message.contains("b.txt") == true)
            #expect(missing.reasons.first?.message.contains(missingBlob) == true)
            #expect(missing.reasons.first?.message.contains("release/1.0") == true)
            let broken = try #require(p.result("fix c", on: "release/1.0"))
            #expect(broken.outcome == .error)
            #expect(broken.reasons.first?.message.contains("c.txt") == true)
            let sub = try #require(p.result("bump sub", on: "release/1.0"))
            #expect(sub.outcome == .conflicted)
            #expect(sub.conflicts.map(\.kind) == [.submodule])
            #expect(sub.conflicts.map(\.path) == ["sub"])
        }
    }

    @Test("A shallow clone whose history stops too soon is one fatal error that says how to deepen it")
    func shallow() throws {
        let f = try baseFixture()
        for i in 1...5 {
            try f.edit("a.txt", line: i, to: "main \(i)")
            try f.commit("fix \(i)\n\nBackport-To: 1.0")
        }
        let clone = try Fixture(initialize: false)
        try clone.git("clone", "-q", "--depth", "2", "--no-single-branch", "file://" + f.path, ".")
        #expect(throws: BackportError.shallowClone) {
            try plan(clone) { $0.onto = ["origin/release/1.0"] }
        }
    }
}
