import Git

/// What a target already carries that its ancestry does not show: the commits on the
/// target since it left the source, with the upstream commits their markers name and,
/// when a candidate first asks, the files and patch-ids of those commits.
struct TargetHistory {
    private let repository: Repository
    /// Full ids named by markers → the target commit carrying the marker.
    private var markers: [String: OID] = [:]
    /// Abbreviated ids named by markers, with their carrier.
    private var shortMarkers: [(prefix: String, carrier: OID)] = []
    /// The target's own non-merge commits, newest first.
    private var own: [CommitChange] = []
    /// `own` by the paths each changes (see ``CommitChange/pathKey(_:)``): built on the
    /// first patch-id question, so a plan whose candidates are all found by marker never
    /// reads what the target's commits change.
    private var byPathKey: [String: [CommitChange]]?

    /// Reads the commits reachable from `tip` and not from `bases`, the merge bases of the
    /// target and the source (so, not from the source).
    init(repository: Repository, tip: OID, hiding bases: [OID]) throws {
        self.repository = repository
        for id in try repository.walk(from: [tip], hiding: bases) {
            let commit = try repository.commit(id)
            for hex in Marker.commits(in: commit.message) {
                if hex.count == 40 { markers[hex] = id } else { shortMarkers.append((hex, id)) }
            }
            if commit.parents.count <= 1 { own.append(CommitChange(commit)) }
        }
    }

    /// The target commit whose marker names `commit`, if any.
    func carrier(of commit: OID) -> OID? {
        let hex = commit.hex
        if let carrier = markers[hex] { return carrier }
        return shortMarkers.first { hex.hasPrefix($0.prefix) }?.carrier
    }

    /// The target commit that makes the same change as `change` (same patch-id), if any.
    /// Patch-ids are computed only where some target commit changes the same paths.
    mutating func equivalent(to change: CommitChange) throws -> OID? {
        let key = try change.pathKey(repository)
        guard !key.isEmpty, let sameFiles = try index()[key] else { return nil }
        let wanted = try change.patchID(repository)
        return try sameFiles.first { try $0.patchID(repository) == wanted }?.commit
    }

    private mutating func index() throws -> [String: [CommitChange]] {
        if let byPathKey { return byPathKey }
        var index: [String: [CommitChange]] = [:]
        for change in own {
            let key = try change.pathKey(repository)
            if !key.isEmpty { index[key, default: []].append(change) }
        }
        byPathKey = index
        return index
    }
}
