import Foundation
import Testing
@testable import Backport
import Git

@Suite("apply's pull-request body")
struct ApplyBodyTests {
    /// A report of one target with `count` applied picks whose subjects are long.
    func report(picks count: Int) -> ApplyReport {
        let oid = { (i: Int) in OID(hex: String(format: "%040x", i + 1))! }
        let picks = (0..<count).map { i in
            AppliedPick(commit: oid(i), subject: "fix \(i): " + String(repeating: "a long subject ", count: 8), outcome: .clean, applied: true)
        }
        let target = TargetApplication(target: "release/1.0", branch: "backport/release/1.0", ref: "refs/heads/backport/release/1.0",
                                       oldHead: nil, newHead: oid(99_999), base: oid(99_998), status: .created, picks: picks)
        let plan = Plan(source: SourceReport(branch: "main", head: oid(99_997)), stacked: true, targets: [], candidates: [], results: [])
        return ApplyReport(dryRun: false, style: "git", date: "2026-11-28", source: plan.source, targets: [target], plan: plan)
    }

    @Test("A body longer than GitHub takes is cut to whole lines under 65,536 characters, saying how much was cut")
    func cutToLimit() {
        let short = ApplyMarkdownRenderer().render(report(picks: 3))
        #expect(!short.contains("cut to stay under"))
        let body = ApplyMarkdownRenderer().render(report(picks: 2_000))
        #expect(body.utf8.count <= ApplyMarkdownRenderer.limit)
        #expect(body.hasPrefix("<!-- git-backport apply: backport/release/1.0 -->\n"))
        #expect(body.contains("more lines cut to stay under GitHub's 65536-character limit"))
    }

    @Test("Links to commits on GitHub and GitLab, from the forms remotes take; none for other hosts")
    func forges() {
        let id = OID(hex: String(repeating: "ab", count: 20))!
        #expect(Forge(remoteURL: "git@github.com:cilium/cilium.git")?.commitURL(id) == "https://github.com/cilium/cilium/commit/\(id.hex)")
        #expect(Forge(remoteURL: "https://github.com/cilium/cilium")?.web == "https://github.com/cilium/cilium")
        #expect(Forge(remoteURL: "ssh://git@gitlab.com/group/sub/project.git")?.commitURL(id) == "https://gitlab.com/group/sub/project/-/commit/\(id.hex)")
        #expect(Forge(remoteURL: "https://x-access-token:secret@github.com/o/r.git")?.web == "https://github.com/o/r")
        #expect(Forge(remoteURL: "https://git.example.org/o/r.git") == nil)
        #expect(Forge(remoteURL: "/srv/git/repo.git") == nil)
    }
}
