/// The trailers of a commit message, found and read exactly as `git interpret-trailers
/// --parse` does (git 2.39's trailer.c, with the default settings: `:` as separator, `#`
/// as comment character, the `---` divider). libgit2's `git_message_trailers` differs: it
/// drops a trailer that follows an empty one (`Cc:` then `Backport-To: 1.0`).
///
/// 1. The message ends before a `---` line (a patch) and before trailing comment and
///    blank lines.
/// 2. The first paragraph is the title: never trailers.
/// 3. From the end, the last paragraph is the trailer block when all its lines are
///    trailers (`Token: value`, `token` letters, digits and `-`, maybe spaces before the
///    `:`), or when it has a git-generated one (`Signed-off-by: `, `(cherry picked from
///    commit `) and at least 25% of its lines are trailers. Lines starting with whitespace
///    continue the line before.
/// 4. Each trailer's value is unfolded (a continuation is one space) and trimmed.
public enum TrailerParser {
    static let generatedPrefixes = [Array("Signed-off-by: ".utf8), Array("(cherry picked from commit ".utf8)]

    public static func trailers(of message: String) -> [Trailer] {
        let entries = block(of: Array(message.utf8)) ?? []
        return entries.compactMap { entry -> Trailer? in
            guard entry.first != UInt8(ascii: "#") else { return nil }
            let position = separator(in: entry[...])
            guard position >= 1 else { return nil }
            let key = trim(entry[..<position])
            let value = unfold(entry[(position + 1)...])
            return Trailer(key: String(decoding: key, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
    }

    /// The lines of the message's trailer block (a continuation joined to the line before
    /// when that is a trailer), each with its newline; nil when it has none. With
    /// `patchDivider` false a `---` line does not end the message: how git's sequencer
    /// reads a message it appends a marker or a sign-off to (`has_conforming_footer`).
    public static func block(of buffer: [UInt8], patchDivider: Bool = true) -> [[UInt8]]? {
        let end = trailerEnd(buffer, patchDivider ? patchStart(buffer) : buffer.count)
        let start = blockStart(buffer, end)
        guard start < end else { return nil }
        var entries: [[UInt8]] = []
        var lastIsTrailer = false
        for line in lines(buffer[start..<end]) {
            if lastIsTrailer, let first = line.first, isSpace(first) {
                entries[entries.count - 1] += line
                continue
            }
            entries.append(Array(line))
            lastIsTrailer = separator(in: entries[entries.count - 1][...]) >= 1
        }
        return entries
    }

    /// Where a patch starts: a line `---` followed by whitespace (trailer.c: find_patch_start).
    static func patchStart(_ buffer: [UInt8]) -> Int {
        var offset = 0
        for line in lines(buffer[...]) {
            if line.starts(with: "---".utf8), line.count > 3, isSpace(line[line.startIndex + 3]) { return offset }
            offset += line.count
        }
        return buffer.count
    }

    /// The end of the message before trailing comment and blank lines (commit.c:
    /// ignore_non_trailer; the scissors line and old `Conflicts:` blocks included).
    static func trailerEnd(_ buffer: [UInt8], _ length: Int) -> Int {
        var cutoff = length
        var offset = 0
        let scissors = Array("# ------------------------ >8 ------------------------".utf8)
        for line in lines(buffer[..<length]) {
            if line.starts(with: scissors), offset == 0 || buffer[offset - 1] == 0x0a { cutoff = offset; break }
            offset += line.count
        }
        var beginningOfComments: Int?
        var inConflicts = false
        offset = 0
        for line in lines(buffer[..<cutoff]) {
            if line.first == UInt8(ascii: "#") || line.first == 0x0a {
                if beginningOfComments == nil { beginningOfComments = offset }
            } else if line.elementsEqual("Conflicts:\n".utf8) {
                inConflicts = true
                if beginningOfComments == nil { beginningOfComments = offset }
            } else if inConflicts, line.first == 0x09 {
                // A path of the conflicts block.
            } else if beginningOfComments != nil {
                beginningOfComments = nil
                inConflicts = false
            }
            offset += line.count
        }
        return beginningOfComments ?? cutoff
    }

    /// Where the trailer block starts (trailer.c: find_trailer_block_start); `end` when
    /// there is none.
    static func blockStart(_ buffer: [UInt8], _ end: Int) -> Int {
        // The title: up to the first blank line.
        var endOfTitle = 0
        for line in lines(buffer[..<end]) {
            if line.first != UInt8(ascii: "#"), isBlank(line) { break }
            endOfTitle += line.count
        }
        var onlySpaces = true, recognizedPrefix = false
        var trailerLines = 0, nonTrailerLines = 0, possibleContinuations = 0
        var lineStart = lastLine(buffer, end)
        while lineStart >= endOfTitle, lineStart >= 0 {
            let lineEnd = buffer[lineStart..<end].firstIndex(of: 0x0a).map { $0 + 1 } ?? end
            let line = buffer[lineStart..<lineEnd]
            defer { lineStart = lastLine(buffer, lineStart) }
            if line.first == UInt8(ascii: "#") {
                nonTrailerLines += possibleContinuations
                possibleContinuations = 0
                continue
            }
            if isBlank(line) {
                if onlySpaces { continue }
                nonTrailerLines += possibleContinuations
                if recognizedPrefix && trailerLines * 3 >= nonTrailerLines { return lineEnd }
                if trailerLines > 0 && nonTrailerLines == 0 { return lineEnd }
                return end
            }
            onlySpaces = false
            if generatedPrefixes.contains(where: { line.starts(with: $0) }) {
                trailerLines += 1
                possibleContinuations = 0
                recognizedPrefix = true
                continue
            }
            if separator(in: line) >= 1, let first = line.first, !isSpace(first) {
                trailerLines += 1
                possibleContinuations = 0
            } else if let first = line.first, isSpace(first) {
                possibleContinuations += 1
            } else {
                nonTrailerLines += 1 + possibleContinuations
                possibleContinuations = 0
            }
        }
        return end
    }

    /// The start of the line before `length` (a final newline belongs to the last line);
    /// -1 for none (trailer.c: last_line).
    static func lastLine(_ buffer: [UInt8], _ length: Int) -> Int {
        if length <= 0 { return -1 }
        if length == 1 { return 0 }
        var i = length - 2
        while i >= 0 {
            if buffer[i] == 0x0a { return i + 1 }
            i -= 1
        }
        return 0
    }

    /// The position of the `:` after a token (letters, digits, `-`, then maybe spaces),
    /// or -1 (trailer.c: find_separator).
    static func separator(in line: ArraySlice<UInt8>) -> Int {
        var whitespaceFound = false
        for (i, c) in zip(0..., line) {
            if c == UInt8(ascii: ":") { return i }
            if !whitespaceFound && (isAlphanumeric(c) || c == UInt8(ascii: "-")) { continue }
            if i > 0 && (c == 0x20 || c == 0x09) { whitespaceFound = true; continue }
            break
        }
        return -1
    }

    /// A value with each continuation (a newline and the whitespace after it) made one
    /// space, then trimmed (trailer.c: unfold_value).
    static func unfold(_ value: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var i = value.startIndex
        while i < value.endIndex {
            let c = value[i]
            i += 1
            if c == 0x0a {
                while i < value.endIndex, isSpace(value[i]) { i += 1 }
                out.append(0x20)
            } else {
                out.append(c)
            }
        }
        return trim(out[...])
    }

    /// The lines of `text`, each with its newline (the last may have none).
    static func lines(_ text: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: 0x0a).map { $0 + 1 } ?? text.endIndex
            result.append(text[start..<end])
            start = end
        }
        return result
    }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool { line.allSatisfy(isSpace) }

    /// git's `isspace`: space, tab, newline, vertical tab, form feed, carriage return.
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0d).contains(c) }

    static func isAlphanumeric(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5a).contains(c) || (0x61...0x7a).contains(c)
    }

    static func trim(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(bytes.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
