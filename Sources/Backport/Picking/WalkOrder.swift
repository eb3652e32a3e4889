import Git

/// The order in which git's merge (merge-ort) meets one side's changes while walking the
/// three trees: the order of that side's rename sources and destinations, which settles
/// ties (several files with one blob: the first destination takes the first source).
///
/// merge-ort does not walk in plain path order (merge-ort.c, git 2.39:
/// collect_merge_info_callback, handle_deferred_entries). A folder that one side changed and
/// the other left as the base had it (or that only the one side has) is put off, whole: the
/// walk records it in `possible_trivial_merges` and goes on. Only when that side has a
/// source the pick needs are the put-off folders walked, after everything else, each in
/// path order, the folders themselves in the iteration order of git's hash map (strmap:
/// FNV-1 hashes of the folder paths, see ``GitHashMapOrder``). Inside a folder one side
/// removed and the other side added a file directly into (merge-ort's `dir_rename_mask`
/// 0x07: every rename under it matters for where the folder went) nothing is put off.
///
/// So one side's queue is: its changes outside put-off folders, in path order, then each
/// put-off folder's changes.
enum WalkOrder {
    /// The indices of `changes` (one side's, in path order) in merge-ort's order.
    ///
    /// `otherSideChanged` says whether the other side changed anything under a folder (or
    /// has it when the base does not); `walkedWhole` whether a folder is one whose every
    /// file merge-ort walks in place (a folder removed on one side that the other adds a
    /// file directly into).
    static func order(of changes: [PathChange], otherSideChanged: (String) throws -> Bool,
                      walkedWhole: (String) -> Bool) rethrows -> [Int] {
        var inPlace: [Int] = []
        var groups: [[Int]] = [], groupOf: [String: Int] = [:]
        var folders = GitHashMapOrder()
        // Changes come in path order: those of one put-off folder come together.
        var last: (prefix: String, group: Int)?
        for (i, change) in changes.enumerated() {
            let path = change.newPath ?? change.oldPath!
            if let last, path.utf8.starts(with: last.prefix.utf8) {
                groups[last.group].append(i)
                continue
            }
            guard let deferred = try putOffFolder(of: path, otherSideChanged: otherSideChanged, walkedWhole: walkedWhole) else {
                inPlace.append(i)
                continue
            }
            let group: Int
            if let known = groupOf[deferred] {
                group = known
            } else {
                group = groups.count
                groupOf[deferred] = group
                groups.append([])
                folders.insert(deferred)
            }
            groups[group].append(i)
            last = (deferred + "/", group)
        }
        return inPlace + folders.iterationOrder.flatMap { groups[groupOf[$0]!] }
    }

    /// One side's sources (its deletions) and destinations (its additions), in merge-ort's
    /// order (see ``order(of:otherSideChanged:walkedWhole:)``).
    static func candidates(of changes: [PathChange], otherSideChanged: (String) throws -> Bool,
                           walkedWhole: (String) -> Bool) rethrows -> (sources: [RenameCandidate], destinations: [RenameCandidate]) {
        var sources: [RenameCandidate] = [], destinations: [RenameCandidate] = []
        for i in try order(of: changes, otherSideChanged: otherSideChanged, walkedWhole: walkedWhole) {
            let change = changes[i]
            switch change.status {
            case .deleted: sources.append(RenameCandidate(path: change.oldPath!, entry: change.old!))
            case .added: destinations.append(RenameCandidate(path: change.newPath!, entry: change.new!))
            default: break
            }
        }
        return (sources, destinations)
    }

    /// The topmost folder above `path` that the other side did not change, if the walk
    /// reaches it before a folder it walks whole.
    private static func putOffFolder(of path: String, otherSideChanged: (String) throws -> Bool,
                                     walkedWhole: (String) -> Bool) rethrows -> String? {
        var index = path.utf8.startIndex
        while let slash = path.utf8[index...].firstIndex(of: 0x2f) {
            let folder = String(path[..<slash])
            if try !otherSideChanged(folder) { return folder }
            if walkedWhole(folder) { return nil }
            index = path.utf8.index(after: slash)
        }
        return nil
    }
}

/// The order in which git iterates a hash map of strings (hashmap.c, strmap.c, git 2.39):
/// keys hashed with FNV-1 (`strhash`), a table of 64 buckets that grows 4 times over once
/// it holds more than 80% as many keys, a key put at the head of its bucket's chain (a
/// growth moves the keys bucket by bucket, each again to the head of its new chain), and
/// iteration bucket by bucket, each chain from its head.
struct GitHashMapOrder {
    private var buckets: [[(hash: UInt32, key: String)]] = Array(repeating: [], count: 64)
    private var count = 0

    /// Adds a key not added before.
    mutating func insert(_ key: String) {
        let hash = Self.strhash(key)
        buckets[Int(hash) & (buckets.count - 1)].insert((hash, key), at: 0)
        count += 1
        if count > buckets.count * 80 / 100 {
            let old = buckets
            buckets = Array(repeating: [], count: old.count << 2)
            for chain in old {
                for item in chain { buckets[Int(item.hash) & (buckets.count - 1)].insert(item, at: 0) }
            }
        }
    }

    var iterationOrder: [String] { buckets.flatMap { $0.map(\.key) } }

    /// git's `strhash`: FNV-1, 32 bits, over the path's bytes.
    static func strhash(_ key: String) -> UInt32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in PathCoding.encode(key) { hash = (hash &* 0x0100_0193) ^ UInt32(byte) }
        return hash
    }
}
