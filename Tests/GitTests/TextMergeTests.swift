import Foundation
import Git
import Testing
import TestSupport

/// `TextMerge` against git's own merge. The expected bytes of the hand-made cases were
/// produced with git 2.39.5: three commits (base, and `ours` and `theirs` on top of it,
/// file `f`), then `git merge-tree --write-tree ours theirs` (merge-ort; with
/// `-c merge.conflictStyle=diff3|zdiff3` for those styles, `* merge=union` in
/// `.git/info/attributes` for union) or `git merge -X ours|theirs` (for those favors), and
/// `git cat-file blob <result>:f`. The `|||||||` label is the base commit's short id git
/// printed. "Myers" below is `git merge-file -p` (xdiff's classic diff, as libgit2's
/// `git_merge_file`) on the same files.
@Suite("git's three-way text merge (TextMerge)")
struct TextMergeTests {
    private func merge(_ base: String, _ ours: String, _ theirs: String, style: TextMerge.Style = .merge,
                       favor: TextMerge.Favor = .none, baseLabel: String? = nil) throws -> (String, Int) {
        let result = try TextMerge.merge(base: Array(base.utf8), ours: Array(ours.utf8), theirs: Array(theirs.utf8),
                                         labels: ("ours", "theirs", baseLabel), style: style, favor: favor)
        return (String(decoding: result.content, as: UTF8.self), result.conflicts)
    }

    @Test("Changes to different lines merge cleanly")
    func clean() throws {
        let (text, conflicts) = try merge("1\n2\n3\n4\n5\n6\n", "1\ntwo\n3\n4\n5\n6\n", "1\n2\n3\n4\nfive\n6\n")
        #expect(text == "1\ntwo\n3\n4\nfive\n6\n")
        #expect(conflicts == 0)
    }

    @Test("Different changes to one line conflict, with the labels on the markers")
    func conflict() throws {
        let (text, conflicts) = try merge("a\nb\nc\n", "a\nB1\nc\n", "a\nB2\nc\n")
        #expect(text == "a\n<<<<<<< ours\nB1\n=======\nB2\n>>>>>>> theirs\nc\n")
        #expect(conflicts == 1)
    }

    @Test("The same change on both sides is taken once (zealous merge)")
    func zealous() throws {
        let (text, conflicts) = try merge("a\nb\nc\nd\ne\n", "a\nX\nc\nd\nE\n", "a\nX\nc\nd\ne\n")
        #expect(text == "a\nX\nc\nd\nE\n")
        #expect(conflicts == 0)
    }

    @Test("A conflict is refined to the lines the sides do not share")
    func refined() throws {
        let (text, conflicts) = try merge("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3a\n4a\n5a\n6a\n7a\n8\n9\n",
                                          "1\n2\n3a\n4a\n5b\n6a\n7a\n8\n9\n")
        #expect(text == "1\n2\n3a\n4a\n<<<<<<< ours\n5a\n=======\n5b\n>>>>>>> theirs\n6a\n7a\n8\n9\n")
        #expect(conflicts == 1)
    }

    @Test("Histogram diff: git conflicts where a Myers merge is clean")
    func histogramNotMyers() throws {
        // Myers (git merge-file, libgit2) gives "e\n{\nb\na\nd\nd\n" with no conflict.
        let (text, conflicts) = try merge("e\nd\nd\n{\n", "e\n{\nb\na\nd\nd\n", "e\nd\nd\n")
        #expect(text == "e\n<<<<<<< ours\n{\nb\na\n=======\n>>>>>>> theirs\nd\nd\n")
        #expect(conflicts == 1)
    }

    @Test("Lines repeated more than 64 times go to the classic diff")
    func classicFallback() throws {
        // Every base line occurs 70 times: histogram diff falls back to the classic one,
        // which finds the one-line insertions (treated as one changed region, this would be
        // one conflict over the whole file).
        let x = String(repeating: "x\n", count: 10)
        let base = String(repeating: x, count: 7)
        let ours = x + "A\n" + String(repeating: x, count: 6)
        let theirs = String(repeating: x, count: 5) + "B\n" + String(repeating: x, count: 2)
        let (text, conflicts) = try merge(base, ours, theirs)
        #expect(text == x + "A\n" + String(repeating: x, count: 4) + "B\n" + String(repeating: x, count: 2))
        #expect(conflicts == 0)
    }

    @Test("A last line without newline: kept when merged, ended before a marker")
    func noFinalNewline() throws {
        let (clean, none) = try merge("a\nb\nc", "A\nb\nc", "a\nb\nC")
        #expect(clean == "A\nb\nC")
        #expect(none == 0)
        let (text, conflicts) = try merge("a\nb", "a\nB1", "a\nB2")
        #expect(text == "a\n<<<<<<< ours\nB1\n=======\nB2\n>>>>>>> theirs\n")
        #expect(conflicts == 1)
    }

    @Test("CRLF files get CRLF markers")
    func crlf() throws {
        let (text, conflicts) = try merge("a\r\nb\r\nc\r\n", "a\r\nB1\r\nc\r\n", "a\r\nB2\r\nc\r\n")
        #expect(text == "a\r\n<<<<<<< ours\r\nB1\r\n=======\r\nB2\r\n>>>>>>> theirs\r\nc\r\n")
        #expect(conflicts == 1)
    }

    @Test("diff3 shows the base and does not refine; zdiff3 trims the shared ends")
    func diff3Styles() throws {
        let base = "1\n2\n3\n4\n5\n6\n7\n8\n9\n"
        let ours = "1\n2\n3a\n4a\n5a\n6a\n7a\n8\n9\n", theirs = "1\n2\n3a\n4a\n5b\n6a\n7a\n8\n9\n"
        let (diff3, c1) = try merge(base, ours, theirs, style: .diff3, baseLabel: "64019ba")
        #expect(diff3 == "1\n2\n<<<<<<< ours\n3a\n4a\n5a\n6a\n7a\n||||||| 64019ba\n3\n4\n5\n6\n7\n=======\n3a\n4a\n5b\n6a\n7a\n>>>>>>> theirs\n8\n9\n")
        #expect(c1 == 1)
        let (zdiff3, c2) = try merge(base, ours, theirs, style: .zdiff3, baseLabel: "64019ba")
        #expect(zdiff3 == "1\n2\n3a\n4a\n<<<<<<< ours\n5a\n||||||| 64019ba\n3\n4\n5\n6\n7\n=======\n5b\n>>>>>>> theirs\n6a\n7a\n8\n9\n")
        #expect(c2 == 1)
    }

    @Test("Favors: union joins both sides, ours and theirs take one")
    func favors() throws {
        let (union, c1) = try merge("a\nb\nc\n", "a\nB1\nc\n", "a\nB2\nc\n", favor: .union)
        #expect(union == "a\nB1\nB2\nc\n")
        #expect(c1 == 0)
        let base = "a\nb\nc\nd\ne\n", ours = "a\nB1\nc\nd\nE\n", theirs = "a\nB2\nc\nd\ne\n"
        #expect(try merge(base, ours, theirs, favor: .ours) == ("a\nB1\nc\nd\nE\n", 0))
        #expect(try merge(base, ours, theirs, favor: .theirs) == ("a\nB2\nc\nd\nE\n", 0))
    }

    @Test("A side that left the base as it was gives the other side, byte for byte")
    func oneSideUnchanged() throws {
        #expect(try merge("a\nb\n", "a\nb\n", "x\r\ny") == ("x\r\ny", 0))
        #expect(try merge("", "", "") == ("", 0))
        #expect(try merge("", "a\n", "b\n") == ("<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n", 1))
    }

    @Test("Generated triples merge as git merge-tree merges them, in the three styles")
    func matchesGitMergeTree() throws {
        var random = SplitMix(state: 2039)
        let triples = (0..<200).map { _ in Self.generatedTriple(&random) }
        let f = try Fixture()
        let labels = try Self.commitTriples(triples, in: f)
        for (style, name) in [(TextMerge.Style.merge, "merge"), (.diff3, "diff3"), (.zdiff3, "zdiff3")] {
            let expected = try Self.gitMerges(count: triples.count, style: name, in: f)
            var differing: [Int] = []
            for (n, triple) in triples.enumerated() {
                let result = try TextMerge.merge(base: triple.base, ours: triple.ours, theirs: triple.theirs,
                                                 labels: ("o\(n)", "t\(n)", labels[n]), style: style)
                if result.content != expected[n].content || (result.conflicts == 0) != expected[n].clean { differing.append(n) }
            }
            #expect(differing.isEmpty, "\(name): cases \(differing) differ from git")
        }
    }

    // MARK: - Generated triples against git

    private struct Triple {
        var base: [UInt8], ours: [UInt8], theirs: [UInt8]
    }

    /// A base from a small set of lines (some files with lines repeated far more than 64
    /// times), two edited copies of it (sometimes with an edit in common), endings LF or
    /// CRLF, sometimes without the final newline.
    private static func generatedTriple(_ random: inout SplitMix) -> Triple {
        let vocabulary = ["a", "b", "c", "}", "", "  x", "d", "e", "f", "g"]
        let heavy = Int.random(in: 0..<8, using: &random) == 0
        let words = Array(vocabulary.prefix(heavy ? Int.random(in: 1...2, using: &random) : Int.random(in: 2...10, using: &random)))
        let size = heavy ? Int.random(in: 66...150, using: &random) : Int.random(in: 0...25, using: &random)
        let base = (0..<size).map { _ in words.randomElement(using: &random)! }
        func edited(_ lines: [String]) -> [String] {
            var lines = lines
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let at = Int.random(in: 0...lines.count, using: &random)
                let new = (0..<Int.random(in: 0...3, using: &random)).map { _ in words.randomElement(using: &random)! }
                let removed = min(Int.random(in: 0...3, using: &random), lines.count - at)
                lines.replaceSubrange(at..<(at + removed), with: new)
            }
            return lines
        }
        let ours = edited(base)
        let theirs = Int.random(in: 0..<5, using: &random) == 0 ? edited(ours) : edited(base)
        func bytes(_ lines: [String]) -> [UInt8] {
            var result = text(lines, ending: Int.random(in: 0..<8, using: &random) == 0 ? "\r\n" : "\n")
            if !result.isEmpty && Int.random(in: 0..<6, using: &random) == 0 { result.removeLast() }
            return result
        }
        return Triple(base: bytes(base), ours: bytes(ours), theirs: bytes(theirs))
    }

    /// Commits each triple (`p<n>` the base, `o<n>` and `t<n>` on it) with one
    /// `git fast-import`; returns each base commit's id (git's `|||||||` label, in full with
    /// `core.abbrev=40`, so that it does not depend on the objects the merges write).
    private static func commitTriples(_ triples: [Triple], in f: Fixture) throws -> [String] {
        var stream: [UInt8] = []
        func add(_ string: String) { stream += Array(string.utf8) }
        for (n, triple) in triples.enumerated() {
            for (kind, content, parent) in [("p", triple.base, nil), ("o", triple.ours, "p"), ("t", triple.theirs, "p")] {
                add("commit refs/heads/\(kind)\(n)\ncommitter c <c@x> 1700000000 +0000\ndata 0\n")
                if let parent { add("from refs/heads/\(parent)\(n)\n") }
                add("M 100644 inline f\ndata \(content.count)\n")
                stream += content
                add("\n\n")
            }
        }
        try Data(stream).write(to: URL(fileURLWithPath: f.path + "/stream"))
        let imported = try run("/bin/sh", ["-c", "git fast-import --quiet < stream"], in: f.path)
        try #require(imported.status == 0, "git fast-import: \(imported.stderr)")
        let refs = try f.git("for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads/p*")
        var shortIds: [String: String] = [:]
        for line in refs.split(separator: "\n") {
            let parts = line.split(separator: " ")
            shortIds[String(parts[0])] = String(parts[1])
        }
        return triples.indices.map { shortIds["p\($0)"]! }
    }

    /// `git merge-tree --stdin --write-tree` of every `o<n> t<n>`, and file `f` of each
    /// result (with conflict markers when the merge is not clean).
    private static func gitMerges(count: Int, style: String, in f: Fixture) throws -> [(clean: Bool, content: [UInt8])] {
        try (0..<count).map { "o\($0) t\($0)\n" }.joined().write(toFile: f.path + "/merges", atomically: true, encoding: .utf8)
        let merged = try run("/bin/sh", ["-c", "git -c core.abbrev=40 -c merge.conflictStyle=\(style) merge-tree --stdin --write-tree < merges"], in: f.path)
        // Each merge: its status (1 clean), its tree, then for a conflicted merge its
        // conflicted entries and its messages, each list ended by an empty field.
        var fields = merged.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)[...]
        var results: [(clean: Bool, tree: String)] = []
        while let status = fields.popFirst(), !status.isEmpty {
            let tree = fields.removeFirst()
            if status == "1" {
                fields.removeFirst()
            } else {
                while fields.removeFirst() != "" {}
                while case let count? = Int(fields.removeFirst()) { fields.removeFirst(count + 2) }
            }
            results.append((status == "1", tree))
        }
        try results.map { "\($0.tree):f\n" }.joined().write(toFile: f.path + "/blobs", atomically: true, encoding: .utf8)
        let batch = Array(try run("/bin/sh", ["-c", "git cat-file --batch < blobs"], in: f.path).stdout.utf8)
        var contents: [[UInt8]] = []
        var at = 0
        while at < batch.count {
            let newline = batch[at...].firstIndex(of: 0x0a)!
            let size = Int(String(decoding: batch[at..<newline], as: UTF8.self).split(separator: " ")[2])!
            contents.append(Array(batch[(newline + 1)..<(newline + 1 + size)]))
            at = newline + 1 + size + 1
        }
        #expect(results.count == count && contents.count == count)
        return zip(results, contents).map { ($0.clean, $1) }
    }
}
