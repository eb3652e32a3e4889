import Git

extension Array where Element == PathChange {
    /// The paths the changes name, sorted and joined: commits with the same key may have
    /// the same patch-id; commits with different keys cannot.
    var pathKey: String { paths.sorted().joined(separator: "\n") }
}

/// What a target already carries that its ancestry does not show: the commits on the
/// target since it left the source, with the upstream commits their markers name and
/// their patch-ids (computed only where a match is possible).
struct TargetHistory {
    private let repository: Repository
    /// Full ids named by markers → the target commit carrying the marker.
    private var markers: [String: OID] = [:]
    /// Abbreviated ids named by markers, with their carrier.
    private var shortMarkers: [(prefix: String, carrier: OID)] = []
    /// The target's own commits by the paths they change (see ``CandidateWork/pathKey``).
    private var byPathKey: [String: [OwnCommit]] = [:]
    private var patchIDs: [OID: OID] = [:]

    private struct OwnCommit {
        let id: OID
        let baseTree: OID?
        let tree: OID
    }

    /// Reads the commits reachable from `tip` and not from `source`.
    init(repository: Repository, tip: OID, source: OID) throws {
        self.repository = repository
        for id in try repository.walk(from: [tip], hiding: [source]) {
            let commit = try repository.commit(id)
            for hex in Marker.commits(in: commit.message) {
                if hex.count == 40 { markers[hex] = id } else { shortMarkers.append((hex, id)) }
            }
            guard commit.parents.count <= 1 else { continue }
            let baseTree = try commit.parents.first.map { try repository.treeID(ofCommit: $0) }
            let key = try repository.changes(from: baseTree, to: commit.tree).pathKey
            guard !key.isEmpty else { continue }
            byPathKey[key, default: []].append(OwnCommit(id: id, baseTree: baseTree, tree: commit.tree))
        }
    }

    /// The target commit whose marker names `commit`, if any.
    func carrier(of commit: OID) -> OID? {
        let hex = commit.hex
        if let carrier = markers[hex] { return carrier }
        return shortMarkers.first { hex.hasPrefix($0.prefix) }?.carrier
    }

    /// The target commit that makes the same change (same patch-id) as a commit whose pick
    /// changes the paths `pathKey` and whose patch-id `patchID` computes, if any. The
    /// patch-ids are computed only when some target commit changes the same paths.
    mutating func equivalent(pathKey: String, patchID: () throws -> OID) throws -> OID? {
        guard !pathKey.isEmpty, let sameFiles = byPathKey[pathKey] else { return nil }
        let wanted = try patchID()
        for own in sameFiles {
            let id: OID
            if let known = patchIDs[own.id] {
                id = known
            } else {
                id = try repository.patchID(from: own.baseTree, to: own.tree)
                patchIDs[own.id] = id
            }
            if id == wanted { return own.id }
        }
        return nil
    }
}
