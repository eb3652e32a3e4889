import Backport
import Git
import Testing

@Suite("Fix trailers")
struct TrailerTests {
    func request(_ trailers: [(String, String)], settings: Settings = Settings()) -> FixRequest {
        FixRequest(trailers: trailers.map { Trailer(key: $0.0, value: $0.1) }, settings: settings)
    }

    @Test("Fixes: takes the commit id and sends the fix everywhere")
    func fixes() {
        let r = request([("Fixes", "0123456789ab (\"parser: add a fast path\")")])
        #expect(r.isFix)
        #expect(r.culprits == ["0123456789ab"])
        #expect(r.scopes == [.all])
        #expect(r.warnings.isEmpty)
    }

    @Test("A Fixes: without a commit id is a warning, not a crash")
    func malformedFixes() {
        let r = request([("Fixes", "the typo from last week")])
        #expect(r.isFix)
        #expect(r.culprits.isEmpty)
        #expect(r.warnings.count == 1)
        #expect(r.warnings[0].contains("malformed trailer 'Fixes: the typo from last week'"))
    }

    @Test("Fixes: naming an issue is not a nomination and not a warning", arguments: [
        "#123", "GH-123", "gh-45", "https://github.com/o/r/issues/123", "https://github.com/o/r/pull/9", "moby/moby#40919",
        "https://gitlab.com/g/p/-/issues/7",
    ])
    func issueReferences(value: String) {
        let r = request([("Fixes", value)])
        #expect(!r.isFix)
        #expect(r.warnings.isEmpty)
        #expect(r.culprits.isEmpty)
    }

    @Test("Fixes: names a commit in the forms people write", arguments: [
        ("0123456789ab", "0123456789ab"), ("0123456789AB (\"subject\")", "0123456789ab"), ("commit 0123456789ab", "0123456789ab"),
        ("https://github.com/o/r/commit/0123456789abcdef", "0123456789abcdef"),
        ("https://gitlab.com/g/p/-/commit/0123456789ab", "0123456789ab"),
    ])
    func commitForms(value: String, id: String) {
        let r = request([("Fixes", value)])
        #expect(r.isFix)
        #expect(r.culprits == [id])
        #expect(r.warnings.isEmpty)
    }

    @Test("Backport-To: and Backport: take versions, ranges and branch names, comma or space separated")
    func backportTo() {
        let r = request([("Backport-To", "1.1, 1.2+"), ("backport", "release/2.0 v3.1.x")])
        #expect(r.scopes == [.exactly(Version([1, 1])), .from(Version([1, 2])), .branch("release/2.0"), .exactly(Version([3, 1]))])
        #expect(r.culprits.isEmpty)
    }

    @Test("A target name no branch can have is a warning and sends the fix nowhere", arguments: [
        "../../etc", "-delete", "--force", "release/1.2.lock", "a~1", "HEAD", "@", "refs/heads/release/1.2", "x//y", ".hidden",
    ])
    func badBranchName(_ name: String) {
        let r = request([("Backport-To", "1.1, \(name)")])
        #expect(r.isFix)
        #expect(r.scopes == [.exactly(Version([1, 1]))])
        #expect(r.warnings.count == 1)
        #expect(r.warnings.first?.contains("'\(name)' cannot be a branch name") == true)
    }

    @Test("An empty Backport-To: is a warning")
    func emptyBackportTo() {
        let r = request([("Backport-To", "")])
        #expect(r.isFix)
        #expect(r.scopes.isEmpty)
        #expect(r.warnings.first?.contains("names no release") == true)
    }

    @Test("Cc: stable with and without a version comment", arguments: [
        ("stable@vger.kernel.org # 5.10+", FixRequest.Scope.from(Version([5, 10]))),
        ("<stable@vger.kernel.org> # v5.4+", .from(Version([5, 4]))),
        ("stable@vger.kernel.org # 5.10.x", .exactly(Version([5, 10]))),
        ("stable@vger.kernel.org # 5.10.x: 1234abcd: prerequisite", .exactly(Version([5, 10]))),
        ("stable@vger.kernel.org", .all),
        ("Stable Team <STABLE@vger.kernel.org>", .all),
    ])
    func stable(value: String, scope: FixRequest.Scope) {
        let r = request([("Cc", value)])
        #expect(r.isFix)
        #expect(r.scopes == [scope])
        #expect(r.warnings.isEmpty)
    }

    @Test("Cc: to anyone else is not a fix")
    func ccOther() {
        #expect(!request([("Cc", "linux-kernel@vger.kernel.org")]).isFix)
    }

    @Test("A stable version comment that cannot be read is a warning and goes everywhere")
    func stableGarbage() {
        let r = request([("Cc", "stable@vger.kernel.org # please backport")])
        #expect(r.scopes == [.all])
        #expect(r.warnings.count == 1)
    }

    @Test("Configured keys work like Backport-To:")
    func configuredKeys() {
        var settings = Settings()
        settings.backportKeys += ["Needs-Backport"]
        let r = request([("needs-backport", "7.2")], settings: settings)
        #expect(r.scopes == [.exactly(Version([7, 2]))])
        #expect(!request([("Needs-Backport", "7.2")]).isFix)
    }
}

@Suite("Markers")
struct MarkerTests {
    static let id = "0123456789abcdef0123456789abcdef01234567"

    @Test("Every marker form names its upstream commit", arguments: [
        "fix it\n\n(cherry picked from commit \(id))\n",
        "[ upstream commit \(id) ]\n\nfix it\n",
        "fix it\n\n[ Upstream commit \(id) ]\n",
        "fix it\n\ncommit \(id) upstream.\n",
        "fix it\n\nUpstream-commit: \(id)\n",
        "fix it\n\nBackport-of: \(id)\n",
    ])
    func forms(message: String) {
        #expect(Marker.commits(in: message) == [Self.id])
    }

    @Test("Abbreviated ids count; words and short runs do not")
    func abbreviated() {
        #expect(Marker.commits(in: "(cherry picked from commit 0123456789ab)") == ["0123456789ab"])
        #expect(Marker.commits(in: "upstream commit abc123 is six") == [])
        #expect(Marker.commits(in: "upstream commit deadbeefy") == [])
        #expect(Marker.commits(in: "commit 0123456789ab downstream") == [])
    }
}

@Suite("Versions")
struct VersionTests {
    @Test("Versions sort numerically")
    func order() {
        let sorted = ["5.10", "5.9", "6.1", "5.15", "4.19"].compactMap { Version(parsing: $0) }.sorted()
        #expect(sorted.map(\.description) == ["4.19", "5.9", "5.10", "5.15", "6.1"])
    }

    @Test("Branch names carry versions", arguments: [
        ("release-1.14", "1.14"), ("v1.14", "1.14"), ("7.2", "7.2"), ("linux-5.10.y", "5.10"),
        ("openssl-3.0", "3.0"), ("stable/2023.1", "2023.1"), ("release/v2", "2"),
    ])
    func branchNames(name: String, version: String) {
        #expect(Version(inBranchName: name)?.description == version)
    }

    @Test("A name without digits has no version")
    func noVersion() {
        #expect(Version(inBranchName: "maint") == nil)
        // A number too large for a version: no version rather than a wrong one.
        #expect(Version(inBranchName: "release/99999999999999999999.1") == nil)
        #expect(Version(inBranchName: "release/1.99999999999999999999") == nil)
        #expect(Version(parsing: "1.x.2") == nil)
        #expect(Version(parsing: "5.10.x") == Version([5, 10]))
    }
}
