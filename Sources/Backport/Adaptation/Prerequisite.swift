import Git

/// `prerequisite`: the commits on the source, not on the target, that last changed the
/// lines the fix edits or sits beside: blame from the fix's parent back to where the
/// source and the target forked (`git_blame_file`, bounded by that fork point), for the
/// old side of each hunk of each file that conflicts. Those the target carries anyway (a
/// marker, the same patch-id) are left out. Listed oldest first, the order to pick them in.
///
/// Only for picks that conflict (where it explains the conflict): a blame walks the file's
/// history since the fork, which is too dear for every clean pick.
struct Prerequisite {
    /// How many commits the evidence names.
    var shown = 5

    /// The commits, oldest first. `carriedOnTarget` says whether the target already has a
    /// commit's change (marker or patch-id).
    func commits(_ evidence: PickEvidence, targetTip: OID, carriedOnTarget: (OID) throws -> Bool) throws -> [Commit] {
        guard let parent = evidence.candidate.change.parent else { return [] }
        let repository = evidence.repository
        let conflicted = Set(evidence.output.conflicts.filter { $0.kind == .content }.compactMap { $0.theirs?.path ?? $0.path })
        guard !conflicted.isEmpty, let fork = try repository.mergeBase(parent, targetTip) else { return [] }
        if fork == parent { return [] }
        var found = Set<OID>()
        for (path, hunks) in evidence.modifiedFiles where conflicted.contains(path) || conflicted.contains(evidence.targetPath(of: path)) {
            for hunk in hunks where hunk.oldCount > 0 {
                let lines = hunk.oldStart...(hunk.oldStart + hunk.oldCount - 1)
                for run in try repository.blame(path: path, newest: parent, oldest: fork, lines: lines) where !run.boundary {
                    found.insert(run.commit)
                }
            }
        }
        found.remove(fork)
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
