import Git

/// Where a file's content is on a target that does not have the file under any name
/// git's rename detection follows: the files the target added since the fix's base that
/// hold the largest shares of it (a file moved and rewritten, or split in several).
///
/// The share is how much of the file's content (git's span hashes, as for renames) is
/// found in the other file, so a file split in two shows both halves.
struct ContentSearch {
    let repository: Repository
    let cache: SimilarityCache
    /// The least share worth naming, in percent.
    var minimumShare = 20
    /// How many files to name.
    var limit = 3

    /// The files `side` adds (what the target changed since the fix's base) holding at
    /// least `minimumShare` percent of `blob`'s content, the largest share first (none
    /// when none does or the blob cannot be read).
    func closest(to blob: OID, among side: [PathChange]) -> [(path: String, percent: Int)] {
        guard let source = cache.signature(of: blob, in: repository), source.size > 0 else { return [] }
        var found: [(path: String, percent: Int)] = []
        for change in side where change.status == .added {
            guard let entry = change.new, entry.isRegularFile, let path = change.newPath,
                  let size = cache.size(of: entry.blob, in: repository),
                  size * 100 >= source.size * minimumShare,
                  let signature = cache.signature(of: entry.blob, in: repository) else { continue }
            let copied = ContentSignature.countChanges(from: source, to: signature).sourceCopied
            let percent = copied * 100 / source.size
            if percent >= minimumShare { found.append((path, percent)) }
        }
        return Array(found.sorted { $0.percent != $1.percent ? $0.percent > $1.percent : $0.path < $1.path }.prefix(limit))
    }
}
