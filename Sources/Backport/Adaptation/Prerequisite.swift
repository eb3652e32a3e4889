import Git

/// `prerequisite`: the commits on the source, not on the target, that added the lines the
/// fix edits or sits beside which the target's file lacks: what explains a conflict ("these
/// lines were changed on main by 0b34396924 (license header)"). Those the target carries
/// anyway (a marker, the same patch-id) are left out. Listed oldest first, the order to pick
/// them in.
///
/// A blame by content rather than by line numbers: the file's history from the fix's parent
/// back to the fork point's time (``Repository/fileHistory(path:from:notBefore:limit:)``,
/// newest first), each commit's added lines matched against the lines still unexplained,
/// until none is left or ``walkLimit`` commits were walked. libgit2's `git_blame_file` took
/// about a second a pick on etcd; this costs a few tree lookups per commit walked and, per
/// commit that changed the file, a look at the line sets of its two versions (kept per blob
/// id: a diff of every version of a busy file such as `go.sum` cost a second a pick on
/// containerd). The fork point is found once per target run
/// (``forkTime``).
///
/// Only for picks that conflict, and only their conflicted files.
struct Prerequisite {
    /// What earlier picks of the run found of the files' histories.
    let history: FileHistoryMemo
    /// How many commits the evidence names.
    var shown = 5
    /// How many source commits a file's history is walked back at most.
    var walkLimit = 100
    /// How many conflicted files are followed at most (the first, in path order).
    var fileLimit = 5

    /// The commits, oldest first. `carriedOnTarget` says whether the target already has a
    /// commit's change (marker or patch-id).
    func commits(_ evidence: PickEvidence, forkTime: Int64, carriedOnTarget: (OID) throws -> Bool) throws -> [Commit] {
        guard let parent = evidence.candidate.change.parent else { return [] }
        let repository = evidence.repository, cache = evidence.cache
        let conflicted = Set(evidence.output.conflicts.filter { $0.kind == .content }.compactMap { $0.theirs?.path ?? $0.path })
        guard !conflicted.isEmpty else { return [] }
        var found = Set<OID>()
        let files = evidence.modifiedFiles.filter { conflicted.contains($0.path) || conflicted.contains(evidence.targetPath(of: $0.path)) }
        for (path, hunks) in files.prefix(fileLimit) {
            let present = try evidence.targetFile(of: path).map { cache.lines(of: $0.blob, in: repository) } ?? []
            // Filtered, not `subtracting`, which would walk every line of the target's file.
            var unexplained = Set(hunks.flatMap(\.oldLines).compactMap(SignificantLine.normalize)).filter { !present.contains($0) }
            guard !unexplained.isEmpty else { continue }
            for change in try history.changes(of: path, from: parent, notBefore: forkTime, limit: walkLimit, in: repository) {
                guard let new = change.new else { break }
                // Lines the commit added: in its file and not in its parent's (line sets
                // kept per blob, cheaper than a diff of every version of a busy file).
                let before = change.old.map { cache.lines(of: $0, in: repository) } ?? []
                let after = cache.lines(of: new, in: repository)
                let explained = unexplained.filter { after.contains($0) && !before.contains($0) }
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

    func examine(_ evidence: PickEvidence, forkTime: Int64, carriedOnTarget: (OID) throws -> Bool) throws -> [Reason] {
        let commits = try commits(evidence, forkTime: forkTime, carriedOnTarget: carriedOnTarget)
        guard let first = commits.first else { return [] }
        let listed = commits.prefix(shown).map { "\($0.id.short()) (\($0.summary))" }.joined(separator: ", ")
            + (commits.count > shown ? " and \(commits.count - shown) more" : "")
        return [Reason(.prerequisite,
            "the lines it edits were changed on the source, not on \(evidence.targetName), by \(listed); pick \(commits.count == 1 ? "it" : "them, oldest first,") before it",
            commit: first.id)]
    }
}

/// The changes of a file's history found so far in a run, by start commit and path: a
/// walk from the same commit (the same parent, as for the files of one fix) is made once.
final class FileHistoryMemo {
    private var walks: [String: [OID: [(commit: OID, old: OID?, new: OID?)]]] = [:]

    func changes(of path: String, from tip: OID, notBefore: Int64, limit: Int, in repository: Repository) throws
        -> [(commit: OID, old: OID?, new: OID?)] {
        if let known = walks[path]?[tip] { return known }
        let found = try repository.fileHistory(path: path, from: tip, notBefore: notBefore, limit: limit)
        walks[path, default: [:]][tip] = found
        return found
    }
}
