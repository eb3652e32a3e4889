import Foundation
import Git
import Testing
import TestSupport

@Suite("Reference names as git check-ref-format reads them")
struct RefNameTests {
    /// Names that break one rule each, and names that look odd but are fine.
    static let tricky: [String] = [
        "release/1.2", "v1.14", "1.14", "stable/5.10.x", "origin/release/1.6", "a", "a-", "a@b", "x/@/y",
        "foo.lock.x", "a/HEAD", "refs/heads/x", "é", "日本/リリース", "a+b", "a=b", "a#b", "a!b", "a%b", "a'b",
        "a\"b", "a,b", "a;b", "a{b}", "a}b", "a|b", "a<b>", "a$b", "a&b", "a(b)",
        "", "-", "-a", "--force", "HEAD", "../../etc", "a/../b", "a..b", "..", ".", "a/.", "a/./b", ".a",
        "a/.b", "a.", "a/b.", "a.lock", "a/b.lock", "a.lock/b", "a/b.lock/c", ".lock", "a@{b", "@{-1}",
        "a@{u}", "a/", "/a", "a//b", "a b", "a\tb", "a\nb", "a\u{1b}[2Jb", "a\u{7f}b", "a~1", "a^", "a^{}",
        "a:b", "a?b", "a*", "a[b", "a\\b", "a/b/",
    ]

    @Test("Branch names agree with git check-ref-format --branch", arguments: tricky)
    func branchNames(_ name: String) throws {
        let outside = FileManager.default.temporaryDirectory.path
        let git = try run("/usr/bin/git", ["check-ref-format", "--branch", name], in: outside)
        #expect(RefName.isValidBranchName(name) == (git.status == 0), "git: \(git.status) \(git.stderr)")
        #expect((RefName.problem(name) == nil) == (git.status == 0))
    }

    /// git reads a name starting with `-` as an option here, so each name is asked under
    /// `refs/x/` (where a leading `-` is allowed, as in a full name).
    @Test("Full names agree with git check-ref-format", arguments: tricky + ["@", "refs/heads/@"])
    func fullNames(_ name: String) throws {
        let outside = FileManager.default.temporaryDirectory.path
        let git = try run("/usr/bin/git", ["check-ref-format", "refs/x/" + name], in: outside)
        #expect(RefName.isValidFullName("refs/x/" + name) == (git.status == 0), "git: \(git.status) \(git.stderr)")
        guard !name.hasPrefix("-") else { return }
        let oneLevel = try run("/usr/bin/git", ["check-ref-format", "--allow-onelevel", name], in: outside)
        #expect(RefName.isValidFullName(name) == (oneLevel.status == 0), "git: \(oneLevel.status) \(oneLevel.stderr)")
    }

    /// git takes `@` as a branch (`refs/heads/@`), but `@` means HEAD in every revision
    /// argument, so such a branch could never be named: refused, on purpose.
    @Test func atIsNotABranch() throws {
        let outside = FileManager.default.temporaryDirectory.path
        #expect(try run("/usr/bin/git", ["check-ref-format", "--branch", "@"], in: outside).status == 0)
        #expect(!RefName.isValidBranchName("@"))
        #expect(RefName.problem("@") == "is '@', which names HEAD")
    }

    @Test func reasons() {
        #expect(RefName.problem("../../etc") == "contains '..'")
        #expect(RefName.problem("-f") == "begins with '-'")
        #expect(RefName.problem("a b") == "contains a space")
        #expect(RefName.problem("a\u{1b}b") == "contains a control character")
        #expect(RefName.problem("x.lock") == "has a component that ends with '.lock'")
        #expect(RefName.problem("a/.b") == "has a component that begins with '.'")
        #expect(RefName.problem("a@{1}") == "contains '@{'")
        #expect(RefName.problem("a/") == "ends with '/'")
        #expect(RefName.problem("a//b") == "contains '//'")
        #expect(RefName.problem("release/1.2") == nil)
    }
}
