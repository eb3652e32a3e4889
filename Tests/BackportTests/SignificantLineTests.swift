@testable import Backport
import Testing

/// The lines the signals compare (``SignificantLine``): a blob's lines, read as bytes, are
/// the same as those of its text read line by line as strings.
@Suite("Significant lines")
struct SignificantLineTests {
    static func fromBytes(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { SignificantLine.normalize($0) }
    }

    @Test("Trimmed of ASCII whitespace as git trims; at least four characters, two of them letters or digits")
    func rules() {
        #expect(SignificantLine.normalize("\t  total = total + 1;\r") == "total = total + 1;")
        #expect(SignificantLine.normalize("    }") == nil)
        #expect(SignificantLine.normalize("  x1 ") == nil)
        #expect(SignificantLine.normalize(" ab;; ") == "ab;;")
        #expect(SignificantLine.normalize("/* - */") == nil)
    }

    @Test("Bytes and strings agree, a byte that is not UTF-8 included (it counts as the three bytes it decodes to)")
    func bytesAgree() {
        let lines: [[UInt8]] = [Array("  a;b \t".utf8), Array("}".utf8), [0x61, 0xff, 0x62], [0x20, 0xc3, 0xa9, 0x74, 0xc3, 0xa9, 0x20],
                                Array("\u{a0}ab\u{a0}".utf8), [0x0b, 0x61, 0x62, 0x63, 0x0c]]
        for line in lines {
            #expect(Self.fromBytes(line) == SignificantLine.normalize(String(decoding: line, as: UTF8.self)), "\(line)")
        }
        #expect(Self.fromBytes([0x61, 0xff, 0x62]) == "a\u{fffd}b")
    }
}
