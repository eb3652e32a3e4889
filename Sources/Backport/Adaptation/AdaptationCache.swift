import Foundation
import Git

/// What the adaptation signals read, computed once and shared by the runs of every
/// target (on several threads): a fix's line hunks, the significant lines of a blob, the
/// identifiers of a blob, each kept by blob id, so a file that is the same on several
/// targets is read once. Like ``SimilarityCache``.
final class AdaptationCache: @unchecked Sendable {
    // Safe: every dictionary is read and written only under `lock`; values are computed
    // outside it (two runs may both compute one, and keep the same value).
    private let lock = NSLock()
    private var hunks: [BlobChange: [LineHunk]] = [:]
    private var hunkLines = 0
    private var lineSets: [OID: Set<String>] = [:]
    private var setLines = 0
    private var identifiers: [OID: TokenSet] = [:]
    private var identifierCount = 0
    /// Whether each tree has each name a search asked about (``present(_:in:search:)``).
    private var presence: [OID: [String: Bool]] = [:]
    private var presenceCount = 0
    /// The last token counts (``TreeTokens``) runs built, at most two, latest last.
    private var tokenCounts: [(tree: OID, counts: [UInt64: Int32])] = []

    struct BlobChange: Hashable {
        let old: OID?
        let new: OID?
    }

    /// How many lines each of the hunks and the line sets keeps before it is forgotten all
    /// at once (about 100 bytes a line with its string and the collection's share).
    static let linesKept = 2_000_000

    /// Files larger than this are not read for identifiers or lines (generated code, data).
    static let largestFile = 512 * 1024

    /// The line hunks of one file's change (empty for a binary or unreadable file).
    func hunks(from old: OID?, to new: OID?, in repository: Repository) -> [LineHunk] {
        let key = BlobChange(old: old, new: new)
        if let known = lock.withLock({ hunks[key] }) { return known }
        let value = (try? repository.lineHunks(from: old, to: new)) ?? []
        lock.withLock {
            // Bounded by the lines kept (a dependency bump's hunks hold thousands).
            let lines = value.reduce(1) { $0 + $1.oldLines.count + $1.added.count }
            hunkLines += lines
            if hunkLines > Self.linesKept {
                hunks.removeAll(keepingCapacity: true)
                hunkLines = lines
            }
            hunks[key] = value
        }
        return value
    }

    /// The significant lines of a blob (``SignificantLine``), as a set.
    func lines(of blob: OID, in repository: Repository) -> Set<String> {
        if let known = lock.withLock({ lineSets[blob] }) { return known }
        var value = Set<String>()
        if let bytes = readText(blob, repository) {
            bytes.withUnsafeBufferPointer { text in
                var start = 0
                while start < text.count {
                    var end = start
                    while end < text.count, text[end] != 0x0a { end += 1 }
                    if let s = SignificantLine.normalize(UnsafeBufferPointer(rebasing: text[start..<end])) { value.insert(s) }
                    start = end + 1
                }
            }
        }
        lock.withLock {
            setLines += value.count + 1
            if setLines > Self.linesKept {
                lineSets.removeAll(keepingCapacity: true)
                setLines = value.count + 1
            }
            lineSets[blob] = value
        }
        return value
    }

    /// Every identifier token of a blob (``Identifiers/allTokens(in:)``).
    func identifiers(of blob: OID, in repository: Repository) -> TokenSet {
        if let known = lock.withLock({ identifiers[blob] }) { return known }
        let value = readText(blob, repository).map(Identifiers.allTokens(in:)) ?? .empty
        lock.withLock {
            // Bounded: forgotten all at once past about 20 million tokens.
            identifierCount += value.count
            if identifierCount > 20_000_000 {
                identifiers.removeAll(keepingCapacity: true)
                identifierCount = value.count
            }
            identifiers[blob] = value
        }
        return value
    }

    /// The names of `names` that `tree` has: those some run asked about before answered from
    /// memory (the fixes' parents are the same on every target, and a branch's runs ask
    /// about the same names), the others by `search`.
    func present(_ names: Set<String>, in tree: OID, search: (Set<String>) throws -> Set<String>) rethrows -> Set<String> {
        // Only the names asked for are copied out: holding on to the tree's whole memo would
        // make the insertions below copy it.
        let known: [String: Bool] = lock.withLock {
            guard let memo = presence[tree] else { return [:] }
            var known: [String: Bool] = [:]
            for name in names { if let value = memo[name] { known[name] = value } }
            return known
        }
        let unknown = names.filter { known[$0] == nil }
        let found = unknown.isEmpty ? [] : try search(unknown)
        if !unknown.isEmpty {
            lock.withLock {
                presenceCount += unknown.count
                if presenceCount > 1_000_000 {
                    presence.removeAll(keepingCapacity: true)
                    presenceCount = unknown.count
                }
                for name in unknown { presence[tree, default: [:]][name] = found.contains(name) }
            }
        }
        return names.filter { known[$0] ?? found.contains($0) }
    }

    /// Token counts a run built (``TreeTokens``): those of `tree` if kept, else the latest.
    func tokenCounts(preferring tree: OID) -> (tree: OID, counts: [UInt64: Int32])? {
        lock.withLock { tokenCounts.last { $0.tree == tree } ?? tokenCounts.last }
    }

    /// Keeps a run's token counts for the runs that start later (copied on their first change).
    func keep(tokenCounts counts: [UInt64: Int32], of tree: OID) {
        lock.withLock {
            tokenCounts.removeAll { $0.tree == tree }
            tokenCounts.append((tree, counts))
            if tokenCounts.count > 2 { tokenCounts.removeFirst() }
        }
    }

    /// Where in a tree's text files each name is found: the first file that has it, nearest
    /// `paths` first (their folders, then the files with one of their extensions outside
    /// vendored code, then the rest), except that a file of `avoiding` counts only when no
    /// other file has the name. Names found nowhere are absent. The search ends as soon as
    /// every name is settled, so a name defined beside the fix costs a few files, and only a
    /// name missing from the tree reads all of it; each file's tokens are kept by blob id,
    /// and the tree's folders by id, for every target and every later search.
    func locate(_ names: Set<String>, in tree: OID, near paths: [String], avoiding: Set<String> = [],
                in repository: Repository) throws -> [String: String] {
        // Each name with its hash, made once; a file's path is made only when it has one.
        var wanted = names.map { (name: $0, hash: TokenSet.hash($0.utf8)) }, found: [String: String] = [:]
        func look(at path: @autoclosure () -> String, _ blob: OID) {
            let tokens = identifiers(of: blob, in: repository)
            guard wanted.contains(where: { tokens.contains(hash: $0.hash) }) else { return }
            let path = path()
            for (name, hash) in wanted where tokens.contains(hash: hash) {
                if avoiding.contains(path) {
                    if found[name] == nil { found[name] = path }
                } else {
                    found[name] = path
                    wanted.removeAll { $0.name == name }
                }
            }
        }
        var folders: [String] = []
        for path in paths {
            let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
            if !folders.contains(folder) { folders.append(folder) }
        }
        for folder in folders where !wanted.isEmpty {
            let id = folder.isEmpty ? tree : try repository.entry(at: folder, inTree: tree).flatMap { $0.isTree ? $0.blob : nil }
            guard let id else { continue }
            for (name, entry) in try repository.entries(ofTree: id) where entry.isRegularFile && !wanted.isEmpty {
                look(at: folder.isEmpty ? name : folder + "/" + name, entry.blob)
            }
        }
        // Then the whole tree, in two passes: the likely files, then the others.
        let extensions = Set(paths.compactMap(MissingSymbol.fileExtension(of:)))
        let nearFolders = Set(folders)
        func likely(_ name: String, vendored: Bool) -> Bool {
            !vendored && MissingSymbol.fileExtension(of: name).map(extensions.contains) == true
        }
        func walk(_ id: OID, _ prefix: String, vendored: Bool, likelyPass: Bool) throws {
            let inNearFolder = nearFolders.contains(prefix.isEmpty ? "" : String(prefix.dropLast()))
            for (name, entry) in try repository.entries(ofTree: id) {
                if wanted.isEmpty { return }
                if entry.isTree {
                    try walk(entry.blob, prefix + name + "/", vendored: vendored || MissingSymbol.vendorFolders.contains(name),
                             likelyPass: likelyPass)
                } else if entry.isRegularFile, !inNearFolder, likely(name, vendored: vendored) == likelyPass {
                    look(at: prefix + name, entry.blob)
                }
            }
        }
        for likelyPass in [true, false] where !wanted.isEmpty {
            try walk(tree, "", vendored: false, likelyPass: likelyPass)
        }
        return found
    }

    /// A text blob's bytes; nil when it is binary, too large or cannot be read.
    private func readText(_ blob: OID, _ repository: Repository) -> [UInt8]? {
        guard let size = try? repository.blobSize(blob), size <= Self.largestFile,
              let bytes = try? repository.blobBytes(blob), !bytes.prefix(8000).contains(0) else { return nil }
        return bytes
    }
}

/// A line as the signals compare lines: trimmed, and only when it says something (at
/// least four characters, two of them letters or digits), so `}` and blank lines, found
/// in every file, prove nothing.
enum SignificantLine {
    static func normalize(_ line: String) -> String? {
        var line = line
        return line.withUTF8 { normalize($0) }
    }

    /// The same for a line's bytes (a blob's lines are read so, without a string for each
    /// line that proves nothing): trimmed of ASCII whitespace as git trims
    /// (`trimmingWhitespace()` in Git), then the checks.
    static func normalize(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        var first = 0, last = line.count
        while first < last, line[first].isASCIIWhitespace { first += 1 }
        while last > first, line[last - 1].isASCIIWhitespace { last -= 1 }
        var alphanumerics = 0
        for i in first..<last where (line[i] >= 0x30 && line[i] <= 0x39) || (line[i] | 0x20 >= 0x61 && line[i] | 0x20 <= 0x7a) {
            alphanumerics += 1
            if alphanumerics >= 2 { break }
        }
        guard alphanumerics >= 2 else { return nil }
        // Counted as the decoded text (a byte that is not UTF-8 becomes three).
        let trimmed = String(decoding: UnsafeBufferPointer(rebasing: line[first..<last]), as: UTF8.self)
        return trimmed.utf8.count >= 4 ? trimmed : nil
    }
}
