import Git

/// A file of a pick that could not be read or merged (a missing or corrupt blob).
struct PathError: Error {
    let path: String
    let error: GitError
}

/// A pick settled path by path: only the files the fix changes are merged, each against
/// the target's version of it, and the result is the target's tree with those paths
/// updated (`git_tree_create_updated`).
///
/// This is how git's merge (merge-ort) settles a cherry-pick, without a three-way diff
/// of whole trees:
/// - a file the fix modifies is merged with the target's file at the same path, or, when
///   the target has none there, with the file the target renamed it to (renames are looked
///   for only for such files, among the files the target's side added: exact, then same
///   basename, then by similarity), and the result goes to the target's name;
/// - a file the fix deletes goes when the target has it unchanged; when the target changed
///   it, the fix may have renamed it (looked for among the fix's additions), and the
///   target's change is merged into the new name; otherwise it is a modify/delete conflict;
/// - a file the fix adds is added, or merged with the target's file of the same path
///   (add/add, an empty base).
///
/// Each file's merge: a side that left it as the base had it gives way to the other
/// side; modes merge the same way; content changed on both sides is git's own three-way
/// text merge (`TextMerge`: histogram diff, as merge-ort; both sides of each conflict for a
/// `merge=union` file), binary content and symlinks changed on both sides conflict,
/// submodules moved on both sides conflict.
///
/// ``run()`` returns nil, and the caller merges whole trees, where this reasoning does not
/// reach: a path that is a file on one side and a folder on the other, a file whose type
/// changes, a merge driver other than `union` set by attributes, two files meeting at one path.
struct PathMerge {
    let repository: Repository
    let input: PickInput
    let fixChanges: [PathChange]
    let renames: RenameOptions
    let similarity: SimilarityIndex
    /// The fixes' sides of text merges made so far (``Git/SideDiffs``).
    let sideDiffs: SideDiffs
    /// What the target's side changed since the fix's base (its additions and deletions
    /// are where target renames are looked for): asked only when a file the fix changes is
    /// missing on the target.
    let targetSide: () throws -> [PathChange]

    /// Thrown inside the merge when it needs the whole-tree merge; counted, with why, by
    /// `GIT_BACKPORT_TRACE`.
    private struct WholeTreesNeeded: Error {
        init(_ why: String) {
            Trace.accumulate("merging whole trees: \(why)") {}
        }
    }

    private final class Result {
        var updates: [String: TreeEntry?] = [:]
        var conflicts: [PathConflict] = []
        var renamed: [(fix: String, target: String)] = []

        /// True when the result already puts something at `path` (a file or a conflict).
        func holds(_ path: String) -> Bool {
            updates[path] != nil || conflicts.contains { $0.path == path }
        }
    }

    func run() throws -> PickOutput? {
        do {
            return try merge()
        } catch is WholeTreesNeeded {
            return nil
        }
    }

    private func merge() throws -> PickOutput {
        let result = Result()
        var added: [String: TreeEntry] = [:]
        var deleted: [RenameCandidate] = []
        var modified: [PathChange] = []
        for change in fixChanges {
            switch change.status {
            case .added: added[change.newPath!] = change.new!
            case .deleted: deleted.append(RenameCandidate(path: change.oldPath!, entry: change.old!))
            case .modified: modified.append(change)
            default: throw WholeTreesNeeded("a change other than add, delete, modify")
            }
        }
        // A file that changes kind (a file that becomes a symlink) is a deletion and an
        // addition at one path in this list; merge-ort sees one entry changed, not a rename
        // source. Settled here only when the target renamed the file away (below).
        let typeChanged = Set(deleted.map(\.path).filter { added[$0] != nil })

        // The target's file at each path the fix deletes or modifies (nil: none there).
        var ours: [String: TreeEntry] = [:]
        for path in deleted.map(\.path) + modified.map({ $0.newPath! }) {
            guard let entry = try repository.entry(at: path, inTree: input.onto) else {
                if try hasFileAbove(path) { throw WholeTreesNeeded("a folder on the target is a file") }
                continue
            }
            if entry.isTree { throw WholeTreesNeeded("a file of the fix is a folder on the target") }
            ours[path] = entry
        }

        // Renames, only where they matter (merge-ort's relevant sources). In the fix: a
        // file it deletes that the target does not have as the base had it. On the target:
        // a file the fix modifies or deletes that the target does not have.
        let detector = RenameDetector(repository: repository, options: renames, index: similarity)
        let fixRelevant = Set(deleted.filter { ours[$0.path] != $0.entry && !typeChanged.contains($0.path) }.map(\.path))
        // In the fix, also every file of a folder the fix empties while the target adds a
        // file directly into it: where the fix moved that folder decides where the target's
        // new file goes.
        let (emptiedFolders, targetAdditions) = try foldersEmptiedByFix(deleted)
        let fixLocationRelevant = emptiedFolders.isEmpty ? [] : deleted.map(\.path).filter { Self.isInside($0, emptiedFolders) }
        // On the target, also every file of a folder the target no longer has and the fix
        // adds a file directly into: where that folder went decides where the new file goes.
        let movedFolders = try foldersGoneFromTarget(receiving: added.keys.filter { !typeChanged.contains($0) })
        // Inside these folders merge-ort's walk puts nothing off (see ``WalkOrder``).
        let walkedWhole = movedFolders.union(emptiedFolders)
        var fixPairs: [String: RenameCandidate] = [:]
        if renames.enabled, !fixRelevant.isEmpty || !fixLocationRelevant.isEmpty {
            // Sources and destinations in the order merge-ort meets them.
            let fixSide = try WalkOrder.candidates(of: fixChanges, otherSideChanged: targetChanged(), walkedWhole: { walkedWhole.contains($0) })
            fixPairs = try detector.renames(
                of: fixRelevant.union(fixLocationRelevant), sources: fixSide.sources.filter { !typeChanged.contains($0.path) },
                destinations: fixSide.destinations.filter { !typeChanged.contains($0.path) },
                removedFolder: removedFolder(in: input.fix), movedFolders: emptiedFolders)
        }
        let fixRenames = fixPairs.filter { fixRelevant.contains($0.key) }
        let fixFolderRenames = emptiedFolders.isEmpty ? [:] : Self.folderRenames(fixPairs.mapValues(\.path), within: emptiedFolders)
        let contentRelevant = Set((deleted.map(\.path) + modified.map { $0.newPath! }).filter { ours[$0] == nil })
        var targetRenames: [String: RenameCandidate] = [:]
        var folderRenames: [String: String] = [:]
        if renames.enabled, !contentRelevant.isEmpty || !movedFolders.isEmpty {
            // The target's changes in the order merge-ort meets them.
            let fixFolders = Self.folders(of: fixChanges)
            let changes = try Trace.accumulate("diff of the target's side") { try targetSide() }
            var (sources, destinations) = Trace.accumulate("walk order of the target's side") {
                WalkOrder.candidates(of: changes, otherSideChanged: { fixFolders.contains($0) }, walkedWhole: { walkedWhole.contains($0) })
            }
            // A file the target turned into another kind is neither a source nor a destination.
            let targetKindChanges = Set(sources.map(\.path)).intersection(destinations.map(\.path))
            if !targetKindChanges.isEmpty {
                sources.removeAll { targetKindChanges.contains($0.path) }
                destinations.removeAll { targetKindChanges.contains($0.path) }
            }
            let locationRelevant = movedFolders.isEmpty ? [] : sources.map(\.path).filter { Self.isInside($0, movedFolders) }
            // A source that matters only for where its folder went is skipped by the similarity
            // step once that is certain: the folder's leading destination has more renames
            // than the next one and every still unpaired file of the folder together
            // (merge-ort: handle_early_known_dir_renames).
            let locationOnly = Set(locationRelevant).subtracting(contentRelevant)
            let prune = { (found: [String: RenameCandidate], unpaired: [String]) -> Set<String> in
                let counts = Self.folderRenameCounts(found.mapValues(\.path), within: movedFolders)
                let settled = movedFolders.filter { folder in
                    let ranked = (counts[folder] ?? [:]).values.sorted(by: >)
                    let open = unpaired.filter { Self.isInside($0, [folder]) }.count
                    return (ranked.first ?? 0) > (ranked.dropFirst().first ?? 0) + open
                }
                let unsettled = movedFolders.subtracting(settled)
                return locationOnly.filter { !Self.isInside($0, unsettled) }
            }
            targetRenames = try Trace.accumulate("renames on the target") { try detector.renames(
                of: contentRelevant.union(locationRelevant), sources: sources,
                destinations: destinations,
                removedFolder: removedFolder(in: input.onto), movedFolders: movedFolders, prune: locationOnly.isEmpty ? nil : prune) }
            folderRenames = Self.folderRenames(targetRenames.mapValues(\.path), within: movedFolders)
        }
        func claim(_ path: String) throws {
            guard !result.holds(path) else { throw WholeTreesNeeded("two files meet at one path") }
        }

        // A folder whose files went to several places, none taking most, is not moved, and
        // git calls the merge unclean for it (with no conflicted file).
        if renames.directoryRenames != .off {
            let splits = Self.folderRenameSplits(fixPairs.mapValues(\.path), within: emptiedFolders)
                + Self.folderRenameSplits(targetRenames.mapValues(\.path), within: movedFolders)
            for folder in splits {
                result.conflicts.append(PathConflict(kind: .directoryRenameSplit, path: folder, ancestor: nil, ours: nil,
                                                     theirs: nil, binary: false, mergedText: nil))
            }
        }

        // A file the fix turns into another kind (a file into a symlink) is one entry changed
        // at one path to merge-ort: merged there with the target's entry (a kind on each
        // side is a "distinct types" conflict, see ``mergeContent``), or, where the target
        // deleted it, modify/delete. Where the target renamed it away: below, with the
        // deletions (modify/delete at the target's name).
        var kindChangesDone = Set<String>()
        for path in typeChanged.sorted() where ours[path] != nil || targetRenames[path] == nil {
            let base = deleted.first { $0.path == path }!, theirs = RenameCandidate(path: path, entry: added[path]!)
            kindChangesDone.insert(path)
            added[path] = nil
            try claim(path)
            if let target = ours[path] {
                try mergeFile(at: path, ancestor: base, ours: RenameCandidate(path: path, entry: target), theirs: theirs, into: result)
            } else {
                result.conflicts.append(PathConflict(kind: .deleteModify, path: path, ancestor: side(base), ours: nil,
                                                     theirs: side(theirs), binary: try isBinary(theirs.entry), mergedText: nil))
            }
        }
        deleted.removeAll { kindChangesDone.contains($0.path) }

        // The fix's deletions (and its renames).
        var renamedOnBothSides = Set<String>()
        // The target's new names that a folder the fix moved took elsewhere.
        var relocatedTargetFiles = Set<String>()
        for source in deleted {
            let path = source.path
            if let destination = fixRenames[path] {
                added[destination.path] = nil
                // The target's file there is fine when it is the target's own rename of the
                // same file: both sides renamed it alike (merge-ort: a 1-to-1 rename, merged there).
                if targetRenames[path]?.path != destination.path,
                   let inTheWay = try repository.entry(at: destination.path, inTree: input.onto) {
                    // The target deleted the file and added another where the fix renames it:
                    // merge-ort's rename/add/delete, left as an add/add of the two files (a
                    // "distinct types" pair when their kinds differ), never clean.
                    guard ours[path] == nil, targetRenames[path] == nil, !inTheWay.isTree,
                          renames.directoryRenames == .off || Self.moved(destination.path, by: folderRenames) == nil
                    else { throw WholeTreesNeeded("the fix renames onto a file the target has") }
                    try claim(destination.path)
                    let targets = RenameCandidate(path: destination.path, entry: inTheWay)
                    try mergeFile(at: destination.path, ancestor: nil, ours: targets, theirs: destination, into: result)
                    if !result.conflicts.contains(where: { $0.path == destination.path }) {
                        result.updates[destination.path] = nil
                        result.conflicts.append(PathConflict(kind: .renameDelete, path: destination.path, ancestor: side(source),
                            ours: side(targets), theirs: side(destination), binary: try isBinary(destination.entry), mergedText: nil))
                    }
                    continue
                }
                try claim(destination.path)
                if let target = ours[path] {
                    // The fix renamed a file the target changed: the change follows the rename
                    // (into the folder the target moved the new name's folder to, if it did).
                    let relocated = renames.directoryRenames == .off ? nil : Self.moved(destination.path, by: folderRenames, unlessRenamedBy: fixFolderRenames)
                    let resultPath = relocated ?? destination.path
                    if target.type != source.entry.type {
                        // The target turned it into another kind (a symlink): git's merge
                        // takes that as its deletion (the new kind stays where it is), so the
                        // renamed file is a delete/modify conflict at its new name.
                        try claim(resultPath)
                        result.conflicts.append(PathConflict(kind: .deleteModify, path: resultPath, ancestor: side(source),
                            ours: nil, theirs: side(destination), binary: try isBinary(destination.entry), mergedText: nil))
                        continue
                    }
                    result.updates[path] = .some(nil)
                    // Moved back to where it was: git 2.39's merge-ort leaves the file at neither
                    // name and reports no conflict for it (its rename and the target's file
                    // there collide into one entry, which ends deleted).
                    if resultPath == path { continue }
                    if relocated != nil {
                        if try repository.entry(at: resultPath, inTree: input.onto) != nil { throw WholeTreesNeeded("a moved file meets a file the target has") }
                        try claim(resultPath)
                    }
                    try mergeFile(at: resultPath, ancestor: source, ours: RenameCandidate(path: path, entry: target),
                                  theirs: destination, into: result)
                    if relocated != nil, renames.directoryRenames == .conflict, !result.conflicts.contains(where: { $0.path == resultPath }) {
                        result.conflicts.append(PathConflict(kind: .fileLocation, path: resultPath, ancestor: side(source),
                            ours: side(RenameCandidate(path: path, entry: target)), theirs: side(destination), binary: false, mergedText: nil))
                    }
                } else if let targetName = targetRenames[path] {
                    guard targetName.path == destination.path else {
                        // Renamed differently on each side: git leaves the file unmerged under
                        // all three names (the base's, the target's, moved with its folder if
                        // the fix moved that, and the fix's).
                        renamedOnBothSides.insert(targetName.path)
                        let targetPath = renames.directoryRenames == .off ? targetName.path
                            : Self.moved(targetName.path, by: fixFolderRenames, unlessRenamedBy: folderRenames) ?? targetName.path
                        let fixPath = renames.directoryRenames == .off ? destination.path
                            : Self.moved(destination.path, by: folderRenames, unlessRenamedBy: fixFolderRenames) ?? destination.path
                        for name in [source.path, targetPath, fixPath] {
                            result.conflicts.append(PathConflict(kind: .renameRename, path: name,
                                ancestor: side(source), ours: side(targetName), theirs: side(destination), binary: false, mergedText: nil))
                        }
                        continue
                    }
                    try mergeFile(at: destination.path, ancestor: source, ours: targetName, theirs: destination, into: result)
                } else {
                    // Renamed by the fix, deleted by the target: rename/delete at the fix's new
                    // name, moved where the target moved that name's folder (git reports the
                    // file location too).
                    let relocated = renames.directoryRenames == .off ? nil
                        : Self.moved(destination.path, by: folderRenames, unlessRenamedBy: fixFolderRenames)
                    if let relocated {
                        if try repository.entry(at: relocated, inTree: input.onto) != nil { throw WholeTreesNeeded("a moved file meets a file the target has") }
                        try claim(relocated)
                    }
                    result.conflicts.append(PathConflict(kind: .renameDelete, path: relocated ?? destination.path,
                        ancestor: side(source), ours: nil, theirs: side(destination),
                        binary: try isBinary(destination.entry), mergedText: nil))
                }
            } else if let target = ours[path] {
                if target == source.entry {
                    result.updates[path] = .some(nil)
                } else {
                    result.conflicts.append(PathConflict(kind: .modifyDelete, path: path,
                        ancestor: side(source), ours: side(RenameCandidate(path: path, entry: target)), theirs: nil,
                        binary: try isBinary(target), mergedText: nil))
                }
            } else if let targetName = targetRenames[path] {
                // Renamed on the target, deleted by the fix: git reports rename/delete; a file
                // the fix turned into another kind, modify/delete (the new kind stays at the
                // old path, added below). At the target's new name, moved where the fix moved
                // that name's folder.
                let relocated = renames.directoryRenames == .off ? nil
                    : Self.moved(targetName.path, by: fixFolderRenames, unlessRenamedBy: folderRenames)
                if let relocated {
                    if try repository.entry(at: relocated, inTree: input.onto) != nil || added[relocated] != nil {
                        throw WholeTreesNeeded("a moved file meets a file the target has")
                    }
                    relocatedTargetFiles.insert(targetName.path)
                }
                if let fixFile = added[targetName.path] {
                    // The fix deleted the file and added another where the target renamed it:
                    // merge-ort's rename/add/delete, left as an add/add of the two files (a
                    // "distinct types" pair when their kinds differ), never clean.
                    guard relocated == nil, !typeChanged.contains(path) else { throw WholeTreesNeeded("two files meet at one path") }
                    added[targetName.path] = nil
                    try claim(targetName.path)
                    let fixSide = RenameCandidate(path: targetName.path, entry: fixFile)
                    try mergeFile(at: targetName.path, ancestor: nil, ours: targetName, theirs: fixSide, into: result)
                    if !result.conflicts.contains(where: { $0.path == targetName.path }) {
                        result.updates[targetName.path] = nil
                        result.conflicts.append(PathConflict(kind: .renameDelete, path: targetName.path, ancestor: side(source),
                            ours: side(targetName), theirs: side(fixSide), binary: try isBinary(fixFile), mergedText: nil))
                    }
                    continue
                }
                try claim(relocated ?? targetName.path)
                result.conflicts.append(PathConflict(kind: typeChanged.contains(path) ? .modifyDelete : .renameDelete, path: relocated ?? targetName.path,
                    ancestor: side(source), ours: side(targetName), theirs: nil,
                    binary: try isBinary(targetName.entry), mergedText: nil))
            }
        }

        // The fix's modifications.
        for change in modified {
            let path = change.newPath!
            let ancestor = RenameCandidate(path: path, entry: change.old!), theirs = RenameCandidate(path: path, entry: change.new!)
            if let target = ours[path] {
                try mergeFile(at: path, ancestor: ancestor, ours: RenameCandidate(path: path, entry: target), theirs: theirs, into: result)
            } else if let targetName = targetRenames[path] {
                // The target's new name, moved on if the fix moved that name's folder (git:
                // the other side's directory rename applies to this side's renames too).
                let relocated = renames.directoryRenames == .off ? nil
                    : Self.moved(targetName.path, by: fixFolderRenames, unlessRenamedBy: folderRenames)
                let resultPath = relocated ?? targetName.path
                guard added[targetName.path] == nil, added[resultPath] == nil else { throw WholeTreesNeeded("the fix adds where the target renamed to") }
                if relocated != nil {
                    if try repository.entry(at: resultPath, inTree: input.onto) != nil { throw WholeTreesNeeded("a moved file meets a file the target has") }
                    relocatedTargetFiles.insert(targetName.path)
                    result.updates[targetName.path] = .some(nil)
                }
                try claim(resultPath)
                result.renamed.append((path, resultPath))
                try mergeFile(at: resultPath, ancestor: ancestor, ours: targetName, theirs: theirs, into: result)
                if relocated != nil, renames.directoryRenames == .conflict, !result.conflicts.contains(where: { $0.path == resultPath }) {
                    result.conflicts.append(PathConflict(kind: .fileLocation, path: resultPath, ancestor: side(ancestor),
                        ours: side(targetName), theirs: side(theirs), binary: false, mergedText: nil))
                }
            } else {
                result.conflicts.append(PathConflict(kind: .deleteModify, path: path,
                    ancestor: side(ancestor), ours: nil, theirs: side(theirs),
                    binary: try isBinary(theirs.entry), mergedText: nil))
            }
        }

        // The fix's additions, moved where the target moved their folder: git's default
        // (merge.directoryRenames = conflict) moves the file and reports a conflict.
        for (path, theirs) in added.sorted(by: { $0.key < $1.key }) {
            // (A file the fix turned into another kind is no addition to merge-ort: it stays.)
            if renames.directoryRenames != .off, !typeChanged.contains(path), let moved = Self.moved(path, by: folderRenames, unlessRenamedBy: fixFolderRenames),
               added[moved] == nil, !result.holds(moved) {
                if let target = try repository.entry(at: moved, inTree: input.onto) {
                    // A file only the target added there is not in the way (merge-ort:
                    // path_in_way): the two additions meet, add/add, at the new place.
                    guard !target.isTree, try input.base.flatMap({ try repository.entry(at: moved, inTree: $0) }) == nil
                    else { throw WholeTreesNeeded("a moved file meets a file the target has") }
                    let ours = RenameCandidate(path: moved, entry: target), fix = RenameCandidate(path: path, entry: theirs)
                    try mergeFile(at: moved, ancestor: nil, ours: ours, theirs: fix, into: result)
                    if renames.directoryRenames == .conflict, !result.conflicts.contains(where: { $0.path == moved }) {
                        result.conflicts.append(PathConflict(kind: .fileLocation, path: moved, ancestor: nil, ours: side(ours),
                            theirs: side(fix), binary: false, mergedText: nil))
                    }
                    continue
                }
                if try hasFileAbove(moved) { throw WholeTreesNeeded("a moved file meets a file the target has") }
                if renames.directoryRenames == .move {
                    result.updates[moved] = theirs
                } else {
                    result.conflicts.append(PathConflict(kind: .fileLocation, path: moved, ancestor: nil, ours: nil,
                        theirs: side(RenameCandidate(path: path, entry: theirs)), binary: false, mergedText: nil))
                }
                continue
            }
            try claim(path)
            guard let target = try repository.entry(at: path, inTree: input.onto) else {
                if try hasFileAbove(path) { throw WholeTreesNeeded("a folder on the target is a file") }
                result.updates[path] = theirs
                continue
            }
            if target.isTree { throw WholeTreesNeeded("a file of the fix is a folder on the target") }
            if target == theirs { continue }
            try mergeFile(at: path, ancestor: nil, ours: RenameCandidate(path: path, entry: target),
                          theirs: RenameCandidate(path: path, entry: theirs), into: result)
        }

        // The target's additions in a folder the fix moved: git's default moves them too and
        // reports a conflict (the other direction of the folder moves above).
        if renames.directoryRenames != .off {
            for addition in targetAdditions where !renamedOnBothSides.contains(addition.path) && !relocatedTargetFiles.contains(addition.path) {
                guard let moved = Self.moved(addition.path, by: fixFolderRenames, unlessRenamedBy: folderRenames) else { continue }
                guard !result.holds(moved), !result.holds(addition.path),
                      try repository.entry(at: moved, inTree: input.onto) == nil, added[moved] == nil
                else { throw WholeTreesNeeded("a moved file meets another file") }
                if renames.directoryRenames == .move {
                    result.updates[addition.path] = .some(nil)
                    result.updates[moved] = addition.entry
                } else {
                    result.conflicts.append(PathConflict(kind: .fileLocation, path: moved, ancestor: nil,
                        ours: side(addition), theirs: nil, binary: false, mergedText: nil))
                }
            }
        }

        let renamed = result.renamed.sorted { $0.fix < $1.fix }
        guard result.conflicts.isEmpty else {
            // The whole-tree merge lists conflicts in index order: by path, byte by byte.
            let conflicts = result.conflicts.sorted { PathCoding.encode($0.path).lexicographicallyPrecedes(PathCoding.encode($1.path)) }
            return PickOutput(tree: nil, conflicts: PathConflict.distinctTypes(conflicts, labels: input.labels), renamedPaths: renamed)
        }
        let tree = try repository.updateTree(input.onto, setting: result.updates.map { ($0.key, $0.value) })
        return PickOutput(tree: tree, conflicts: [], renamedPaths: renamed)
    }

    /// Every folder above a path the changes name.
    static func folders(of changes: [PathChange]) -> Set<String> {
        var result = Set<String>()
        for change in changes {
            for path in [change.oldPath, change.newPath].compactMap({ $0 }) {
                var folder = Substring(path)
                while let slash = folder.utf8.lastIndex(of: 0x2f) {
                    folder = folder[..<slash]
                    guard result.insert(String(folder)).inserted else { break }
                }
            }
        }
        return result
    }

    /// Whether the target's side changed anything under a folder: its tree there is not the
    /// base's (asked once per folder).
    private func targetChanged() -> (String) throws -> Bool {
        var known: [String: Bool] = [:]
        return { folder in
            if let answer = known[folder] { return answer }
            let answer = try repository.entry(at: folder, inTree: input.onto)
                != input.base.flatMap { try repository.entry(at: folder, inTree: $0) }
            known[folder] = answer
            return answer
        }
    }

    /// Merges one file: the base's version (nil: added on both sides), the target's and the
    /// fix's, each with its own path; the result goes to `path` (the target's name).
    private func mergeFile(at path: String, ancestor: RenameCandidate?, ours: RenameCandidate, theirs: RenameCandidate,
                           into result: Result) throws {
        do {
            try mergeContent(at: path, ancestor: ancestor, ours: ours, theirs: theirs, into: result)
        } catch let error as GitError {
            throw PathError(path: path, error: error)
        }
    }

    private func mergeContent(at path: String, ancestor: RenameCandidate?, ours: RenameCandidate, theirs: RenameCandidate,
                              into result: Result) throws {
        let base = ancestor?.entry
        let (o, t) = (ours.entry, theirs.entry)
        if o.type != t.type {
            // A kind on each side (file, symlink, submodule): a side that left the entry as
            // the base had it gives way; otherwise merge-ort keeps both, one of them under
            // another name ("distinct types", see ``PathConflict/distinctTypes(_:labels:)``).
            if base == o {
                if ours.path != path || o != t { result.updates[path] = t }
                return
            }
            if base == t {
                if ours.path != path { result.updates[path] = o }
                return
            }
            var binary = false
            for entry in [base, o, t].compactMap({ $0 }) where try isBinary(entry) { binary = true }
            result.conflicts.append(PathConflict(kind: .type, path: path, ancestor: ancestor.map(side), ours: side(ours),
                                                 theirs: side(theirs), binary: binary, mergedText: nil))
            return
        }
        // The same kind on both sides, whatever the base's (merge-ort: handle_content_merge
        // compares modes and ids only; a symlink's target is the base of a text merge).
        let mode: UInt32
        if base?.mode == o.mode { mode = t.mode } else if base?.mode == t.mode || o.mode == t.mode { mode = o.mode } else {
            throw WholeTreesNeeded("modes changed differently")
        }
        func write(_ blob: OID) { if ours.path != path || blob != o.blob || mode != o.mode { result.updates[path] = TreeEntry(blob: blob, mode: mode) } }
        if base?.blob == o.blob { return write(t.blob) }
        if base?.blob == t.blob || o.blob == t.blob { return write(o.blob) }

        func conflict(binary: Bool, text: [UInt8]?) {
            result.conflicts.append(PathConflict(
                kind: o.isSubmodule ? .submodule : base == nil ? .addAdd : .content, path: path,
                ancestor: ancestor.map(side), ours: side(ours), theirs: side(theirs),
                binary: binary, mergedText: text))
        }
        // Submodules and symlinks changed on both sides are not merged line by line.
        if o.isSubmodule || o.isSymlink { return conflict(binary: false, text: nil) }
        // A merge driver (or `-merge`, `binary`) chosen by the target's attributes; `union`
        // is the text merge taking both sides of each conflict, done here as git does it.
        let driver = input.mergesByUnion(path) ? "union" : try repository.mergeAttribute(for: path)
        if let driver, driver != "union" { throw WholeTreesNeeded("a merge driver") }
        // Where the sides name the file differently, the markers say which name (as git's do).
        let labels = ours.path == theirs.path ? input.labels
            : (input.labels.ours + ":" + ours.path, input.labels.theirs + ":" + theirs.path)
        let baseLabel = input.baseLabel.map { label in ancestor.map { $0.path == path ? label : label + ":" + $0.path } ?? label }
        guard let merged = try repository.mergeTextFile(path: path, mode: mode, ancestor: base?.blob, ours: o.blob,
                                                        theirs: t.blob, labels: labels, baseLabel: baseLabel,
                                                        style: input.conflictStyle, favor: driver == nil ? .none : .union,
                                                        sideDiffs: sideDiffs) else {
            if driver != nil { throw WholeTreesNeeded("a union merge of binary content") }
            return conflict(binary: true, text: nil)
        }
        if merged.automergeable {
            write(try repository.writeBlob(merged.content))
        } else {
            conflict(binary: false, text: merged.content)
        }
    }

    private func side(_ file: RenameCandidate) -> ConflictSide {
        ConflictSide(path: file.path, mode: file.entry.mode, blob: file.entry.blob)
    }

    private func isBinary(_ entry: TreeEntry) throws -> Bool {
        entry.isRegularFile ? try repository.isBinary(entry.blob) : false
    }

    /// True when a folder above `path` is a file (or link, or submodule) on the target.
    private func hasFileAbove(_ path: String) throws -> Bool {
        var prefix = Substring(path)
        while let slash = prefix.utf8.lastIndex(of: 0x2f) {
            prefix = prefix[..<slash]
            if let entry = try repository.entry(at: String(prefix), inTree: input.onto) { return !entry.isTree }
        }
        return false
    }
}
