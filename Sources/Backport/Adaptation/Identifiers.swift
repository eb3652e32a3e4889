/// Identifier tokens in source text, language-agnostic: runs of `[A-Za-z_][A-Za-z0-9_]*`.
///
/// ``uses(in:)`` reads the lines a fix adds and keeps the tokens that look like names of
/// code (not words of a comment or a string): camelCase or PascalCase, with an inner
/// underscore or digit, called (`name(`) or reached through a dot (`.name`); at least four
/// characters; not a keyword or a very common word of the usual languages.
enum Identifiers {
    /// Every token of the text of four characters or more (what a file has, for
    /// `missing-symbol`'s search of a tree), as hashes: tens of megabytes of a tree are
    /// read without making a string of each token.
    static func allTokens(in bytes: [UInt8]) -> TokenSet {
        var result: [UInt64] = []
        result.reserveCapacity(bytes.count / 16)
        bytes.withUnsafeBufferPointer { text in
        byteClasses.withUnsafeBufferPointer { classes in
            var i = 0
            let count = text.count
            while i < count {
                let kind = classes[Int(text[i])]
                guard kind == nameStart else {
                    // A run that starts with a digit (`0x1f`) is no name, nor any part of it.
                    if kind == 0 { i += 1 } else { while i < count, classes[Int(text[i])] != 0 { i += 1 } }
                    continue
                }
                var hash = TokenSet.offset
                var j = i
                while j < count, classes[Int(text[j])] != 0 {
                    hash = TokenSet.step(hash, text[j])
                    j += 1
                }
                if j - i >= 4 { result.append(hash) }
                i = j
            }
        }
        }
        return TokenSet(unsorted: result)
    }

    /// Each byte's class for ``allTokens(in:)``: 0 outside a name, 1 a digit, ``nameStart``.
    private static let byteClasses: [UInt8] = (0...255).map { b in isStart(UInt8(b)) ? nameStart : isPart(UInt8(b)) ? 1 : 0 }
    private static let nameStart: UInt8 = 2

    /// The names of code a line uses (see the type's summary). Comment lines give none;
    /// string literals are skipped.
    static func uses(in line: String) -> Set<String> {
        let trimmed = line.trimmingWhitespace()
        for prefix in ["//", "#", "*", "/*", "--", ";", "%"] where trimmed.hasPrefix(prefix) {
            // `#define`, `#include` and `#if` lines use names.
            if prefix == "#", trimmed.hasPrefix("#define") || trimmed.hasPrefix("#if") || trimmed.hasPrefix("#include") { break }
            return []
        }
        var bytes = Array(trimmed.utf8)
        // What follows ` //` is a comment.
        if let comment = findComment(bytes) { bytes = Array(bytes[..<comment]) }
        var result = Set<String>()
        scan(bytes, skippingStrings: true) { token, before, after in
            guard token.count >= 4 else { return }
            let name = String(decoding: token, as: UTF8.self)
            guard !stopWords.contains(name.lowercased()) else { return }
            if looksLikeCode(token) || after == UInt8(ascii: "(") || before == UInt8(ascii: ".") { result.insert(name) }
        }
        return result
    }

    /// The names a line defines, as most languages write a definition: the name after a
    /// definition keyword (`func`, `def`, `fn`, `class`, `struct`, `type`, `const`, `var`,
    /// `let`, `#define`...; a Go method's receiver in parentheses skipped), and the names
    /// left of `:=` or of a plain `=` that starts the line (`count, err := ...`).
    static func definitions(in line: String) -> Set<String> {
        let trimmed = line.trimmingWhitespace()
        var result = Set<String>()
        let bytes = Array(trimmed.utf8)
        var tokens: [(name: String, start: Int, end: Int)] = []
        scan(bytes, skippingStrings: true) { token, _, _ in
            let start = token.startIndex
            tokens.append((String(decoding: token, as: UTF8.self), start, token.endIndex))
        }
        for (i, token) in tokens.enumerated() where definitionKeywords.contains(token.name) && i + 1 < tokens.count {
            var next = i + 1
            // `func (r *Receiver) Name(`: skip what the parentheses hold.
            let between = bytes[token.end..<tokens[next].start]
            if between.contains(UInt8(ascii: "(")), let close = bytes[token.end...].firstIndex(of: UInt8(ascii: ")")) {
                guard let after = tokens.firstIndex(where: { $0.start > close }) else { continue }
                next = after
            }
            result.insert(tokens[next].name)
        }
        if let assign = findAssignment(bytes) {
            for token in tokens where token.end <= assign { result.insert(token.name) }
        }
        // C-like `int name(int v) {`: a type, then the name called, on a line opening a block.
        if trimmed.hasSuffix("{"), tokens.count >= 2, !controlKeywords.contains(tokens[0].name) {
            for i in 1..<tokens.count where tokens[i].end < bytes.count && bytes[tokens[i].end] == UInt8(ascii: "(") {
                let gap = bytes[tokens[i - 1].end..<tokens[i].start]
                if !gap.isEmpty, gap.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "*") }) { result.insert(tokens[i].name) }
                break
            }
        }
        return result
    }

    /// Where `:=`, or a `=` that is not `==`, `!=`, `<=`, `>=`, comes after nothing but
    /// names, commas, dots and spaces at the start of the line.
    private static func findAssignment(_ bytes: [UInt8]) -> Int? {
        for (i, b) in bytes.enumerated() {
            if isPart(b) || b == UInt8(ascii: ",") || b == UInt8(ascii: " ") || b == UInt8(ascii: ".") { continue }
            if b == UInt8(ascii: ":"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "=") { return i }
            if b == UInt8(ascii: "="), i + 1 >= bytes.count || bytes[i + 1] != UInt8(ascii: "=") { return i }
            return nil
        }
        return nil
    }

    static let controlKeywords: Set<String> = ["if", "for", "while", "switch", "return", "else", "do", "case", "catch", "elif", "unless"]

    static let definitionKeywords: Set<String> = [
        "func", "def", "fn", "class", "struct", "type", "interface", "enum", "const", "var", "let", "val", "define",
        "typedef", "function", "sub", "macro", "trait", "impl", "module", "namespace", "union",
    ]

    /// camelCase, PascalCase with a lowercase letter, an inner underscore or a digit.
    private static func looksLikeCode(_ token: ArraySlice<UInt8>) -> Bool {
        var lower = false, upperAfterFirst = false, underscore = false, digit = false
        for (i, byte) in token.enumerated() {
            if byte >= 0x61 && byte <= 0x7a { lower = true }
            if byte >= 0x41 && byte <= 0x5a && i > 0 { upperAfterFirst = true }
            if byte == UInt8(ascii: "_") && i > 0 && i < token.count - 1 { underscore = true }
            if byte >= 0x30 && byte <= 0x39 { digit = true }
        }
        return (lower && upperAfterFirst) || underscore || digit
    }

    private static func findComment(_ bytes: [UInt8]) -> Int? {
        var inString: UInt8?
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if let quote = inString {
                if b == UInt8(ascii: "\\") { i += 1 } else if b == quote { inString = nil }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "`") {
                inString = b
            } else if b == UInt8(ascii: "/"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") || bytes[i + 1] == UInt8(ascii: "*") {
                return i
            }
            i += 1
        }
        return nil
    }

    @inline(__always) private static func isStart(_ b: UInt8) -> Bool { (b | 0x20 >= 0x61 && b | 0x20 <= 0x7a) || b == UInt8(ascii: "_") }
    @inline(__always) private static func isPart(_ b: UInt8) -> Bool { isStart(b) || (b >= 0x30 && b <= 0x39) }

    /// Calls `body` with each token and the bytes just before and after it.
    private static func scan(_ bytes: [UInt8], skippingStrings: Bool = false,
                             _ body: (ArraySlice<UInt8>, UInt8?, UInt8?) -> Void) {
        var i = 0
        var inString: UInt8?
        while i < bytes.count {
            let b = bytes[i]
            if skippingStrings {
                if let quote = inString {
                    if b == UInt8(ascii: "\\") { i += 2; continue }
                    if b == quote { inString = nil }
                    i += 1
                    continue
                }
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "`") { inString = b; i += 1; continue }
            }
            if isStart(b), i == 0 || !isPart(bytes[i - 1]) {
                var j = i + 1
                while j < bytes.count, isPart(bytes[j]) { j += 1 }
                body(bytes[i..<j], i > 0 ? bytes[i - 1] : nil, j < bytes.count ? bytes[j] : nil)
                i = j
                continue
            }
            i += 1
        }
    }

    /// Keywords and very common names of the usual languages: never a missing symbol.
    static let stopWords: Set<String> = [
        "func", "function", "return", "struct", "const", "static", "void", "self", "this", "true", "false", "null", "none",
        "else", "elif", "case", "default", "break", "continue", "package", "import", "interface", "string", "bool", "error",
        "byte", "bytes", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64",
        "size_t", "ssize_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "int8_t", "int16_t", "int32_t", "int64_t",
        "len", "make", "append", "panic", "print", "printf", "println", "sprintf", "fprintf", "snprintf", "sizeof", "typeof",
        "switch", "while", "defer", "range", "select", "chan", "goto", "lambda", "yield", "async", "await", "public",
        "private", "protected", "final", "class", "enum", "extern", "inline", "unsigned", "signed", "char", "long",
        "short", "float", "double", "nullptr", "undefined", "module", "require", "export", "assert", "delete", "new",
        "throw", "throws", "catch", "finally", "override", "virtual", "typedef", "union", "volatile", "register",
        "malloc", "calloc", "realloc", "free", "memcpy", "memset", "memcmp", "strlen", "strcmp", "strncmp", "strcpy",
        "errors", "string", "strings", "context", "errorf", "fatalf", "logf", "sprint", "format", "error_", "init",
        "main", "test", "tests", "value", "values", "type", "types", "name", "data", "list", "item", "items", "length",
        "count", "index", "result", "results", "options", "config", "from", "with", "that", "have", "should", "must",
        "when", "then", "into", "each", "only", "also", "will", "they", "there", "their", "what", "which", "been",
    ]
}

/// The tokens of a text as 64-bit FNV-1a hashes (``Identifiers/allTokens(in:)``), sorted:
/// asking whether it has a name is hashing the name and a binary search, and two versions
/// of a file are compared in one pass.
struct TokenSet: Sendable {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3
    static let empty = TokenSet(unsorted: [])

    /// Strictly increasing.
    let hashes: [UInt64]

    /// From hashes in any order, repeats allowed: repeats dropped first (an open-addressing
    /// table on the hashes' own low bits: a file names the same few things many times),
    /// then the distinct ones sorted.
    init(unsorted: [UInt64]) {
        var capacity = 16
        while capacity < unsorted.count * 2 { capacity *= 2 }
        let mask = capacity - 1
        // 0 marks an empty slot; a hash of 0 is noted apart.
        var table = [UInt64](repeating: 0, count: capacity)
        var distinct: [UInt64] = []
        var hasZero = false
        table.withUnsafeMutableBufferPointer { table in
            for hash in unsorted {
                if hash == 0 {
                    hasZero = true
                    continue
                }
                var slot = Int(truncatingIfNeeded: hash ^ (hash >> 32)) & mask
                while table[slot] != 0, table[slot] != hash { slot = (slot + 1) & mask }
                if table[slot] == 0 {
                    table[slot] = hash
                    distinct.append(hash)
                }
            }
        }
        if hasZero { distinct.append(0) }
        distinct.sort()
        hashes = distinct
    }

    var count: Int { hashes.count }

    func contains(_ name: String) -> Bool { contains(hash: Self.hash(name.utf8)) }

    /// A binary search of the sorted hashes.
    func contains(hash: UInt64) -> Bool {
        var low = 0, high = hashes.count
        while low < high {
            let middle = (low + high) / 2
            if hashes[middle] < hash { low = middle + 1 } else { high = middle }
        }
        return low < hashes.count && hashes[low] == hash
    }

    /// FNV-1a of some bytes.
    static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        bytes.reduce(offset, step)
    }

    /// One byte more of a hash.
    @inline(__always) static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* prime
    }
}

