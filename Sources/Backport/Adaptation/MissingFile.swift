import Git

/// `missing-file`: a file the fix edits is not on the target under any name rename
/// detection follows (the merge's delete/modify conflicts), with where it lives on the
/// source and, when its content moved or was split, where that content went on the target.
///
/// Said only when the missing files hold at least ``minimumShare`` of the lines the fix
/// changes: a fix that also touches a CI file the old branch never had is settled by
/// dropping that part (measured with `replay`, Docs/adaptation.md); the conflict still
/// names the file.
struct MissingFile {
    /// The least share of the fix's changed lines (added and removed) in missing files.
    var minimumShare = 0.05

    /// The signal's reason, one for all missing files. `placesOf` says where a path's
    /// content went on the target (the content search the merge step already made), "" for
    /// nowhere.
    func examine(_ evidence: PickEvidence, placesOf: (String) -> String?) -> [Reason] {
        let missing = evidence.output.conflicts.filter { $0.kind == .deleteModify }
        guard !missing.isEmpty else { return [] }
        var changed: [String: Int] = [:]
        for change in evidence.fixChanges {
            guard let path = change.newPath ?? change.oldPath else { continue }
            let old = change.old?.isRegularFile == true ? change.old?.blob : nil
            let new = change.new?.isRegularFile == true ? change.new?.blob : nil
            changed[path] = evidence.cache.hunks(from: old, to: new, in: evidence.repository)
                .map { $0.added.count + $0.removed.filter { $0 }.count }.reduce(0, +)
        }
        let total = max(1, changed.values.reduce(0, +))
        let paths = missing.map { $0.theirs?.path ?? $0.path }
        let inMissing = paths.map { changed[$0] ?? 0 }.reduce(0, +)
        let share = Double(inMissing) / Double(total)
        guard share >= minimumShare else { return [] }
        let described = missing.prefix(5).map { conflict -> String in
            let path = conflict.theirs?.path ?? conflict.path
            if let places = placesOf(conflict.path), !places.isEmpty { return "\(path) (its content went to \(places))" }
            return path
        }.joined(separator: ", ") + (missing.count > 5 ? " and \(missing.count - 5) more" : "")
        return [Reason(.missingFile,
            "\(paths.count == 1 ? "a file" : "\(paths.count) files") the fix edits, with \(Int((share * 100).rounded()))% of the lines it changes, \(paths.count == 1 ? "is" : "are") not on \(evidence.targetName) under any name rename detection follows (on the source at \(evidence.candidate.commit.id.short())): \(described)")]
    }
}
