import CLibGit2

/// A commit's facts, copied out of libgit2 so they can cross threads and be reported.
public struct Commit: Sendable, Hashable {
    public let id: OID
    public let tree: OID
    public let parents: [OID]
    public let author: Signature
    /// When it was committed (the committer's date), in seconds since the Unix epoch.
    public let time: Int64
    /// The first line of the message, as `git log --oneline` shows it.
    public let summary: String
    /// The whole message, raw.
    public let message: String
    /// The trailers of the message's last paragraph (`git interpret-trailers` rules).
    public let trailers: [Trailer]

    public var isMerge: Bool { parents.count > 1 }
}

/// A name, an email address and a moment.
public struct Signature: Sendable, Hashable, Codable {
    public let name: String
    public let email: String
    /// Seconds since the Unix epoch.
    public let time: Int64
    /// The author's offset from UTC, in minutes.
    public let offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }
}

/// One `Key: value` trailer of a commit message.
public struct Trailer: Sendable, Hashable, Codable {
    public let key: String
    public let value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

extension Repository {
    /// Reads a commit. Wraps `git_commit_lookup`; trailers as git reads them.
    public func commit(_ id: OID) throws -> Commit {
        try withCommit(id) { handle in
            let message = git_commit_message(handle).map { String(cString: $0) } ?? ""
            let summary = git_commit_summary(handle).map { String(cString: $0) } ?? ""
            let parents = (0..<git_commit_parentcount(handle)).map { OID(git_commit_parent_id(handle, $0)!) }
            let author = git_commit_author(handle)!.pointee
            return Commit(
                id: id,
                tree: OID(git_commit_tree_id(handle)!),
                parents: parents,
                author: Signature(
                    name: String(cString: author.name),
                    email: String(cString: author.email),
                    time: author.when.time,
                    offsetMinutes: author.when.offset
                ),
                time: git_commit_time(handle),
                summary: summary,
                message: message,
                trailers: Self.trailers(of: message)
            )
        }
    }

    /// The trailers of a message, in order, as `git interpret-trailers --parse` reads them
    /// (``TrailerParser``).
    public static func trailers(of message: String) -> [Trailer] {
        TrailerParser.trailers(of: message)
    }
}

extension Repository {
    /// The tree of a commit, without reading its message. Wraps `git_commit_tree_id`.
    public func treeID(ofCommit id: OID) throws -> OID {
        try withCommit(id) { OID(git_commit_tree_id($0)!) }
    }

    /// Runs `body` with a commit looked up by id, freed afterwards. Wraps `git_commit_lookup`.
    func withCommit<T>(_ id: OID, _ body: (OpaquePointer) throws -> T) throws -> T {
        var raw = id.raw
        var handle: OpaquePointer?
        try call("git_commit_lookup") { git_commit_lookup(&handle, pointer, &raw) }
        defer { git_commit_free(handle) }
        return try body(handle!)
    }
}
