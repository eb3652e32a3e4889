import Git

/// `missing-file`: a file the fix edits is not on the target under any name rename
/// detection follows (the merge's delete/modify conflicts), with where it lives on the
/// source and, when its content moved or was split, where that content went on the target.
struct MissingFile {
    /// The signal's reasons, one per missing file. `placesOf` says where a path's content
    /// went on the target (the content search the merge step already made), "" for nowhere.
    func examine(_ evidence: PickEvidence, placesOf: (String) -> String?) -> [Reason] {
        evidence.output.conflicts.filter { $0.kind == .deleteModify }.map { conflict in
            let path = conflict.theirs?.path ?? conflict.path
            var message = "\(path), which the fix edits, is not on \(evidence.targetName) under any name rename detection follows"
                + " (on the source it is \(path) at \(evidence.candidate.commit.id.short()))"
            if let places = placesOf(conflict.path), !places.isEmpty { message += "; its content went to \(places)" }
            return Reason(.missingFile, message)
        }
    }
}
