/// A file in git-config syntax read from memory, for configuration the tool does not
/// trust (a repository's committed `.backportconfig`): parsed here, never written to a
/// temporary file, and `[include]`/`[includeIf]` sections are never followed (nothing in
/// it can make the tool read another file).
///
/// The syntax is git's (config.c): `[section]`, `[section "subsection"]` (and the old
/// `[section.subsection]`), `name = value` or `name` alone (true), values trimmed, `"..."`
/// keeping spaces and `#`/`;`, the escapes `\n`, `\t`, `\b`, `\"`, `\\`, a backslash at
/// the end of a line continuing the value, comments from `#` or `;`. A line git would
/// reject is an error naming the file and the line, as git's is.
public struct ConfigFile: Sendable {
    public struct Entry: Sendable, Equatable {
        /// `section.name` or `section.subsection.name`, section and name lowercased.
        public let key: String
        public let value: String
        /// The line the entry starts on (1-based).
        public let line: Int
    }

    public let name: String
    public let entries: [Entry]

    /// The last value of `key` (case-insensitive but for the subsection), nil when unset.
    public func string(_ key: String) -> String? {
        entries.last { $0.key == Self.normalized(key) }?.value
    }

    /// Every value of `key`, in order.
    public func strings(_ key: String) -> [String] {
        entries.filter { $0.key == Self.normalized(key) }.map(\.value)
    }

    static func normalized(_ key: String) -> String {
        guard let first = key.firstIndex(of: "."), let last = key.lastIndex(of: ".") else { return key.lowercased() }
        return key[..<first].lowercased() + key[first..<last] + "." + key[key.index(after: last)...].lowercased()
    }

    public struct SyntaxError: Error, CustomStringConvertible, Equatable {
        public let file: String
        public let line: Int
        public var description: String { "bad config line \(line) in file \(file)" }

        public init(file: String, line: Int) {
            self.file = file
            self.line = line
        }
    }

    /// Parses `bytes`; `name` is the file's name for errors.
    public static func parse(_ bytes: [UInt8], name: String) throws -> ConfigFile {
        var parser = Parser(bytes: bytes[...], name: name)
        return ConfigFile(name: name, entries: try parser.entries())
    }

    private struct Parser {
        var bytes: ArraySlice<UInt8>
        let name: String
        var line = 1
        var section: String?

        init(bytes: ArraySlice<UInt8>, name: String) {
            self.bytes = bytes
            self.name = name
            // A UTF-8 byte order mark is skipped, as git does.
            if self.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { self.bytes = self.bytes.dropFirst(3) }
        }

        func error() -> SyntaxError { SyntaxError(file: name, line: line) }

        mutating func next() -> UInt8? {
            guard let c = bytes.first else { return nil }
            bytes = bytes.dropFirst()
            if c == 0x0a { line += 1 }
            return c
        }

        static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0d || c == 0x0b || c == 0x0c }
        static func isNameCharacter(_ c: UInt8) -> Bool {
            (0x30...0x39).contains(c) || (0x41...0x5a).contains(c) || (0x61...0x7a).contains(c) || c == 0x2d
        }

        mutating func entries() throws -> [Entry] {
            var result: [Entry] = []
            while let c = next() {
                if c == 0x0a || Self.isSpace(c) { continue }
                if c == UInt8(ascii: "#") || c == UInt8(ascii: ";") { skipLine(); continue }
                if c == UInt8(ascii: "[") { section = try header(); continue }
                // git takes a variable before any section too (its key is the bare name).
                guard Self.isNameCharacter(c), (0x41...0x5a).contains(c) || (0x61...0x7a).contains(c) else { throw error() }
                let start = line
                var variable = [c]
                while let d = bytes.first, Self.isNameCharacter(d) { variable.append(d); _ = next() }
                while let d = bytes.first, Self.isSpace(d) { _ = next() }
                let value: String
                if bytes.first == UInt8(ascii: "=") {
                    _ = next()
                    value = try self.value()
                } else if bytes.first == nil || bytes.first == 0x0a {
                    _ = next()
                    value = "true"
                } else if bytes.first == UInt8(ascii: "#") || bytes.first == UInt8(ascii: ";") {
                    skipLine()
                    value = "true"
                } else {
                    throw error()
                }
                let name = String(decoding: variable, as: UTF8.self).lowercased()
                result.append(Entry(key: section.map { $0 + "." + name } ?? name, value: value, line: start))
            }
            return result
        }

        mutating func skipLine() {
            while let c = next(), c != 0x0a {}
        }

        /// `[section]`, `[section "sub"]` or `[section.sub]`, as `section` or `section.sub`.
        mutating func header() throws -> String {
            var name: [UInt8] = []
            while let c = bytes.first {
                // A header ends on its line: the error is on that line, not the next.
                if c == 0x0a { throw error() }
                _ = next()
                if c == UInt8(ascii: "]") { break }
                if Self.isSpace(c) {
                    while let d = bytes.first, Self.isSpace(d) { _ = next() }
                    guard next() == UInt8(ascii: "\"") else { throw error() }
                    var sub: [UInt8] = []
                    while let d = next() {
                        if d == 0x0a { throw error() }
                        if d == UInt8(ascii: "\"") { break }
                        if d == UInt8(ascii: "\\") {
                            guard let e = next(), e != 0x0a else { throw error() }
                            sub.append(e)
                        } else {
                            sub.append(d)
                        }
                    }
                    guard next() == UInt8(ascii: "]") else { throw error() }
                    return String(decoding: name, as: UTF8.self).lowercased() + "." + String(decoding: sub, as: UTF8.self)
                }
                guard Self.isNameCharacter(c) || c == UInt8(ascii: ".") else { throw error() }
                name.append(c)
            }
            guard !name.isEmpty else { throw error() }
            // The old `[section.sub]` form: the subsection is lowercased too.
            return String(decoding: name, as: UTF8.self).lowercased()
        }

        /// A value after `=`, to the end of its line (config.c: parse_value).
        mutating func value() throws -> String {
            var out: [UInt8] = []
            var quoted = false, space = 0
            while let c = next() {
                if c == 0x0a {
                    if quoted { throw error() }
                    break
                }
                if !quoted && (c == UInt8(ascii: "#") || c == UInt8(ascii: ";")) { skipLine(); break }
                if !quoted && Self.isSpace(c) { if !out.isEmpty { space += 1 }; continue }
                if space > 0 { out += [UInt8](repeating: 0x20, count: space); space = 0 }
                if c == UInt8(ascii: "\\") {
                    guard let e = next() else { throw error() }
                    switch e {
                    case 0x0a: continue
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "n"): out.append(0x0a)
                    case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
                    default: throw error()
                    }
                    continue
                }
                if c == UInt8(ascii: "\"") { quoted.toggle(); continue }
                out.append(c)
            }
            if quoted { throw error() }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
