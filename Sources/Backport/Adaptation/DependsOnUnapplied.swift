import Git

/// `depends-on-unapplied`: the fix edits or sits beside lines that an earlier candidate of
/// the plan added on the source, that candidate was not clean on this target, and those
/// lines are not in the target's file: pick (and settle) that one first.
///
/// Compared by content (significant lines, ``SignificantLine``), not by line numbers, so
/// commits between the two on the source do not matter.
struct DependsOnUnapplied {
    /// An earlier candidate that did not go in cleanly.
    struct Unapplied {
        let commit: Commit
        let outcome: Outcome
    }

    /// The unapplied candidates of a run so far, with who added each line of each path: a
    /// pick's question costs its own edited lines, however many candidates came before (a
    /// plan of every commit onto an old branch has thousands).
    struct Earlier {
        private(set) var records: [Unapplied] = []
        /// Path → line → the records (indices) that added it.
        private var adders: [String: [String: [Int]]] = [:]

        var isEmpty: Bool { records.isEmpty }

        /// Adds a candidate with the lines it adds, by path (``addedLines(_:)``); only the
        /// index keeps the lines.
        mutating func add(_ record: Unapplied, adding added: [String: Set<String>]) {
            let index = records.count
            records.append(record)
            for (path, lines) in added {
                for line in lines { adders[path, default: [:]][line, default: []].append(index) }
            }
        }

        /// The records that added `line` to `path`.
        func adders(of line: String, in path: String) -> [Int] { adders[path]?[line] ?? [] }

        func touched(_ path: String) -> Bool { adders[path] != nil }
    }

    /// The lines a candidate adds, by path (for ``Earlier/add(_:adding:)``).
    static func addedLines(_ evidence: PickEvidence) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for (path, hunks) in evidence.modifiedFiles {
            result[path] = Set(hunks.flatMap(\.added).compactMap(SignificantLine.normalize))
        }
        return result
    }

    /// `earlier`: the run's unapplied candidates so far.
    func examine(_ evidence: PickEvidence, earlier: Earlier) throws -> [Reason] {
        guard !earlier.isEmpty else { return [] }
        var hits: [OID: (Unapplied, Int)] = [:]
        for (path, hunks) in evidence.modifiedFiles where earlier.touched(path) {
            let edited = Set(hunks.flatMap(\.oldLines).compactMap(SignificantLine.normalize))
            guard !edited.isEmpty else { continue }
            let present = try evidence.targetFile(of: path).map { evidence.cache.lines(of: $0.blob, in: evidence.repository) } ?? []
            // Filtered, not `subtracting`: that walks the target's whole file, this the few
            // lines edited.
            for line in edited where !present.contains(line) {
                for index in earlier.adders(of: line, in: path) {
                    let unapplied = earlier.records[index]
                    hits[unapplied.commit.id] = (unapplied, (hits[unapplied.commit.id]?.1 ?? 0) + 1)
                }
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
