@testable import Backport
import Foundation
import Git
import Testing
import TestSupport

/// The index rename detection scores with (``SimilarityIndex``) gives the bytes git's
/// pairwise count gives (``ContentSignature/countChanges(from:to:)``), for every pair.
@Suite("Similarity index")
struct SimilarityIndexTests {
    /// Files drawn from a small pool of lines (so they share spans, some repeated), long
    /// lines cut into 64-byte spans, CRLF endings, one without a final newline.
    static func files(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let pool = (0..<40).map { i in i % 7 == 0 ? String(repeating: "long\(i) ", count: 20) : "line \(i) of the pool" }
        return (0..<count).map { f in
            var text = (0..<(5 + next(60))).map { _ in pool[next(pool.count)] }.joined(separator: f % 5 == 0 ? "\r\n" : "\n")
            if f % 3 != 0 { text += "\n" }
            return Array(text.utf8)
        }
    }

    @Test("Copied bytes equal git's pairwise count, before and after the index is forgotten, and nil for a blob that cannot be read")
    func agreesWithPairs() throws {
        let f = try Fixture()
        let repository = try Repository.openBare(gitDirectory: f.path + "/.git")
        let contents = Self.files(60, seed: 7)
        let blobs = try contents.map { try repository.writeBlob($0) }
        let signatures = contents.map { ContentSignature($0, includesFinalPartialSpan: false) }
        let missing = OID(hex: String(repeating: "ab", count: 20))!
        // A bound this small forgets the index between calls.
        for bound in [8_000_000, 200] {
            let index = SimilarityIndex(cache: SimilarityCache(), maximumPostings: bound)
            for k in stride(from: 0, to: contents.count, by: 7) {
                let destinations = Array(blobs[(k / 2)...]) + [missing]
                let copied = index.copiedBytes(from: signatures[k], to: destinations, in: repository)
                #expect(copied.last! == nil)
                for (j, blob) in destinations.dropLast().enumerated() {
                    let d = blobs.firstIndex(of: blob)!
                    #expect(copied[j] == ContentSignature.countChanges(from: signatures[k], to: signatures[d]).sourceCopied, "\(k) \(d)")
                }
            }
            // Several sources at once give each source's row.
            let rows = index.copiedBytes(from: [signatures[1], signatures[2]], to: [blobs[3], blobs[4]], in: repository)
            #expect(rows == [[3, 4].map { ContentSignature.countChanges(from: signatures[1], to: signatures[$0]).sourceCopied },
                             [3, 4].map { ContentSignature.countChanges(from: signatures[2], to: signatures[$0]).sourceCopied }])
            #expect(bound == 200 ? index.count < blobs.count : index.count == blobs.count)
        }
    }
}
