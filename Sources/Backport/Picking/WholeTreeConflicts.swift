import Git

extension PathConflict {
    /// The facts of a conflict the whole-tree merge (`git_merge_trees`) left: its kind from
    /// the index stages present, the types and modes of the sides, the tree on the other
    /// side of a missing stage and the NAME entries libgit2 records for renames; binary
    /// from the sides' content or the target's attributes.
    ///
    /// One side libgit2 loses is put back: when both sides rename a file, to different
    /// names (rename/rename(1to2)), and one side also has a file of its own at the name
    /// the other renamed to, libgit2 leaves only the renamed file there; merge-ort's
    /// `process_renames` keeps both (a rename/add: the two files meet at that name, as an
    /// add/add, or as distinct types).
    init(_ conflict: Conflict, renames: [RenameRecord], input: PickInput, in repository: Repository) throws {
        var (a, o, t) = (conflict.ancestor, conflict.ours, conflict.theirs)
        let path = conflict.path
        let names = Set([a?.path, o?.path, t?.path].compactMap { $0 })
        let record = renames.first { [$0.ancestor, $0.ours, $0.theirs].contains { $0.map(names.contains) ?? false } }
        if let record, let original = record.ancestor, let oursName = record.ours, let theirsName = record.theirs,
           oursName != original, theirsName != original, oursName != theirsName {
            func entry(in tree: OID) throws -> ConflictSide? {
                guard let found = try repository.entry(at: path, inTree: tree), !found.isTree else { return nil }
                return ConflictSide(path: path, mode: found.mode, blob: found.blob)
            }
            if o == nil, path == theirsName, t?.path == path { o = try entry(in: input.onto) }
            else if t == nil, path == oursName, o?.path == path { t = try entry(in: input.fix) }
        }
        let types = Set([a, o, t].compactMap { $0.map { $0.mode & 0o170000 } })
        func isFolder(_ tree: OID) throws -> Bool { try repository.entry(at: path, inTree: tree)?.isTree ?? false }

        let kind: ConflictReport.Kind
        switch (o, t) {
        case let (o?, t?):
            if types.count > 1 { kind = .type }
            else if a == nil { kind = .addAdd }
            else if o.mode & 0o170000 == 0o160000 { kind = .submodule }
            else if o.blob == t.blob { kind = .mode }
            else { kind = .content }
        case (_?, nil):
            if let record, record.ours != record.ancestor, record.theirs != nil, record.theirs != record.ancestor { kind = .renameRename }
            else if names.count > 1 || (record.map { $0.ours != $0.ancestor } ?? false) { kind = .renameDelete }
            else if try isFolder(input.fix) { kind = .fileDirectory }
            else { kind = .modifyDelete }
        case (nil, _?):
            if let record, record.theirs != record.ancestor, record.ours != nil, record.ours != record.ancestor { kind = .renameRename }
            else if names.count > 1 || (record.map { $0.theirs != $0.ancestor } ?? false) { kind = .renameDelete }
            else if try isFolder(input.onto) { kind = .fileDirectory }
            else { kind = .deleteModify }
        case (nil, nil):
            // What a rename left at the old name: renamed on one side only, deleted on the other.
            if let record, (record.ours == nil) != (record.theirs == nil) { kind = .renameDelete }
            else { kind = .renameRename }
        }

        var binary = false
        if let attribute = try repository.mergeAttribute(for: path), attribute == "unset" || attribute == "binary" {
            binary = true
        } else {
            for side in [a, o, t].compactMap({ $0 }) where side.mode & 0o170000 == 0o100000 {
                if try repository.isBinary(side.blob) { binary = true; break }
            }
        }
        self.init(kind: kind, path: path,
                  ancestor: a, ours: o, theirs: t, binary: binary,
                  mergedText: binary ? nil : conflict.mergedText)
    }
}

extension PathConflict {
    /// True for what the whole-tree merge leaves at a file's old name when both sides
    /// renamed it to one new name: the ancestor alone, with no side. merge-ort leaves
    /// nothing there (a rename/rename(1to1): the sides meet at the new name, where any
    /// conflict is reported); libgit2 pairs a target's deletion and addition that git,
    /// looking only for renames the pick needs, leaves as a deletion.
    static func isLeftAtOldName(_ conflict: Conflict, renames: [RenameRecord]) -> Bool {
        guard conflict.ours == nil, conflict.theirs == nil, let old = conflict.ancestor?.path else { return false }
        return renames.contains { $0.ancestor == old && $0.ours != nil && $0.ours == $0.theirs && $0.ours != old }
    }
}

extension PathConflict {
    /// Where git's merge leaves the two kinds of a `type` conflict (a file on one side, a
    /// symlink or submodule on the other): merge-ort records one of them under another
    /// name, `path~<side's label>` (`/` in the label made `_`): the target's when it is the
    /// regular file, else the fix's when it is, else both, and then nothing stays at
    /// `path` (merge-ort.c: "distinct types", unique_path).
    ///
    /// Also where git leaves a rename/delete: at the new name only. The whole-tree merge
    /// also leaves the ancestor alone at the old name (a rename/delete with neither side,
    /// which nothing else makes); merge-ort moves it to the new name, so that one goes.
    static func distinctTypes(_ conflicts: [PathConflict], labels: (ours: String, theirs: String)) -> [PathConflict] {
        let conflicts = conflicts.filter { !($0.kind == .renameDelete && $0.ours == nil && $0.theirs == nil) }
        return conflicts.flatMap { conflict -> [PathConflict] in
            guard conflict.kind == .type, let ours = conflict.ours, let theirs = conflict.theirs else { return [conflict] }
            let taken = Set(conflicts.map(\.path))
            func renamed(_ label: String) -> PathConflict {
                let base = conflict.path + "~" + label.replacingOccurrences(of: "/", with: "_")
                var copy = conflict, suffix = 0
                copy.path = base
                while taken.contains(copy.path) { copy.path = base + "_\(suffix)"; suffix += 1 }
                return copy
            }
            let regular = { (entry: ConflictSide) in entry.mode & 0o170000 == 0o100000 }
            if regular(ours) { return [renamed(labels.ours), conflict] }
            if regular(theirs) { return [conflict, renamed(labels.theirs)] }
            return [renamed(labels.ours), renamed(labels.theirs)]
        }
    }
}
