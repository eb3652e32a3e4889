import Foundation
@testable import Git
import Testing
import TestSupport

/// A fix's side of a text merge is diffed once for every target (``SideDiffs``): the
/// merges that reuse it write what merges that diff it themselves write.
@Suite("Side diffs kept between merges")
struct SideDiffsTests {
    @Test("A kept diff gives the merge it would have made, and it is the one the next merge uses")
    func reused() throws {
        let f = try Fixture()
        let repository = try Repository.openBare(gitDirectory: f.path + "/.git")
        let base = (1...30).map { "line \($0)\n" }.joined()
        let theirs = base.replacingOccurrences(of: "line 20\n", with: "line twenty\n")
        let versions = [base.replacingOccurrences(of: "line 3\n", with: "line three\n"),
                        base.replacingOccurrences(of: "line 20\n", with: "line 20 changed\n"),
                        "line 0\n" + base]
        let ids = try ([base, theirs] + versions).map { try repository.writeBlob(Array($0.utf8)) }
        let sideDiffs = SideDiffs()
        for (k, ours) in versions.enumerated() {
            let merged = try #require(try repository.mergeTextFile(path: "f", mode: 0o100644, ancestor: ids[0], ours: ids[2 + k],
                                                                   theirs: ids[1], labels: ("ours", "theirs"), sideDiffs: sideDiffs))
            let expected = try TextMerge.merge(base: Array(base.utf8), ours: Array(ours.utf8), theirs: Array(theirs.utf8),
                                               labels: ("ours", "theirs", nil))
            #expect(merged.content == expected.content, "\(k)")
            #expect(merged.automergeable == (expected.conflicts == 0), "\(k)")
            #expect(sideDiffs.diff(from: ids[0], to: ids[1]) == [Change(i1: 19, i2: 19, chg1: 1, chg2: 1)])
        }
        // A diff saying the fix changed nothing: the merge takes the target's file as it is.
        let seeded = SideDiffs()
        seeded.keep([], from: ids[0], to: ids[1])
        let merged = try #require(try repository.mergeTextFile(path: "f", mode: 0o100644, ancestor: ids[0], ours: ids[2], theirs: ids[1],
                                                               labels: ("ours", "theirs"), sideDiffs: seeded))
        #expect(String(decoding: merged.content, as: UTF8.self) == versions[0])
    }
}
