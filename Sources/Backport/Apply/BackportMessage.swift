import Git

/// The message of a commit `apply` writes: the original message with the style's marker
/// naming the upstream commit, and a sign-off when asked, each added where git adds it.
enum BackportMessage {
    /// `message` (the original's bytes) with the marker of `style` for `upstream`:
    /// - git: `(cherry picked from commit <sha>)` as `git cherry-pick -x` appends it: at
    ///   the end, in the trailer block when the message ends with one, else after a blank
    ///   line (sequencer.c: do_pick_commit).
    /// - cilium: `[ upstream commit <sha> ]` as a paragraph of its own after the title, as
    ///   Cilium's `contrib/backporting/cherry-pick` writes it.
    static func marked(_ message: [UInt8], upstream: OID, style: BackportStyle) -> [UInt8] {
        switch style {
        case .git:
            var text = completeLine(message)
            if TrailerParser.block(of: text, patchDivider: false) == nil { text.append(0x0a) }
            return text + Array("(cherry picked from commit \(upstream.hex))\n".utf8)
        case .cilium:
            let marker = Array("[ upstream commit \(upstream.hex) ]\n".utf8)
            let lines = message.split(separator: 0x0a, omittingEmptySubsequences: false)
            // The title: the first paragraph.
            let titleEnd = lines.firstIndex { $0.allSatisfy { $0 == 0x20 || $0 == 0x09 } } ?? lines.count
            let title = lines[..<titleEnd].map { Array($0) + [0x0a] }.reduce([], +)
            let body = lines[titleEnd...].drop { $0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
            let bodyBytes = Array(body.map(Array.init).joined(separator: [0x0a]))
            let trimmedBody = Array(bodyBytes.reversed().drop { $0 == 0x0a }.reversed())
            return title + [0x0a] + marker + (trimmedBody.isEmpty ? [] : [0x0a] + trimmedBody + [0x0a])
        }
    }

    /// `message` with `Signed-off-by: <identity>` at its end, unless the last trailer is
    /// already that line; after a blank line when the message has no trailer block (git's
    /// append_signoff, as `git am --signoff` and `git cherry-pick -s` use it).
    static func signedOff(_ message: [UInt8], by identity: Signature) -> [UInt8] {
        let line = Array("Signed-off-by: \(identity.name) <\(identity.email)>\n".utf8)
        var text = completeLine(message)
        if text == line { return text }
        let block = TrailerParser.block(of: text, patchDivider: false)
        if block?.last.map({ $0.starts(with: line) }) == true { return text }
        if block == nil {
            if text.isEmpty {
                text = [0x0a, 0x0a]
            } else if text.count == 1 || text[text.count - 2] != 0x0a {
                text.append(0x0a)
            }
        }
        return text + line
    }

    /// A conflicted pick committed with its markers (`--on-conflict commit`): the title
    /// says so first, and a paragraph lists the files to resolve before the original body.
    static func conflicted(_ message: [UInt8], paths: [String]) -> [UInt8] {
        let note = "CONFLICTS TO RESOLVE: this commit has conflict markers, committed by git backport apply --on-conflict commit.\n"
            + "Resolve them (and amend this commit) before merging:\n" + paths.map { "\t\(PathCoding.displayed($0))\n" }.joined()
        let newline = message.firstIndex(of: 0x0a) ?? message.endIndex
        let title = Array(message[..<newline])
        let body = Array(message[newline...].drop { $0 == 0x0a })
        return Array("[CONFLICTS] ".utf8) + title + [0x0a, 0x0a] + Array(note.utf8) + (body.isEmpty ? [] : [0x0a] + body)
    }

    /// The message cleaned as git commits a pick's (`--cleanup=whitespace`, git's
    /// stripspace): trailing whitespace cut from every line, runs of blank lines made one,
    /// none at the start or the end, a final newline.
    static func strippingSpace(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var pendingBlank = false
        for line in message.split(separator: 0x0a, omittingEmptySubsequences: false) {
            var end = line.endIndex
            while end > line.startIndex, [0x20, 0x09, 0x0d, 0x0b, 0x0c].contains(line[end - 1]) { end -= 1 }
            let text = line[line.startIndex..<end]
            if text.isEmpty {
                pendingBlank = !out.isEmpty
                continue
            }
            if pendingBlank { out.append(0x0a) }
            pendingBlank = false
            out += text
            out.append(0x0a)
        }
        return out
    }

    /// The message ending with a newline (strbuf_complete_line).
    private static func completeLine(_ message: [UInt8]) -> [UInt8] {
        message.isEmpty || message.last == 0x0a ? message : message + [0x0a]
    }
}
