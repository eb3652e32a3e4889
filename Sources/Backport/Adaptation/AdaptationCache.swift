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
    private var lineSets: [OID: Set<String>] = [:]
    private var identifiers: [OID: Set<String>] = [:]
    private var identifierCount = 0
    private var trees: [OID: Set<String>] = [:]
    /// One lock per tree being indexed (``treeIdentifiers(of:in:)``).
    private var treeLocks: [OID: NSLock] = [:]

    struct BlobChange: Hashable {
        let old: OID?
        let new: OID?
    }

    /// Files larger than this are not read for identifiers or lines (generated code, data).
    static let largestFile = 512 * 1024

    /// The line hunks of one file's change (empty for a binary or unreadable file).
    func hunks(from old: OID?, to new: OID?, in repository: Repository) -> [LineHunk] {
        let key = BlobChange(old: old, new: new)
        if let known = lock.withLock({ hunks[key] }) { return known }
        let value = (try? repository.lineHunks(from: old, to: new)) ?? []
        lock.withLock {
            if hunks.count > 100_000 { hunks.removeAll(keepingCapacity: true) }
            hunks[key] = value
        }
        return value
    }

    /// The significant lines of a blob (``SignificantLine``), as a set.
    func lines(of blob: OID, in repository: Repository) -> Set<String> {
        if let known = lock.withLock({ lineSets[blob] }) { return known }
        var value = Set<String>()
        if let bytes = readText(blob, repository) {
            for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                if let s = SignificantLine.normalize(String(decoding: line, as: UTF8.self)) { value.insert(s) }
            }
        }
        lock.withLock {
            if lineSets.count > 50_000 { lineSets.removeAll(keepingCapacity: true) }
            lineSets[blob] = value
        }
        return value
    }

    /// Every identifier token of a blob (``Identifiers/tokens(in:)``), as a set.
    func identifiers(of blob: OID, in repository: Repository) -> Set<String> {
        if let known = lock.withLock({ identifiers[blob] }) { return known }
        let value = readText(blob, repository).map(Identifiers.allTokens(in:)) ?? []
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

    /// Every identifier of the text files of a tree (the target tip's), built once per tree
    /// for all runs, from the per-blob sets; the last few trees are kept. Runs that ask for
    /// a tree another run is indexing wait for it (an `--independent` plan splits a target
    /// among workers, which all asked at once and each built the index: 4 times on
    /// containerd, 2.5 s of CPU).
    func treeIdentifiers(of tree: OID, in repository: Repository) throws -> Set<String> {
        if let known = lock.withLock({ trees[tree] }) { return known }
        let building = lock.withLock { () -> NSLock in
            if let known = treeLocks[tree] { return known }
            let new = NSLock()
            treeLocks[tree] = new
            return new
        }
        building.lock()
        defer { building.unlock() }
        if let known = lock.withLock({ trees[tree] }) { return known }
        var index = Set<String>()
        for change in try repository.changes(from: nil, to: tree) {
            guard let entry = change.new, entry.isRegularFile else { continue }
            index.formUnion(identifiers(of: entry.blob, in: repository))
        }
        lock.withLock {
            if trees.count >= 4 { trees.removeAll() }
            trees[tree] = index
        }
        return index
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
        let trimmed = line.trimmingWhitespace()
        guard trimmed.utf8.count >= 4 else { return nil }
        var alphanumerics = 0
        for byte in trimmed.utf8 where (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a) {
            alphanumerics += 1
            if alphanumerics >= 2 { return trimmed }
        }
        return nil
    }
}

extension String {
    /// The string without the spaces and tabs at its ends: what Foundation's
    /// `trimmingCharacters(in: .whitespaces)` gives (tab and the Unicode space separators),
    /// without bridging to `NSString`, which cost the signals more than all their reading
    /// of files (measured with `perf` on `Scripts/bench`).
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        func isSpace(_ c: Unicode.Scalar) -> Bool {
            c == " " || c == "\t" || (c.value >= 0x80 && c.properties.generalCategory == .spaceSeparator)
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }
}
