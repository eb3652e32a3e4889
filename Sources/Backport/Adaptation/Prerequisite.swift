import Git

/// `prerequisite`: the commits on the source, not on the target, that added the lines the
/// fix edits or sits beside which the target's file lacks: what explains a conflict ("these
/// lines were changed on main by 0b34396924 (license header)"). Those the target carries
/// anyway (a marker, the same patch-id) are left out. Listed oldest first, the order to pick
/// them in.
///
/// A blame by content rather than by line numbers: the file's history from the fix's parent
/// back to the target (``Repository/fileHistory(path:from:hiding:limit:)``, newest first),
/// each commit's added lines matched against the lines still unexplained, until none is
/// left or ``walkLimit`` commits were walked. libgit2's `git_blame_file` took about a
/// second a pick on etcd; this costs a tree lookup per commit walked and a diff per commit
/// that changed the file.
///
/// Only for picks that conflict, and only their conflicted files.
struct Prerequisite {
    /// How many commits the evidence names.
    var shown = 5
    /// How many source commits a file's history is walked back at most.
    var walkLimit = 3_000

    /// The commits, oldest first. `carriedOnTarget` says whether the target already has a
    /// commit's change (marker or patch-id).
    func commits(_ evidence: PickEvidence, targetTip: OID, carriedOnTarget: (OID) throws -> Bool) throws -> [Commit] {
        guard let parent = evidence.candidate.change.parent else { return [] }
        let repository = evidence.repository, cache = evidence.cache
        let conflicted = Set(evidence.output.conflicts.filter { $0.kind == .content }.compactMap { $0.theirs?.path ?? $0.path })
        guard !conflicted.isEmpty else { return [] }
        var found = Set<OID>()
        for (path, hunks) in evidence.modifiedFiles where conflicted.contains(path) || conflicted.contains(evidence.targetPath(of: path)) {
            let present = try evidence.targetFile(of: path).map { cache.lines(of: $0.blob, in: repository) } ?? []
            var unexplained = Set(hunks.flatMap(\.oldLines).compactMap(SignificantLine.normalize)).subtracting(present)
            guard !unexplained.isEmpty else { continue }
            for change in try repository.fileHistory(path: path, from: parent, hiding: [targetTip], limit: walkLimit) {
                guard let new = change.new else { break }
                let added = Set(cache.hunks(from: change.old, to: new, in: repository).flatMap(\.added).compactMap(SignificantLine.normalize))
                let explained = unexplained.intersection(added)
                if !explained.isEmpty {
                    found.insert(change.commit)
                    unexplained.subtract(explained)
                }
                if unexplained.isEmpty || change.old == nil { break }
            }
        }
        return try found.map { try repository.commit($0) }
            .filter { try !carriedOnTarget($0.id) }
            .sorted { $0.time != $1.time ? $0.time < $1.time : $0.id < $1.id }
    }

    func examine(_ evidence: PickEvidence, targetTip: OID, carriedOnTarget: (OID) throws -> Bool) throws -> [Reason] {
        let commits = try commits(evidence, targetTip: targetTip, carriedOnTarget: carriedOnTarget)
        guard let first = commits.first else { return [] }
        let listed = commits.prefix(shown).map { "\($0.id.short()) (\($0.summary))" }.joined(separator: ", ")
            + (commits.count > shown ? " and \(commits.count - shown) more" : "")
        return [Reason(.prerequisite,
            "the lines it edits were changed on the source, not on \(evidence.targetName), by \(listed); pick \(commits.count == 1 ? "it" : "them, oldest first,") before it",
            commit: first.id)]
    }
}
