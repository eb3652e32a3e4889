import Git

/// Where a file's content is on a target that does not have the file under any name
/// git's rename detection follows: the files the target added since the fix's base that
/// hold the largest shares of it (a file moved and rewritten, or split in several).
///
/// The share is how much of the file's content (git's span hashes, as for renames) is
/// found in the other file, so a file split in two shows both halves.
struct ContentSearch {
    let repository: Repository
    let index: SimilarityIndex
    /// The least share worth naming, in percent.
    var minimumShare = 20
    /// How many files to name.
    var limit = 3

    /// The files `side` adds (what the target changed since the fix's base) holding at
    /// least `minimumShare` percent of `blob`'s content, the largest share first (none
    /// when none does or the blob cannot be read).
    func closest(to blob: OID, among side: [PathChange]) -> [(path: String, percent: Int)] {
        guard let source = index.cache.signature(of: blob, in: repository), source.size > 0 else { return [] }
        // Only a file at least as large as the share can hold it.
        let added = side.compactMap { change -> (path: String, blob: OID)? in
            guard change.status == .added, let entry = change.new, entry.isRegularFile, let path = change.newPath,
                  let size = index.cache.size(of: entry.blob, in: repository),
                  size * 100 >= source.size * minimumShare else { return nil }
            return (path, entry.blob)
        }
        let copied = index.copiedBytes(from: source, to: added.map(\.blob), in: repository)
        let found = zip(added, copied).compactMap { file, copied -> (path: String, percent: Int)? in
            guard let copied, copied * 100 / source.size >= minimumShare else { return nil }
            return (file.path, copied * 100 / source.size)
        }
        return Array(found.sorted { $0.percent != $1.percent ? $0.percent > $1.percent : $0.path < $1.path }.prefix(limit))
    }
}
