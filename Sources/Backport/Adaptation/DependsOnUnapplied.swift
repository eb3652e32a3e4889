import Git

/// `depends-on-unapplied`: the fix edits or sits beside lines that an earlier candidate of
/// the plan added on the source, that candidate was not clean on this target, and those
/// lines are not in the target's file: pick (and settle) that one first.
///
/// Compared by content (significant lines, ``SignificantLine``), not by line numbers, so
/// commits between the two on the source do not matter.
struct DependsOnUnapplied {
    /// An earlier candidate that did not go in cleanly, with the lines it adds by path.
    struct Unapplied {
        let commit: Commit
        let outcome: Outcome
        let added: [String: Set<String>]
    }

    /// The lines a candidate adds, by path (for ``Unapplied``).
    static func addedLines(_ evidence: PickEvidence) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for (path, hunks) in evidence.modifiedFiles {
            result[path] = Set(hunks.flatMap(\.added).compactMap(SignificantLine.normalize))
        }
        return result
    }

    /// `earlier`: the unapplied candidates by each path they change.
    func examine(_ evidence: PickEvidence, earlier byPath: [String: [Unapplied]]) throws -> [Reason] {
        guard !byPath.isEmpty else { return [] }
        var hits: [OID: (Unapplied, Int)] = [:]
        for (path, hunks) in evidence.modifiedFiles {
            guard let earlier = byPath[path] else { continue }
            let edited = Set(hunks.flatMap(\.oldLines).compactMap(SignificantLine.normalize))
            guard !edited.isEmpty else { continue }
            let present = try evidence.targetFile(of: path).map { evidence.cache.lines(of: $0.blob, in: evidence.repository) } ?? []
            // Filtered, not `subtracting`: that walks the target's whole file, this the few
            // lines edited (the same for the earlier candidates' added lines below).
            let absent = edited.filter { !present.contains($0) }
            guard !absent.isEmpty else { continue }
            for unapplied in earlier {
                let shared = unapplied.added[path].map { added in absent.count { added.contains($0) } } ?? 0
                if shared > 0 { hits[unapplied.commit.id] = (unapplied, (hits[unapplied.commit.id]?.1 ?? 0) + shared) }
            }
        }
        // Oldest first; the same time in the order of ids, so reports do not vary between runs.
        return hits.values.sorted { ($0.0.commit.time, $0.0.commit.id.hex) < ($1.0.commit.time, $1.0.commit.id.hex) }
            .map { unapplied, lines in
            Reason(.dependsOnUnapplied,
                "it edits \(lines) line\(lines == 1 ? "" : "s") that \(unapplied.commit.id.short()) (\(unapplied.commit.summary)) added, which is \(unapplied.outcome.rawValue) on \(evidence.targetName): settle that one first",
                commit: unapplied.commit.id)
        }
    }
}
