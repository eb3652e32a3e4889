import Foundation
import Git
import Testing
import TestSupport

@Suite("Trailers as git interpret-trailers --parse reads them")
struct TrailerParserTests {
    /// git's own reading: `Key: value` lines.
    static func git(_ message: String) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trailers-\(UUID().uuidString)").path
        try message.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let out = try run("/usr/bin/git", ["interpret-trailers", "--parse", file], in: FileManager.default.temporaryDirectory.path)
        return out.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    static func ours(_ message: String) -> [String] {
        TrailerParser.trailers(of: message).map { "\($0.key): \($0.value)" }
    }

    @Test("Hand-made messages", arguments: [
        "fix a\n\nCc:\nBackport-To: 1.0\n",
        "fix a\n\nBackport-To: 1.0\nCc: stable@vger.kernel.org # 5.10+\n",
        "only a title\n",
        "title\nstill title\n\nbody\n\nFixes: 0123456789ab (\"x\")\nSigned-off-by: A <a@b>\n",
        "title\n\nsome prose here\nthat is long\nand more\nSigned-off-by: A <a@b>\n",
        "title\n\nprose\nmore prose\nand more\nand more\nKey: v\n",
        "title\n\nKey: value that\n  continues here\n   and here\nOther: x\n",
        "title\n\nKey : spaced\nKey2\t: tabbed\n",
        "title\n\nbody\n\n(cherry picked from commit 0123456789abcdef)\nSigned-off-by: A <a@b>\n",
        "title\n\nbody\n\nFixes: abc\n---\nBackport-To: 1.0\n",
        "title\n\nbody\n\nFixes: abc\n\n# a comment\n\n",
        "title\n\nKey: v\n\n",
        "title\n\nnot: a trailer because\nthis line is prose\n",
        "title\n\n: empty token\nKey: ok\n",
        "title\n\nKey:\nKey: twice\nKey: twice\n",
        "title\n\n  Indented: no\nKey: yes\n",
        "title\n\nKey: v\nConflicts:\n\tpath\n",
        "title\n\nX-Y_Z: underscore stops the token\nA-B: ok\n",
        "",
        "\n\nKey: after blank title\n",
    ])
    func handMade(message: String) throws {
        #expect(Self.ours(message) == (try Self.git(message)), "\(message.debugDescription)")
    }

    @Test("Generated messages agree with git")
    func generated() throws {
        // A fixed seed: the same messages on every run.
        var seed: UInt64 = 20_261_128
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let pieces = ["Signed-off-by: A <a@b>", "Fixes: 0123456789ab", "Cc:", "Cc: stable@vger.kernel.org # 5.10+",
                      "Backport-To: 1.0, 1.1", "  continued", "\tcontinued", "prose line", "more prose: here", "",
                      "# comment", "(cherry picked from commit 0123abc)", "---", "Key : v", "Reviewed-by: B",
                      "Conflicts:", "\tsrc/a.c", " ", "x:"]
        for _ in 0..<150 {
            var lines = ["title"]
            for _ in 0..<next(9) { lines.append(pieces[next(pieces.count)]) }
            let message = lines.joined(separator: "\n") + (next(4) == 0 ? "" : "\n")
            #expect(Self.ours(message) == (try Self.git(message)), "\(message.debugDescription)")
        }
    }
}
