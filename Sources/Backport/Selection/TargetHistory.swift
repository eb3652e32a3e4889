import Git

/// What a target already carries that its ancestry does not show: the commits on the
/// target since it left the source, with the upstream commits their markers name and,
/// when a candidate first asks, the files and patch-ids of those commits.
struct TargetHistory: Sendable {
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

    /// The target's own non-merge commits by author address and subject: a commit with the
    /// same ones as a candidate is a hint that it was backported with a changed patch.
    private var bySubject: [String: [OID]] = [:]

    /// Indexes the markers (built-in forms and `markers`) of `commits`, the target's own
    /// (see ``Forks``).
    init(_ commits: [Commit], markers configured: [Marker] = []) {
        for commit in commits {
            for hex in Marker.commits(in: commit.message, configured: configured) {
                if hex.count == 40 { markers[hex] = commit.id } else { shortMarkers.append((hex, commit.id)) }
            }
            if commit.parents.count <= 1 {
                own.append(CommitChange(commit))
                bySubject[Self.subjectKey(commit), default: []].append(commit.id)
            }
        }
    }

    /// The target commit whose marker names `commit`, if any.
    func carrier(of commit: OID) -> OID? {
        carrier(ofHex: commit.hex)
    }

    /// The target commit whose marker names the commit `hex` abbreviates (or spells in
    /// full), if any: a marker and `hex` agree when one is a prefix of the other.
    func carrier(ofHex hex: String) -> OID? {
        if let carrier = markers[hex] { return carrier }
        if let carrier = shortMarkers.first(where: { hex.hasPrefix($0.prefix) || $0.prefix.hasPrefix(hex) })?.carrier {
            return carrier
        }
        guard hex.count < 40 else { return nil }
        return markers.first { $0.key.hasPrefix(hex) }?.value
    }

    /// The target's commits with the same author address and subject as `commit`.
    func sameSubjectAndAuthor(as commit: Commit) -> [OID] {
        bySubject[Self.subjectKey(commit)] ?? []
    }

    private static func subjectKey(_ commit: Commit) -> String {
        commit.author.email.lowercased() + "\u{0}" + commit.summary
    }

    /// The target commit that makes the same change as `change` (same patch-id), if any.
    /// Patch-ids are computed only where some target commit changes the same paths.
    mutating func equivalent(to change: CommitChange, in repository: Repository) throws -> OID? {
        let key = try change.pathKey(repository)
        guard !key.isEmpty, let sameFiles = try index(repository)[key] else { return nil }
        let wanted = try change.patchID(repository)
        return try sameFiles.first { try $0.patchID(repository) == wanted }?.commit
    }

    private mutating func index(_ repository: Repository) throws -> [String: [CommitChange]] {
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
