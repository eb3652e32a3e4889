import Git

/// Folder renames, as merge-ort detects them (its "directory renames"): where a folder one
/// side no longer has went, judged from its files' renames, and where the other side's new
/// files in that folder therefore go. Part of ``PathMerge``.
extension PathMerge {
    /// Whether a folder of the base is gone from `tree` (asked once per folder).
    func removedFolder(in tree: OID) -> (Substring) -> Bool {
        var known: [Substring: Bool] = [:]
        return { folder in
            if let answer = known[folder] { return answer }
            let path = String(folder)
            let answer = !folder.isEmpty && (try? repository.entry(at: path, inTree: tree)) == nil
                && ((try? input.base.flatMap { try repository.entry(at: path, inTree: $0) })??.isTree ?? false)
            known[folder] = answer
            return answer
        }
    }

    /// The folders the fix adds a file directly into that the base and the fix have and
    /// the target does not: their files' renames on the target say whether the folder was
    /// renamed (merge-ort: "relevant for location").
    func foldersGoneFromTarget(receiving added: some Sequence<String>) throws -> Set<String> {
        guard renames.directoryRenames != .off, let base = input.base else { return [] }
        var folders = Set<String>(), checked = Set<String>()
        for path in added {
            guard let slash = path.utf8.lastIndex(of: 0x2f) else { continue }
            let folder = String(path[..<slash])
            guard checked.insert(folder).inserted else { continue }
            func isFolder(_ tree: OID) throws -> Bool { try repository.entry(at: folder, inTree: tree)?.isTree ?? false }
            if try isFolder(base), try isFolder(input.fix), try repository.entry(at: folder, inTree: input.onto) == nil {
                folders.insert(folder)
            }
        }
        return folders
    }

    /// The folders the fix empties (the base and the target have them, the fix does not)
    /// that the target adds a file directly into, with the target's files added anywhere
    /// below them (merge-ort walks such a folder whole, so its new subfolders' files are
    /// moved along with it too).
    func foldersEmptiedByFix(_ deleted: [RenameCandidate]) throws -> (Set<String>, [RenameCandidate]) {
        guard renames.enabled, renames.directoryRenames != .off, !deleted.isEmpty else { return ([], []) }
        var emptied = Set<String>(), checked = Set<Substring>()
        for file in deleted {
            let folder = RenameDetector.folder(file.path)
            guard !folder.isEmpty, checked.insert(folder).inserted else { continue }
            if try repository.entry(at: String(folder), inTree: input.fix) == nil,
               try repository.entry(at: String(folder), inTree: input.onto)?.isTree == true {
                emptied.insert(String(folder))
            }
        }
        guard !emptied.isEmpty else { return ([], []) }
        // Additions only: a file the target turned into another kind (listed as a deletion
        // and an addition at one path) is one changed entry to merge-ort, not moved along.
        let side = try targetSide()
        let deletedThere = Set(side.filter { $0.status == .deleted }.map { $0.oldPath! })
        let added = side.filter { $0.status == .added && !deletedThere.contains($0.newPath!) }
            .map { RenameCandidate(path: $0.newPath!, entry: $0.new!) }
        let relevant = Set(added.map { String(RenameDetector.folder($0.path)) }.filter { emptied.contains($0) })
        guard !relevant.isEmpty else { return ([], []) }
        return (relevant, added.filter { Self.isInside($0.path, relevant) })
    }

    static func isInside(_ path: String, _ folders: Set<String>) -> Bool {
        var current = Substring(path)
        while let slash = current.utf8.lastIndex(of: 0x2f) {
            current = current[..<slash]
            if folders.contains(String(current)) { return true }
        }
        return false
    }

    /// Each folder of `within` (or below one) whose renamed files went, more than to any
    /// other folder, to one folder: git's directory rename detection. A file renamed from
    /// `a/b/f` to `x/b/f` counts for `a/b` → `x/b` and, the names matching, for `a` → `x`.
    static func folderRenames(_ renames: [String: String], within folders: Set<String>) -> [String: String] {
        var result: [String: String] = [:]
        for (folder, destinations) in folderRenameCounts(renames, within: folders) {
            let best = destinations.values.max()!
            let winners = destinations.filter { $0.value == best }
            // A tie is git's "directory rename split": no rename.
            if winners.count == 1 { result[folder] = winners.first!.key }
        }
        return result
    }

    /// The folders of `within` (or below one) whose renamed files went to several folders,
    /// more than one of them taking the most: git's "directory rename split", a conflict
    /// with no file (merge-ort.c: get_provisional_directory_renames).
    static func folderRenameSplits(_ renames: [String: String], within folders: Set<String>) -> [String] {
        folderRenameCounts(renames, within: folders).compactMap { folder, destinations in
            let best = destinations.values.max()!
            return destinations.values.filter { $0 == best }.count > 1 ? folder : nil
        }.sorted()
    }

    /// For each folder of `within` (or below one), how many of its files' renames went to
    /// each other folder.
    static func folderRenameCounts(_ renames: [String: String], within folders: Set<String>) -> [String: [String: Int]] {
        func split(_ path: String) -> (parent: String, name: Substring) {
            guard let slash = path.utf8.lastIndex(of: 0x2f) else { return ("", Substring(path)) }
            return (String(path[..<slash]), path[path.index(after: slash)...])
        }
        func relevant(_ folder: String) -> Bool { folders.contains(folder) || isInside(folder + "/x", folders) }
        var counts: [String: [String: Int]] = [:]
        for (old, new) in renames {
            var (from, to) = (split(old).parent, split(new).parent)
            while relevant(from), from != to {
                counts[from, default: [:]][to, default: 0] += 1
                let (a, b) = (split(from), split(to))
                guard a.name == b.name, !from.isEmpty, !to.isEmpty else { break }
                (from, to) = (a.parent, b.parent)
            }
        }
        return counts
    }

    /// Where `path` goes when its deepest renamed folder moves, if one did.
    ///
    /// `own` are the folder renames of the side `path` comes from: a path is not moved into
    /// a folder its own side renamed away (merge-ort.c: check_for_directory_rename, "Avoiding
    /// applying X -> Y rename to P, because Y itself was renamed"). Otherwise a fix that
    /// moves files from `a` to `b` picked onto a target that moved them from `b` to `a`
    /// would send each side's files back into the folder the other side emptied.
    static func moved(_ path: String, by folderRenames: [String: String], unlessRenamedBy own: [String: String] = [:]) -> String? {
        guard !folderRenames.isEmpty else { return nil }
        var folder = Substring(path)
        while let slash = folder.utf8.lastIndex(of: 0x2f) {
            folder = folder[..<slash]
            if let destination = folderRenames[String(folder)] {
                if own[destination] != nil { return nil }
                let rest = path[folder.endIndex...].dropFirst()
                return destination.isEmpty ? String(rest) : destination + "/" + rest
            }
        }
        return nil
    }
}
