import Foundation
import Testing
import TestSupport

@Suite("Differential fuzzing against git's merge")
struct FuzzTests {
    /// Seeds of Scripts/fuzz whose random repositories once made git-backport disagree with
    /// git's merge, one per rule settled since (Docs/design.md): kind changes (7, 18, 106),
    /// folder renames and renames (102, 116, 123, 130, 1044, 2085, 20424), a directory rename split
    /// (145). Run with the binary this test run built: every pick's call, clean tree and
    /// conflicted paths must agree with git's, plan must not fail, and the repository must
    /// not change. 30 to 45 s on a busy 2-core machine.
    static let settledSeeds = [7, 18, 102, 106, 116, 123, 130, 145, 1044, 2085, 20424, 50211, 60276]

    @Test("Scripts/fuzz on the seeds that once disagreed: no difference with git")
    func settledSeedsAgree() throws {
        let out = try run(packageRoot + "/Scripts/fuzz", ["--seeds", Self.settledSeeds.map(String.init).joined(separator: ","),
                                                          "--binary", binary], in: packageRoot)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("\(Self.settledSeeds.count) cases") && out.stdout.contains(", 0 failing"), "\(out.stdout)")
    }
}
