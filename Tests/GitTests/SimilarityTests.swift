import Foundation
import Git
import Testing
import TestSupport

/// One deleted file and one added file, whose rename score git and `ContentSignature` must agree on.
struct SimilarityCase: Sendable, CustomTestStringConvertible {
    let name: String
    let old: [UInt8]
    let new: [UInt8]
    var testDescription: String { name }
}

/// A deterministic generator (SplitMix64), so the random cases are the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `lines` joined, each ended by `ending`.
func text(_ lines: [String], ending: String = "\n") -> [UInt8] {
    Array(lines.map { $0 + ending }.joined().utf8)
}

/// `count` distinct lines of source-like text.
func numberedLines(_ prefix: String, _ count: Int) -> [String] {
    (1...count).map { "\(prefix) line \($0): let value\($0) = compute(\($0 * 7 % 13), \"\(prefix)\")" }
}

/// `count` lines of 150 characters or so, each cut into three 64-byte spans by git.
func longLines(_ count: Int) -> [String] {
    (1...count).map { i in (0..<10).map { "w\(i)x\($0)abcdefg" }.joined(separator: " ") }
}

enum GitRenames {
    /// The installed git's version, as (major, minor, patch).
    static let version: (Int, Int, Int) = {
        let output = try? run("/usr/bin/git", ["version"], in: FileManager.default.temporaryDirectory.path)
        let numbers = (output?.stdout ?? "")
            .split(separator: " ").dropFirst(2).first?
            .split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 } ?? []
        return (numbers.count > 0 ? numbers[0] : 0, numbers.count > 1 ? numbers[1] : 0, numbers.count > 2 ? numbers[2] : 0)
    }()

    /// git 2.43.2 and later hash a final span that has no '\n' and is under 64 bytes
    /// (git commit 1c5bc6971e); older versions drop it.
    static var hashesFinalPartialSpan: Bool { version >= (2, 43, 2) }

    /// The score git prints for `before.txt` (with `old`) deleted and `after.txt` (with `new`)
    /// added in one commit: the n of `R<n>` from `git diff -M<threshold> --name-status`, or nil
    /// when git reports a deletion and an addition.
    static func score(old: [UInt8], new: [UInt8], threshold: String = "1%") throws -> Int? {
        let f = try Fixture()
        try Data(old).write(to: URL(fileURLWithPath: f.path + "/before.txt"))
        try f.commit("old")
        try FileManager.default.removeItem(atPath: f.path + "/before.txt")
        try Data(new).write(to: URL(fileURLWithPath: f.path + "/after.txt"))
        try f.commit("new")
        let output = try f.git("diff", "-M\(threshold)", "--name-status", "HEAD~1", "HEAD")
        let lines = output.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        if lines.count == 1, let status = lines.first?.first, status.hasPrefix("R"),
           lines[0].dropFirst() == ["before.txt", "after.txt"] {
            return Int(status.dropFirst())
        }
        #expect(lines.map { $0.first ?? "" }.sorted() == ["A", "D"], "unexpected git output: \(output)")
        return nil
    }

    /// What `ContentSignature` predicts git prints: nil when the score is under the threshold,
    /// 100 for identical content (git's exact-rename pass, which runs before any estimate).
    static func predicted(old: [UInt8], new: [UInt8], minimumPercent: Int = 1) -> Int? {
        if old == new { return 100 }
        let a = ContentSignature(old, includesFinalPartialSpan: hashesFinalPartialSpan)
        let b = ContentSignature(new, includesFinalPartialSpan: hashesFinalPartialSpan)
        let percent = a.similarity(to: b, minimumScore: minimumPercent)
        #expect(percent == ContentSignature.percentage(a.score(against: b, minimumScore: minimumPercent * 600)))
        return percent >= minimumPercent ? percent : nil
    }
}

@Suite("git's rename similarity estimate")
struct SimilarityTests {
    static let base200 = numberedLines("base", 200)

    static let cases: [SimilarityCase] = {
        var cases: [SimilarityCase] = []
        func add(_ name: String, _ old: [UInt8], _ new: [UInt8]) { cases.append(SimilarityCase(name: name, old: old, new: new)) }
        let base = base200

        var few = base
        for i in [10, 90, 170] { few[i] = "changed \(i)" }
        add("a few lines changed in a 200-line file", text(base), text(few))

        var half = base
        for i in stride(from: 0, to: 200, by: 2) { half[i] = "rewritten line \(i)" }
        add("half the lines changed", text(base), text(half))

        add("every line changed (no rename)", text(base), text(numberedLines("other", 200)))
        add("lines removed from the end", text(base), text(Array(base.prefix(150))))
        add("lines appended (the added file is larger)", text(base), text(base + numberedLines("more", 60)))
        add("lines reordered", text(base), text(Array(base[100...] + base[..<100])))

        add("CRLF deleted, LF added", text(base, ending: "\r\n"), text(base))
        add("LF deleted, CRLF added", text(base), text(base, ending: "\r\n"))
        add("CRLF on both sides with a few lines changed", text(base, ending: "\r\n"), text(few, ending: "\r\n"))
        add("lone CRs are hashed like any byte", text(base.map { "\r" + $0 }), text(base))
        add("a lone CR after the final LF", text(base) + [0x0D], text(base))

        let long = longLines(50)
        var longMiddle = long
        for i in [3, 20, 41] { longMiddle[i] = String(longMiddle[i].prefix(80)) + "Z" + String(longMiddle[i].dropFirst(81)) }
        add("lines longer than 64 bytes, a byte changed mid-line", text(long), text(longMiddle))
        var longShifted = long
        for i in 0..<25 { longShifted[i] = "+" + longShifted[i] }
        add("lines longer than 64 bytes, half shifted by one byte", text(long), text(longShifted))
        let oneLine = Array(String(repeating: "0123456789", count: 100).utf8)
        add("one 1000-byte line without LF, a byte changed", oneLine, Array(oneLine.prefix(500)) + [0x41] + Array(oneLine.dropFirst(501)))

        add("the added file is empty", text(base), [])
        add("the deleted file is empty", [], text(base))
        add("both files are empty (an exact rename)", [], [])
        add("identical content (an exact rename)", text(base), text(base))
        add("identical CRLF content (an exact rename)", text(base, ending: "\r\n"), text(base, ending: "\r\n"))

        add("the added file is 2.5 times larger", text(Array(base.prefix(80))), text(Array(base.prefix(80)) + numberedLines("grown", 120)))
        add("the added file is 5 times smaller", text(base), text(Array(base.prefix(40))))
        add("a 101-byte line against a 2-byte one", Array(repeating: 0x61, count: 100) + [0x0A], [0x61, 0x0A])

        add("repeated lines: counts compared per hash",
            text(Array(repeating: "}", count: 100) + Array(repeating: "{", count: 20) + base.prefix(50)),
            text(Array(repeating: "}", count: 60) + Array(repeating: "{", count: 70) + base.prefix(50)))
        add("tiny files", Array("hello\n".utf8), Array("hello world\n".utf8))

        var random = SplitMix(state: 42)
        var binary = (0..<6000).map { _ in UInt8.random(in: 0...255, using: &random) }
        binary[5] = 0
        var binaryEdited = binary
        for i in stride(from: 1000, to: 1600, by: 7) { binaryEdited[i] ^= 0x55 }
        add("binary bytes with a few changed", binary, binaryEdited)
        add("binary bytes with a block inserted", binary, Array(binary.prefix(3000)) + Array(repeating: 0xEE, count: 500) + Array(binary.dropFirst(3000)))
        add("binary content keeps its CRs", [0] + text(base, ending: "\r\n"), [0] + text(base))
        add("text deleted, the same bytes and a NUL added (binary)", text(base, ending: "\r\n"), text(base, ending: "\r\n") + [0])
        let big = text(numberedLines("big", 300), ending: "\r\n")
        #expect(big.count > 9000)
        add("a NUL after the first 8000 bytes is still text",
            Array(big.prefix(8500)) + [0] + Array(big.dropFirst(8500)), text(numberedLines("big", 300)) + [0])
        add("a NUL just inside the first 8000 bytes is binary",
            Array(big.prefix(7999)) + [0] + Array(big.dropFirst(7999)), text(numberedLines("big", 300)) + [0])

        // git's own test t4001 "last line matters too": only the first byte differs.
        let tail = "git ignores final up to 63 characters if not newline terminated"
        add("a final line without LF", text(["a"] + (0...9).map(String.init)) + Array(tail.utf8),
            text(["b"] + (0...9).map(String.init)) + Array(tail.utf8))
        add("a final line without LF, changed", text(base) + Array("end".utf8), text(base) + Array("END".utf8))
        return cases
    }()

    @Test("Our percentage equals git's R<score> (or no rename) for each kind of edit", arguments: cases)
    func matchesGit(_ testCase: SimilarityCase) throws {
        let git = try GitRenames.score(old: testCase.old, new: testCase.new)
        #expect(GitRenames.predicted(old: testCase.old, new: testCase.new) == git)
    }

    static let randomCases: [SimilarityCase] = {
        var random = SplitMix(state: 2024)
        var cases: [SimilarityCase] = []
        for index in 0..<24 {
            let vocabulary = (0..<40).map { i in
                String(repeating: "tok\(i)_", count: Int.random(in: 0...18, using: &random))
            }
            var lines = (0..<Int.random(in: 5...150, using: &random)).map { _ in
                vocabulary.randomElement(using: &random)! + String(Int.random(in: 0...30, using: &random))
            }
            let old = lines
            for _ in 0..<Int.random(in: 1...max(1, lines.count / 2), using: &random) {
                let at = Int.random(in: 0..<lines.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: lines[at] = vocabulary.randomElement(using: &random)! + "edited"
                case 1: lines.insert("inserted \(at)", at: at)
                default: if lines.count > 1 { lines.remove(at: at) }
                }
            }
            let oldEnding = Bool.random(using: &random) ? "\r\n" : "\n"
            let newEnding = Int.random(in: 0..<4, using: &random) == 0 ? (oldEnding == "\n" ? "\r\n" : "\n") : oldEnding
            var oldBytes = text(old, ending: oldEnding), newBytes = text(lines, ending: newEnding)
            if Int.random(in: 0..<3, using: &random) == 0 { oldBytes.removeLast() }
            if Int.random(in: 0..<3, using: &random) == 0 { newBytes.removeLast() }
            if Int.random(in: 0..<6, using: &random) == 0 { newBytes.insert(0, at: 0) }
            cases.append(SimilarityCase(name: "random pair \(index) (\(oldBytes.count) -> \(newBytes.count) bytes)", old: oldBytes, new: newBytes))
        }
        return cases
    }()

    @Test("Our percentage equals git's on random edits of random text", arguments: randomCases)
    func matchesGitOnRandomEdits(_ testCase: SimilarityCase) throws {
        let git = try GitRenames.score(old: testCase.old, new: testCase.new)
        #expect(GitRenames.predicted(old: testCase.old, new: testCase.new) == git)
    }

    @Test("At git's default 50% threshold, pairs below it are no rename and pairs above it keep their score")
    func defaultThreshold() throws {
        var few = Self.base200
        for i in [10, 90, 170] { few[i] = "changed \(i)" }
        var half = Self.base200
        for i in stride(from: 0, to: 200, by: 2) { half[i] = "rewritten line \(i)" }
        let grown = Array(Self.base200.prefix(80)) + numberedLines("grown", 120)
        for (old, new) in [(Self.base200, few), (Self.base200, half), (Array(Self.base200.prefix(80)), grown)] {
            let git = try GitRenames.score(old: text(old), new: text(new), threshold: "50%")
            #expect(GitRenames.predicted(old: text(old), new: text(new), minimumPercent: 50) == git)
        }
        // The early size test: 80 of 200 lines cannot reach 50%, so git does not even hash them.
        let a = ContentSignature(text(Array(Self.base200.prefix(80)))), b = ContentSignature(text(grown))
        #expect(a.similarity(to: b) == 0)
        #expect(a.similarity(to: b, minimumScore: 1) > 30)
    }

    @Test("Spans end after LF or 64 bytes, and equal hashes add their lengths")
    func spans() {
        let line = Array(repeating: UInt8(ascii: "x"), count: 130) + [0x0A]
        let signature = ContentSignature(line)
        #expect(signature.size == 131)
        #expect(signature.counts.sorted() == [3, 128]) // 64 + 64 bytes of x share a hash
        let two = ContentSignature(Array("ab\nab\ncd\n".utf8))
        #expect(two.counts.sorted() == [3, 6])
        for s in [signature, two, ContentSignature(text(Self.base200)), ContentSignature(text(longLines(30)))] {
            #expect(zip(s.hashes, s.hashes.dropFirst()).allSatisfy { $0 < $1 })
            #expect(s.hashes.allSatisfy { $0 < ContentSignature.hashBase })
            #expect(s.counts.allSatisfy { $0 > 0 })
            #expect(s.counts.reduce(0) { $0 + Int($1) } == s.size)
        }
        let empty = ContentSignature([])
        #expect(empty.size == 0 && empty.hashes.isEmpty && empty.counts.isEmpty)
    }

    @Test("Text skips the CR of CRLF but counts it in the size; binary keeps it")
    func carriageReturns() {
        let crlf = ContentSignature(Array("one\r\ntwo\r\n".utf8)), lf = ContentSignature(Array("one\ntwo\n".utf8))
        #expect(!crlf.isBinary && crlf.hashes == lf.hashes && crlf.counts == lf.counts)
        #expect(crlf.size == 10 && lf.size == 8)
        #expect(crlf.similarity(to: lf) == 80) // 8 bytes copied of 10
        let forcedBinary = ContentSignature(Array("one\r\ntwo\r\n".utf8), isBinary: true)
        #expect(forcedBinary.isBinary && forcedBinary.counts.reduce(0, +) == 10 && forcedBinary.hashes != lf.hashes)
        let lone = ContentSignature(Array("one\rtwo\r".utf8))
        #expect(lone.counts.reduce(0, +) == 8)
        #expect(ContentSignature(Array("a\0b".utf8)).isBinary)
        #expect(!ContentSignature(Array(repeating: 0x61, count: 8000) + [0]).isBinary)
        #expect(ContentSignature(Array(repeating: 0x61, count: 7999) + [0]).isBinary)
    }

    @Test("The final span without LF counts since git 2.43.2 (t4001 'last line matters too': 23% before, 97% after)")
    func finalPartialSpan() {
        let tail = Array("git ignores final up to 63 characters if not newline terminated".utf8)
        let old = text(["a"] + (0...9).map(String.init)) + tail, new = text(["b"] + (0...9).map(String.init)) + tail
        #expect(old.count == 85)
        let current = ContentSignature(old).similarity(to: ContentSignature(new))
        let legacy = ContentSignature(old, includesFinalPartialSpan: false)
            .similarity(to: ContentSignature(new, includesFinalPartialSpan: false), minimumScore: 1)
        #expect(current == 97)
        #expect(legacy == 23)
    }

    @Test("Scores: exact, copied and added bytes, symmetry, empty files and the size shortcut")
    func scores() {
        let a = ContentSignature(text(Self.base200))
        #expect(a.score(against: a) == ContentSignature.maxScore)
        #expect(a.similarity(to: a) == 100)
        var edited = Self.base200
        edited.append("one more line")
        let b = ContentSignature(text(edited))
        let changes = ContentSignature.countChanges(from: a, to: b)
        #expect(changes.sourceCopied == a.size && changes.literalAdded == b.size - a.size)
        #expect(ContentSignature.countChanges(from: b, to: a) == (a.size, 0))
        #expect(a.score(against: b) == b.score(against: a))
        #expect(a.score(against: b) == a.size * 60_000 / b.size)
        let empty = ContentSignature([])
        #expect(empty.score(against: empty, minimumScore: 0) == 0) // git finds identical empty files by blob id instead
        #expect(a.score(against: empty, minimumScore: 0) == 0 && empty.score(against: a, minimumScore: 0) == 0)
        // Half the size: exactly at the 50% bound the shortcut does not apply.
        let x = ContentSignature(Array(repeating: 0x0A, count: 100)), y = ContentSignature(Array(repeating: 0x0A, count: 50))
        #expect(x.score(against: y) == 30_000 && x.similarity(to: y) == 50)
        let z = ContentSignature(Array(repeating: 0x0A, count: 49))
        #expect(x.score(against: z) == 0 && x.score(against: z, minimumScore: 0) == 29_400)
        #expect(ContentSignature.percentage(59_999) == 99 && ContentSignature.percentage(600) == 1)
    }
}
