#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Paths in git are bytes; a Swift `String` holds Unicode only. So that a `String` can hold
/// any path exactly and give back the same bytes, a byte that is not part of valid UTF-8
/// is kept as the private-use character U+10FF00 + byte (as Python's "surrogateescape"
/// keeps it as a lone surrogate, which Swift strings cannot hold). A path's genuine
/// characters in that range are kept byte by byte the same way, so decoding is one-to-one:
/// two different byte strings never give the same `String`.
///
/// Every path crossing between libgit2 and Swift goes through ``decode(_:)`` and
/// ``withCString(_:_:)``. Reports carry the decoded form; ``displayed(_:)`` writes the kept
/// bytes as `\xNN` for people.
public enum PathCoding {
    /// The first of the 256 private-use characters that stand for raw bytes.
    public static let escapeBase: UInt32 = 0x10FF00

    /// The path whose bytes are the C string `pointer`.
    public static func decode(_ pointer: UnsafePointer<CChar>) -> String {
        decode(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
    }

    /// The path of `bytes`.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        // Most paths are ASCII: no decoding needed.
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            if let (scalar, length) = scalar(in: bytes, at: i), scalar.value < escapeBase {
                scalars.append(scalar)
                i += length
            } else {
                scalars.append(Unicode.Scalar(escapeBase + UInt32(bytes[i]))!)
                i += 1
            }
        }
        return String(scalars)
    }

    /// The bytes of `path` (the inverse of ``decode(_:)``).
    public static func encode(_ path: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for scalar in path.unicodeScalars {
            if scalar.value >= escapeBase {
                bytes.append(UInt8(scalar.value - escapeBase))
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    /// Runs `body` with the path's bytes as a NUL-terminated C string.
    public static func withCString<T>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        if !path.unicodeScalars.contains(where: { $0.value >= escapeBase }) { return try path.withCString(body) }
        let bytes = encode(path).map { CChar(bitPattern: $0) } + [0]
        return try bytes.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// True when the path's bytes are the UTF-8 of its characters (nothing kept as a byte).
    public static func isUTF8(_ path: String) -> Bool {
        !path.unicodeScalars.contains { $0.value >= escapeBase }
    }

    /// Text from a repository (a path, a subject, a trailer) made safe to show people on a
    /// terminal: bytes that are not UTF-8 and control characters (escape sequences could
    /// clear the screen, retitle the window or forge a hyperlink) written `\xNN`, C1
    /// controls and bidirectional overrides (which reorder what is shown) `\u{NNNN}`.
    /// With `keepingLines`, tabs and line ends stay as they are (file content, a patch).
    public static func displayed(_ text: String, keepingLines: Bool = false) -> String {
        let kept: (Unicode.Scalar) -> Bool = { keepingLines && ($0 == "\n" || $0 == "\t" || $0 == "\r") }
        guard text.unicodeScalars.contains(where: { needsEscape($0) && !kept($0) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if kept(scalar) {
                out.unicodeScalars.append(scalar)
            } else if scalar.value >= escapeBase {
                out += "\\x" + String(scalar.value - escapeBase, radix: 16, uppercase: false).leftPadded(to: 2)
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + String(scalar.value, radix: 16, uppercase: false).leftPadded(to: 2)
            } else if needsEscape(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: false).leftPadded(to: 4) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || v >= escapeBase
    }

    /// The scalar valid UTF-8 encodes at `i`, with its length; nil for anything else
    /// (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, cut short).
    private static func scalar(in bytes: UnsafeRawBufferPointer, at i: Int) -> (Unicode.Scalar, Int)? {
        let first = bytes[i]
        let length: Int, minimum: UInt32
        var value: UInt32
        switch first {
        case 0x00..<0x80: return (Unicode.Scalar(first), 1)
        case 0xC2..<0xE0: length = 2; minimum = 0x80; value = UInt32(first & 0x1F)
        case 0xE0..<0xF0: length = 3; minimum = 0x800; value = UInt32(first & 0x0F)
        case 0xF0..<0xF5: length = 4; minimum = 0x10000; value = UInt32(first & 0x07)
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        for k in 1..<length {
            let byte = bytes[i + k]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
