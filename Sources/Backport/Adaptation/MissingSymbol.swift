import Git

/// `missing-symbol`: names the fix's added lines use that the source had before the fix
/// and the target has nowhere: a helper, a constant, a field the old branch lacks.
///
/// Which names count (``Identifiers/uses(in:)``): tokens that look like code in added lines,
/// not keywords or common words; not those the removed lines used too (the fix changes code
/// that uses them: a conflict, not a new dependency), not those of files the fix adds
/// (defined there), not those the added lines define (``Identifiers/definitions(in:)``: a
/// function the fix adds to a file, a local variable it declares, whatever the source
/// elsewhere calls the same), not those nowhere on the source before the fix (the fix introduces
/// them: a renamed variable, a helper it adds); not those of data, configuration or
/// documentation files or vendored code (``isCode(_:)``).
///
/// Cost: names are looked for in the tree picked onto nearest the fix's files first
/// (``AdaptationCache/locate(_:in:near:avoiding:in:)``), and the search ends when all are
/// found; only a name the target lacks reads the whole tree, and each file's tokens are
/// kept by blob id for every target. A name still missing is looked for on the source
/// the same way. A run whose searches keep reading whole trees (many picks onto an old
/// branch) counts each tree's names instead, moved from one tree to the next
/// (``TreeTokens``). Whether a tree has a name is kept by tree for the whole plan
/// (``AdaptationCache/present(_:in:search:)``): the fixes' parents are the same on every
/// target.
struct MissingSymbol {
    /// How many names the evidence lists.
    var shown = 5

    /// The names the fix's added lines use that might be new to the target, before any tree
    /// is searched.
    func wanted(_ evidence: PickEvidence) -> Set<String> {
        var used = Set<String>(), removed = Set<String>(), defined = Set<String>()
        let addedFiles = evidence.fixChanges.compactMap { change -> TokenSet? in
            guard change.status == .added, let new = change.new, new.isRegularFile else { return nil }
            return evidence.cache.identifiers(of: new.blob, in: evidence.repository)
        }
        for (path, hunks) in evidence.modifiedFiles where Self.isCode(path) {
            for hunk in hunks {
                for line in hunk.added {
                    used.formUnion(Identifiers.uses(in: line))
                    defined.formUnion(Identifiers.definitions(in: line))
                }
                for (line, isRemoved) in zip(hunk.oldLines, hunk.removed) where isRemoved {
                    removed.formUnion(Identifiers.uses(in: line))
                }
            }
        }
        return used.subtracting(removed).subtracting(defined).filter { name in !addedFiles.contains { $0.contains(name) } }
    }

    /// What a run keeps from one pick to the next: which names the trees picked onto and
    /// the fixes' parents have.
    final class Indexes {
        let target: TreeTokens
        let source: TreeTokens

        init(cache: AdaptationCache) {
            target = TreeTokens(cache: cache)
            source = TreeTokens(cache: cache)
        }
    }

    /// The signal's reason, if some name is missing from the tree the pick goes onto.
    func examine(_ evidence: PickEvidence, indexes: Indexes) throws -> [Reason] {
        let missing = wanted(evidence)
        guard !missing.isEmpty, let base = evidence.input.base else { return [] }
        let repository = evidence.repository
        let fixPaths = evidence.modifiedFiles.map(\.path)
        let onTarget = try evidence.cache.present(missing, in: evidence.input.onto) { names in
            try indexes.target.present(names, in: evidence.input.onto, near: fixPaths.map(evidence.targetPath(of:)), repository: repository)
        }
        let absent = missing.subtracting(onTarget)
        guard !absent.isEmpty else { return [] }
        // Only names the source had before the fix (the others the fix itself brings),
        // preferably where the fix does not use them.
        let atBase = try evidence.cache.present(absent, in: base) { names in
            try indexes.source.present(names, in: base, near: fixPaths, repository: repository)
        }
        guard !atBase.isEmpty else { return [] }
        let fixFiles = Set(evidence.fixChanges.flatMap { [$0.newPath, $0.oldPath].compactMap { $0 } })
        let definedAt = try evidence.cache.locate(atBase, in: base, near: fixPaths, avoiding: fixFiles, in: repository)
        guard !definedAt.isEmpty else { return [] }
        let names = definedAt.keys.sorted()
        let listed = names.prefix(shown).map { "\($0) (\(definedAt[$0]!))" }.joined(separator: ", ")
            + (names.count > shown ? " and \(names.count - shown) more" : "")
        return [Reason(.missingSymbol,
            "it uses \(names.count == 1 ? "a name" : "\(names.count) names") the source has and \(evidence.targetName) has nowhere: \(listed)")]
    }

    /// Data, configuration and documentation files, and vendored code, whose added lines
    /// name no symbols of the project (a YAML key, a vendored library's local variable):
    /// measured with `replay`, they were the false alarms on picks applied as-is.
    static func isCode(_ path: String) -> Bool {
        guard !isVendored(path), let ext = fileExtension(of: path) else { return true }
        return !dataExtensions.contains(ext.lowercased())
    }

    /// What follows the last `.` of a path's file name (nil without one).
    static func fileExtension(of path: String) -> Substring? {
        let name = path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? path[...]
        return name.lastIndex(of: ".").map { name[name.index(after: $0)...] }
    }

    /// A path in vendored code (`vendor/`, `third_party/`, `node_modules/`).
    static func isVendored(_ path: String) -> Bool {
        path.split(separator: "/").contains { vendorFolders.contains(String($0)) }
    }

    static let vendorFolders: Set<String> = ["vendor", "third_party", "node_modules"]

    static let dataExtensions: Set<String> = ["yml", "yaml", "json", "md", "txt", "toml", "ini", "cfg", "conf", "lock", "sum",
                                              "mod", "csv", "xml", "html", "rst", "adoc", "svg"]
}
