import Foundation
import Testing
import TestSupport

@Suite("Differential fuzzing against git's merge")
struct FuzzTests {
    /// Seeds of Scripts/fuzz whose random repositories once made git-backport disagree with
    /// git's merge (each settled since; see Docs/design.md), run with the binary this test
    /// run built: every pick's call, clean tree and conflicted paths must agree with git's,
    /// plan must not fail, and the repository must not change.
    static let settledSeeds = [7, 17, 18, 20, 100, 102, 106, 113, 116, 123, 130, 137, 145, 1044, 2085]

    @Test("Scripts/fuzz on the seeds that once disagreed: no difference with git")
    func settledSeedsAgree() throws {
        let out = try run(packageRoot + "/Scripts/fuzz", ["--seeds", Self.settledSeeds.map(String.init).joined(separator: ","),
                                                          "--binary", binary], in: packageRoot)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("\(Self.settledSeeds.count) cases") && out.stdout.contains(", 0 failing"), "\(out.stdout)")
    }
}
