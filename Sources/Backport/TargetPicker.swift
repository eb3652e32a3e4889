import Git

/// Tries and classifies, in memory, the candidates meant for one target.
///
/// Owns its own repository handle (opened without a working tree, objects written to
/// memory, attributes read from the target's tree), so pickers run on several threads.
/// Candidates come oldest first; with stacking, each clean pick's tree becomes the base
/// the next candidate is tried on, as a maintainer applying the batch would see it.
final class TargetPicker {
    private let repository: Repository
    let target: Target
    private let stacked: Bool
    private let fastPath: Bool
    private var history: TargetHistory
    /// The tree the next candidate is picked onto: the target tip's, plus the clean picks
    /// so far when stacking.
    private var currentTree: OID
    private var stackedPicks = 0
    /// Whether the merges read `currentTree`'s `.gitattributes` yet (loaded before the
    /// first merge, so a plan that merges nothing never reads the target's whole tree).
    private var attributesLoaded = false
    /// Candidates of this plan that go to this target (clean or conflicted so far): a fix
    /// whose `Fixes:` names one of them is meant for this target too.
    private var carried: Set<OID> = []
    private var culpritEvidence: [OID: Reason?] = [:]

    init(gitDirectory: String, target: Target, history: TargetHistory, stacked: Bool, fastPath: Bool) throws {
        repository = try Repository.openBare(gitDirectory: gitDirectory)
        try repository.useInMemoryObjectStore()
        self.target = target
        self.history = history
        self.stacked = stacked
        self.fastPath = fastPath
        currentTree = try repository.treeID(ofCommit: target.branch.tip)
    }

    /// Classifies the candidates, oldest first, then lets go of the merged objects and the
    /// attributes index (the planner keeps the results).
    func run(_ candidates: [CandidateWork]) throws -> [PickResult] {
        let results = try candidates.map { candidate in
            let result = try classify(candidate)
            if !stacked {
                // Nothing later builds on this pick's objects: let them go.
                try repository.resetInMemoryObjectStore()
            }
            return result
        }
        try repository.resetInMemoryObjectStore()
        if attributesLoaded {
            try repository.forgetAttributes()
            attributesLoaded = false
        }
        return results
    }

    private func classify(_ candidate: CandidateWork) throws -> PickResult {
        let id = candidate.commit.id
        func result(_ outcome: Outcome, _ reasons: [Reason], conflicts: [ConflictReport] = [], tree: OID? = nil) -> PickResult {
            PickResult(commit: id, target: target.name, outcome: outcome, reasons: reasons, conflicts: conflicts, tree: tree)
        }
        if let skip = candidate.skipReason { return result(.skipped, [skip]) }

        if candidate.containedIn.contains(target.branch.name) {
            return result(.alreadyApplied, [Reason(.inTargetHistory, "\(target.name) already contains this commit")])
        }
        if let carrier = history.carrier(of: id) {
            return result(.alreadyApplied, [Reason(.marker, "\(carrier.short()) on \(target.name) names it as its upstream commit", commit: carrier)])
        }
        if let twin = try history.equivalent(to: candidate.change, in: repository) {
            return result(.alreadyApplied, [Reason(.samePatchID, "\(twin.short()) on \(target.name) makes the same change (same patch-id)", commit: twin)])
        }

        var evidence: [Reason] = []
        if !candidate.culprits.isEmpty {
            guard let found = try candidate.culprits.lazy.compactMap({ try self.evidence(forCulprit: $0) }).first else {
                let names = candidate.culprits.map { $0.commit.short() }.joined(separator: ", ")
                return result(.notAffected, [Reason(.fixesNotInTarget,
                    "the commit it fixes (\(names)) is not in \(target.name)'s history, nor carried there as a backport",
                    commit: candidate.culprits[0].commit)])
            }
            evidence.append(found)
        }

        let merge = try pick(candidate)
        guard let tree = merge.tree else {
            carried.insert(id)
            let conflicts = merge.conflicts.map { ConflictReport($0, renames: merge.renames) }
            let paths = conflicts.map(\.path).joined(separator: ", ")
            return result(.conflicted, [Reason(.conflicts, "\(conflicts.count) conflicted path\(conflicts.count == 1 ? "" : "s"): \(paths)")] + evidence,
                          conflicts: conflicts)
        }
        if tree == currentTree {
            return result(.alreadyApplied, [Reason(.emptyPick, "picking it changes nothing on \(target.name)")] + evidence)
        }
        carried.insert(id)
        let message = stacked && stackedPicks > 0
            ? "applies cleanly on top of \(stackedPicks) earlier pick\(stackedPicks == 1 ? "" : "s")" : "applies cleanly"
        if stacked {
            currentTree = tree
            stackedPicks += 1
            if try candidate.change.changes(repository).paths.contains(where: { $0 == ".gitattributes" || $0.hasSuffix("/.gitattributes") }) {
                attributesLoaded = false
            }
        }
        return result(.clean, [Reason(.applies, message)] + evidence, tree: tree)
    }

    /// The three-way merge of the candidate's change into the current tree.
    private func pick(_ candidate: CandidateWork) throws -> TreeMerge {
        if !attributesLoaded {
            try repository.useAttributes(fromTree: currentTree)
            attributesLoaded = true
        }
        let labels = (ours: target.name, theirs: "\(candidate.commit.id.short()) (\(candidate.commit.summary))")
        if fastPath, let merge = try mergeChangedFiles(candidate, labels: labels) {
            return merge
        }
        return try repository.mergeTrees(ancestor: try candidate.change.baseTree(repository), ours: currentTree,
                                         theirs: candidate.commit.tree, labels: labels)
    }

    /// The fast path: merges only the files the pick modifies, and writes the result by
    /// updating those paths of the current tree.
    ///
    /// Gives exactly the whole-tree merge's result, because that merge also settles each of
    /// these files alone: a file modified on one side only takes that side, a file modified
    /// on both is a three-way text merge with the same options, and rename detection cannot
    /// pair a file that exists in the base, the target and the fix. Returns nil (use the full
    /// merge) whenever that reasoning does not hold for a file: the target lacks it (it may
    /// have been renamed there), its mode differs, a `merge` attribute picks a driver, or a
    /// version is binary; and when the pick does more than modify regular files (adds,
    /// deletes, changes a mode or a file's type).
    private func mergeChangedFiles(_ candidate: CandidateWork, labels: (ours: String, theirs: String)) throws -> TreeMerge? {
        let changes = try candidate.change.changes(repository)
        guard changes.allSatisfy({ $0.status == .modified && $0.old!.mode == $0.new!.mode && $0.old!.isRegularFile }) else {
            return nil
        }
        var updates: [(path: String, entry: TreeEntry)] = []
        var conflicts: [Conflict] = []
        for change in changes {
            guard let path = change.newPath, let base = change.old, let theirs = change.new,
                  let ours = try repository.entry(at: path, inTree: currentTree), ours.mode == base.mode,
                  try repository.mergeAttribute(for: path) == nil else { return nil }
            if ours.blob == base.blob {
                updates.append((path, theirs))
                continue
            }
            if ours.blob == theirs.blob { continue }
            guard let merged = try repository.mergeTextFile(path: path, mode: ours.mode, ancestor: base.blob, ours: ours.blob,
                                                            theirs: theirs.blob, labels: labels) else { return nil }
            if merged.automergeable {
                updates.append((path, TreeEntry(blob: try repository.writeBlob(merged.content), mode: ours.mode)))
            } else {
                func side(_ entry: TreeEntry) -> ConflictSide { ConflictSide(path: path, mode: entry.mode, blob: entry.blob) }
                conflicts.append(Conflict(ancestor: side(base), ours: side(ours), theirs: side(theirs), mergedText: merged.content))
            }
        }
        guard conflicts.isEmpty else {
            // The whole-tree merge lists conflicts in index order: by path, byte by byte.
            return TreeMerge(tree: nil, conflicts: conflicts.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }, renames: [])
        }
        return TreeMerge(tree: try repository.updateTree(currentTree, setting: updates), conflicts: [], renames: [])
    }

    /// How `culprit` (a commit named by `Fixes:`) reached this target, or nil if it did not:
    /// in its history, as a backport (marker or patch-id), or picked earlier in this plan.
    private func evidence(forCulprit change: CommitChange) throws -> Reason? {
        let culprit = change.commit
        if carried.contains(culprit) {
            return Reason(.fixesInTarget, "the commit it fixes, \(culprit.short()), is picked earlier in this plan", commit: culprit)
        }
        if let known = culpritEvidence[culprit] { return known }
        var found: Reason?
        if try repository.isAncestor(culprit, of: target.branch.tip) {
            found = Reason(.fixesInTarget, "the commit it fixes, \(culprit.short()), is in \(target.name)'s history", commit: culprit)
        } else if let carrier = history.carrier(of: culprit) {
            found = Reason(.fixesInTarget, "the commit it fixes, \(culprit.short()), was backported to \(target.name) as \(carrier.short())", commit: culprit)
        } else if let twin = try history.equivalent(to: change, in: repository) {
            found = Reason(.fixesInTarget, "the commit it fixes, \(culprit.short()), was backported to \(target.name) as \(twin.short()) (same patch-id)", commit: culprit)
        }
        culpritEvidence[culprit] = found
        return found
    }
}

extension ConflictReport {
    /// Describes one conflicted path of a merge: its kind, and for text conflicts the
    /// number of regions and the line of each region's `<<<<<<<` marker.
    init(_ conflict: Conflict, renames: [RenameRecord]) {
        let kind: Kind
        switch (conflict.ancestor != nil, conflict.ours != nil, conflict.theirs != nil) {
        case (true, true, true): kind = .content
        case (false, true, true): kind = .addAdd
        case (true, true, false): kind = .modifyDelete
        case (true, false, true): kind = .deleteModify
        default: kind = .rename
        }
        let paths = [conflict.ancestor?.path, conflict.ours?.path, conflict.theirs?.path].compactMap { $0 }
        let renamed = Set(paths).count > 1
            || renames.contains { [$0.ancestor, $0.ours, $0.theirs].contains(conflict.path) }
        var regions: Int?, lines: [Int]?, binary = false
        if let text = conflict.mergedText {
            let markers = Self.markerLines(text)
            binary = markers == nil || markers!.isEmpty
            if let markers, !markers.isEmpty { regions = markers.count; lines = markers }
        }
        self.init(
            path: conflict.path,
            kind: renamed && kind != .content ? .rename : kind,
            regions: regions, lines: lines, binary: binary,
            ancestorPath: renamed ? conflict.ancestor?.path : nil,
            targetPath: renamed ? conflict.ours?.path : nil,
            fixPath: renamed ? conflict.theirs?.path : nil
        )
    }

    /// The 1-based lines that open a conflict region (`<<<<<<<`), or nil for binary content.
    static func markerLines(_ text: [UInt8]) -> [Int]? {
        if text.prefix(8000).contains(0) { return nil }
        let open = Array("<<<<<<<".utf8)
        var lines: [Int] = []
        var line = 1, atLineStart = true, i = 0
        while i < text.count {
            if atLineStart, text[i...].starts(with: open), i + 7 == text.count || text[i + 7] == 0x20 || text[i + 7] == 0x0a {
                lines.append(line)
            }
            atLineStart = text[i] == 0x0a
            if atLineStart { line += 1 }
            i += 1
        }
        return lines
    }
}
