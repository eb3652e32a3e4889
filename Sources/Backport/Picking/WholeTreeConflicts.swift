import Git

extension PathConflict {
    /// The facts of a conflict the whole-tree merge (`git_merge_trees`) left: its kind from
    /// the index stages present, the types and modes of the sides, the tree on the other
    /// side of a missing stage and the NAME entries libgit2 records for renames; binary
    /// from the sides' content or the target's attributes.
    init(_ conflict: Conflict, renames: [RenameRecord], input: PickInput, in repository: Repository) throws {
        let (a, o, t) = (conflict.ancestor, conflict.ours, conflict.theirs)
        let path = conflict.path
        let names = Set([a?.path, o?.path, t?.path].compactMap { $0 })
        let record = renames.first { [$0.ancestor, $0.ours, $0.theirs].contains { $0.map(names.contains) ?? false } }
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
            kind = .renameRename
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
    /// Where git's merge leaves the two kinds of a `type` conflict (a file on one side, a
    /// symlink or submodule on the other): merge-ort records one of them under another
    /// name, `path~<side's label>` (`/` in the label made `_`): the target's when it is the
    /// regular file, else the fix's when it is, else both, and then nothing stays at
    /// `path` (merge-ort.c: "distinct types", unique_path).
    static func distinctTypes(_ conflicts: [PathConflict], labels: (ours: String, theirs: String)) -> [PathConflict] {
        conflicts.flatMap { conflict -> [PathConflict] in
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
