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
/// Cost: a name is first looked for in the target's version of the fix's files; only a name
/// not found there makes the target's whole tree be indexed (once per target run, from
/// identifier sets kept per blob id, shared by every target). A name still missing is
/// looked for on the source, again from the per-blob sets, in the files that differ from
/// the target's.
struct MissingSymbol {
    /// How many names the evidence lists.
    var shown = 5

    /// The names the fix's added lines use that might be new to the target, before any tree
    /// is searched.
    func wanted(_ evidence: PickEvidence) -> Set<String> {
        var used = Set<String>(), removed = Set<String>(), addedFiles = Set<String>(), defined = Set<String>()
        for change in evidence.fixChanges {
            if change.status == .added, let new = change.new, new.isRegularFile {
                addedFiles.formUnion(evidence.cache.identifiers(of: new.blob, in: evidence.repository))
            }
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
        return used.filter { !removed.contains($0) && !addedFiles.contains($0) && !defined.contains($0) }
    }

    /// The signal's reason, if some name is missing. `targetIndex` is the target tip's
    /// identifiers (built on first call); `stackedFiles` the files earlier stacked picks
    /// changed on the tree picked onto.
    func examine(_ evidence: PickEvidence, targetIndex: () throws -> Set<String>, stackedFiles: () throws -> [TreeEntry]) throws -> [Reason] {
        var missing = wanted(evidence)
        guard !missing.isEmpty else { return [] }
        let repository = evidence.repository, cache = evidence.cache
        // The target's versions of the fix's files first: most names are local.
        for (path, _) in evidence.modifiedFiles {
            if let file = try evidence.targetFile(of: path) { missing.remove(presentIn: cache.identifiers(of: file.blob, in: repository)) }
            if missing.isEmpty { return [] }
        }
        missing.remove(presentIn: try targetIndex())
        for file in try stackedFiles() where !missing.isEmpty { missing.remove(presentIn: cache.identifiers(of: file.blob, in: repository)) }
        guard !missing.isEmpty, let base = evidence.input.base else { return [] }
        // Only names the source had before the fix: the others the fix itself brings.
        // Looked for only in the source's files that differ from the tree picked onto: a
        // file the same on both sides holds no name the target lacks (the target's index
        // and its stacked files cover every file of that tree).
        var definedAt: [String: String] = [:]
        for change in try repository.changes(from: evidence.input.onto, to: base) {
            guard let entry = change.new, entry.isRegularFile, let path = change.newPath else { continue }
            let blobNames = cache.identifiers(of: entry.blob, in: repository)
            let names = missing.filter(blobNames.contains)
            for name in names where definedAt[name] == nil || Self.isFixFile(definedAt[name]!, evidence) {
                definedAt[name] = path
            }
            if definedAt.count == missing.count, !definedAt.values.contains(where: { Self.isFixFile($0, evidence) }) { break }
        }
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
        let components = path.split(separator: "/")
        if components.contains(where: { $0 == "vendor" || $0 == "third_party" || $0 == "node_modules" }) { return false }
        guard let name = components.last, let dot = name.lastIndex(of: ".") else { return true }
        return !dataExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    static let dataExtensions: Set<String> = ["yml", "yaml", "json", "md", "txt", "toml", "ini", "cfg", "conf", "lock", "sum",
                                              "mod", "csv", "xml", "html", "rst", "adoc", "svg"]

    /// True when a path is one the fix changes (a name found only there is weaker evidence
    /// of where it is defined).
    private static func isFixFile(_ path: String, _ evidence: PickEvidence) -> Bool {
        evidence.fixChanges.contains { $0.newPath == path || $0.oldPath == path }
    }
}

extension Set where Element == String {
    /// Removes the elements `other` has, looking each of this (small) set up in `other`:
    /// `subtract` walks the whole of its argument, and the target's index has hundreds of
    /// thousands of names (on containerd it was a third of a plan's time).
    mutating func remove(presentIn other: Set<String>) {
        guard !isEmpty else { return }
        self = filter { !other.contains($0) }
    }
}
