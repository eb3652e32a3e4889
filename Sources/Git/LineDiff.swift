import CLibGit2

/// One hunk of a file's line diff: the old side as the fix's base has it (context and
/// removed lines, in order) and the lines it adds.
public struct LineHunk: Sendable, Hashable {
    /// The hunk's first line in the old file (1-based) and how many old lines it spans.
    public let oldStart: Int
    public let oldCount: Int
    /// The hunk's first line in the new file (1-based) and how many new lines it spans.
    public let newStart: Int
    public let newCount: Int
    /// The old side, in order: context lines and removed lines, without line ends.
    public let oldLines: [String]
    /// Which of `oldLines` the change removes (the others are context).
    public let removed: [Bool]
    /// The lines the change adds, in order, without line ends.
    public let added: [String]
}

extension Repository {
    /// The line diff of two blobs (nil: an empty file), as `git diff -U<context>` shows it.
    /// Binary blobs give no hunks. Wraps `git_patch_from_blobs` and `git_patch_get_line_in_hunk`.
    public func lineHunks(from old: OID?, to new: OID?, context: Int = 3) throws -> [LineHunk] {
        var options = git_diff_options()
        try call("git_diff_options_init") { git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)) }
        options.context_lines = UInt32(context)
        return try withOptionalBlob(old) { oldBlob in
            try withOptionalBlob(new) { newBlob in
                var patch: OpaquePointer?
                try call("git_patch_from_blobs") { git_patch_from_blobs(&patch, oldBlob, nil, newBlob, nil, &options) }
                defer { git_patch_free(patch) }
                var hunks: [LineHunk] = []
                for h in 0..<git_patch_num_hunks(patch) {
                    var hunk: UnsafePointer<git_diff_hunk>?
                    var lineCount = 0
                    try call("git_patch_get_hunk") { git_patch_get_hunk(&hunk, &lineCount, patch, h) }
                    var oldLines: [String] = [], removed: [Bool] = [], added: [String] = []
                    for l in 0..<lineCount {
                        var line: UnsafePointer<git_diff_line>?
                        try call("git_patch_get_line_in_hunk") { git_patch_get_line_in_hunk(&line, patch, h, l) }
                        guard let line else { continue }
                        var text = line.pointee.content.map {
                            String(decoding: UnsafeRawBufferPointer(start: $0, count: line.pointee.content_len), as: UTF8.self)
                        } ?? ""
                        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
                        switch UInt8(bitPattern: line.pointee.origin) {
                        case UInt8(ascii: " "): oldLines.append(text); removed.append(false)
                        case UInt8(ascii: "-"): oldLines.append(text); removed.append(true)
                        case UInt8(ascii: "+"): added.append(text)
                        default: break
                        }
                    }
                    let header = hunk!.pointee
                    hunks.append(LineHunk(oldStart: Int(header.old_start), oldCount: Int(header.old_lines),
                                          newStart: Int(header.new_start), newCount: Int(header.new_lines),
                                          oldLines: oldLines, removed: removed, added: added))
                }
                return hunks
            }
        }
    }

    /// The best common ancestor of two commits, or nil when they have none. Wraps
    /// `git_merge_base`.
    public func mergeBase(_ a: OID, _ b: OID) throws -> OID? {
        var out = git_oid()
        var rawA = a.raw, rawB = b.raw
        let status = git_merge_base(&out, pointer, &rawA, &rawB)
        if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        if status < 0 { throw lastError(code: status, function: "git_merge_base") }
        return OID(out)
    }
}

extension Repository {
    /// The non-merge commits reachable from `tip`, committed at `notBefore` or later, that
    /// change the file at `path` (against their first parent), newest first, each with the
    /// file's blob before and after (nil where it is absent). Walks at most `limit` commits.
    ///
    /// A path-limited `git log` back to a moment (the fork point's): `git_revwalk` by time,
    /// and for each commit the path's entries compared folder by folder from the root of
    /// its tree and its parent's, stopping at the first folder that is the same object in
    /// both (most commits do not touch it). Unlike `git_blame_file` it diffs nothing.
    public func fileHistory(path: String, from tip: OID, notBefore: Int64, limit: Int = 1_000) throws
        -> [(commit: OID, old: OID?, new: OID?)] {
        var walker: OpaquePointer?
        try call("git_revwalk_new") { git_revwalk_new(&walker, pointer) }
        defer { git_revwalk_free(walker) }
        try call("git_revwalk_sorting") { git_revwalk_sorting(walker, GIT_SORT_TIME.rawValue) }
        var raw = tip.raw
        try call("git_revwalk_push") { git_revwalk_push(walker, &raw) }
        let components = path.split(separator: "/").map(String.init)
        var result: [(commit: OID, old: OID?, new: OID?)] = []
        var next = git_oid()
        var walked = 0
        while walked < limit {
            let status = git_revwalk_next(&next, walker)
            if status == GIT_ITEROVER.rawValue { git_error_clear(); break }
            if status < 0 { throw lastError(code: status, function: "git_revwalk_next") }
            walked += 1
            var commit: OpaquePointer?
            try call("git_commit_lookup") { git_commit_lookup(&commit, pointer, &next) }
            defer { git_commit_free(commit) }
            if git_commit_time(commit) < notBefore { break }
            guard git_commit_parentcount(commit) == 1 else { continue }
            var parent: OpaquePointer?
            try call("git_commit_parent") { git_commit_parent(&parent, commit, 0) }
            defer { git_commit_free(parent) }
            if let change = try compareEntries(OID(git_commit_tree_id(parent)!), OID(git_commit_tree_id(commit)!), components) {
                result.append((OID(next), change.old, change.new))
            }
        }
        return result
    }

    /// The path's entries in two trees when they differ (nil when they are the same),
    /// descending folder by folder and stopping where both sides hold the same object.
    private func compareEntries(_ old: OID?, _ new: OID?, _ components: [String]) throws -> (old: OID?, new: OID?)? {
        var old = old, new = new
        for component in components {
            if old == new { return nil }
            old = try old.flatMap { try entryID(named: component, inTree: $0) }
            new = try new.flatMap { try entryID(named: component, inTree: $0) }
        }
        return old == new ? nil : (old, new)
    }

    private func entryID(named name: String, inTree tree: OID) throws -> OID? {
        try withTree(tree) { handle in
            guard let entry = PathCoding.withCString(name, { git_tree_entry_byname(handle, $0) }) else { return nil }
            return OID(git_tree_entry_id(entry)!)
        }
    }
}
