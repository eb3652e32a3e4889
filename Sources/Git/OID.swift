import CLibGit2

/// A 20-byte SHA-1 object id, as a plain Swift value.
public struct OID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The id's bytes, big-endian, in three words so hashing and comparing are cheap.
    private let a: UInt64, b: UInt64, c: UInt32

    init(_ oid: git_oid) {
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt32 = 0
        withUnsafeBytes(of: oid.id) { raw in
            for i in 0..<8 { a = a << 8 | UInt64(raw[i]) }
            for i in 8..<16 { b = b << 8 | UInt64(raw[i]) }
            for i in 16..<20 { c = c << 8 | UInt32(raw[i]) }
        }
        self.a = a; self.b = b; self.c = c
    }

    init(_ pointer: UnsafePointer<git_oid>) { self.init(pointer.pointee) }

    /// Parses a full 40-digit hexadecimal id; nil for anything else.
    public init?(hex: String) {
        guard hex.utf8.count == 40, hex.utf8.allSatisfy(\.isHexDigit) else { return nil }
        var oid = git_oid()
        guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self.init(oid)
    }

    /// The libgit2 representation, for passing to C.
    var raw: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            for i in 0..<8 { raw[i] = UInt8(truncatingIfNeeded: a >> (56 - 8 * UInt64(i))) }
            for i in 0..<8 { raw[8 + i] = UInt8(truncatingIfNeeded: b >> (56 - 8 * UInt64(i))) }
            for i in 0..<4 { raw[16 + i] = UInt8(truncatingIfNeeded: c >> (24 - 8 * UInt32(i))) }
        }
        return oid
    }

    /// The 40-digit lowercase hexadecimal form.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(40)
        for (word, count) in [(a, 16), (b, 16), (UInt64(c), 8)] {
            for i in stride(from: count - 1, through: 0, by: -1) {
                out.append(digits[Int((word >> (4 * UInt64(i))) & 0xf)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first `length` hexadecimal digits, as people abbreviate ids.
    public func short(_ length: Int = 10) -> String { String(hex.prefix(length)) }

    public var description: String { hex }

    /// The first 8 bytes of a SHA-1 are as good a hash as all 20 (equality compares all).
    public func hash(into hasher: inout Hasher) { hasher.combine(a) }

    public static func < (l: OID, r: OID) -> Bool { (l.a, l.b, l.c) < (r.a, r.b, r.c) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let oid = OID(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an object id: \(text)"))
        }
        self = oid
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

extension UInt8 {
    var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x61...0x66).contains(self) || (0x41...0x46).contains(self)
    }
}
