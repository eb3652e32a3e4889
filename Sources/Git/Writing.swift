import CLibGit2
import Foundation

/// What `apply` writes into a repository: commits, and branches moved by compare-and-swap.
extension Repository {
    /// A commit's message exactly as stored (its bytes, not decoded), and the encoding its
    /// header names (nil: UTF-8). Wraps `git_commit_message_raw` and
    /// `git_commit_message_encoding`.
    public func rawMessage(of id: OID) throws -> (bytes: [UInt8], encoding: String?) {
        try withCommit(id) { handle in
            let bytes = git_commit_message_raw(handle).map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
            return (bytes, git_commit_message_encoding(handle).map { String(cString: $0) })
        }
    }

    /// The committer of a commit. Wraps `git_commit_committer`.
    public func committer(of id: OID) throws -> Signature {
        try withCommit(id) { Signature(git_commit_committer($0)!.pointee) }
    }

    /// Writes a commit (into the repository's object database: its tree and parents must
    /// be there) and returns its id; no reference moves. Wraps `git_commit_create`.
    public func createCommit(tree: OID, parents: [OID], author: Signature, committer: Signature,
                             message: [UInt8], encoding: String?) throws -> OID {
        var treeRaw = tree.raw
        var treeHandle: OpaquePointer?
        try call("git_tree_lookup") { git_tree_lookup(&treeHandle, pointer, &treeRaw) }
        defer { git_tree_free(treeHandle) }
        var parentHandles: [OpaquePointer?] = []
        defer { parentHandles.forEach { git_commit_free($0) } }
        for parent in parents {
            var raw = parent.raw
            var handle: OpaquePointer?
            try call("git_commit_lookup") { git_commit_lookup(&handle, pointer, &raw) }
            parentHandles.append(handle)
        }
        let authorSignature = try author.make(), committerSignature = try committer.make()
        defer { git_signature_free(authorSignature); git_signature_free(committerSignature) }
        var id = git_oid()
        // A message is text up to its first NUL, as git stores it.
        let text = message.prefix { $0 != 0 }.map { CChar(bitPattern: $0) } + [0]
        _ = try parentHandles.withUnsafeMutableBufferPointer { parentsBuffer in
            try text.withUnsafeBufferPointer { messageBuffer in
                try call("git_commit_create") {
                    git_commit_create(&id, pointer, nil, authorSignature, committerSignature, encoding, messageBuffer.baseAddress,
                                      treeHandle, parents.count, parentsBuffer.baseAddress)
                }
            }
        }
        return OID(id)
    }

    /// Where a reference points (peeled through symbolic references), or nil when there is
    /// no such reference. Wraps `git_reference_name_to_id`.
    public func referenceTarget(_ name: String) throws -> OID? {
        var id = git_oid()
        let result = git_reference_name_to_id(&id, pointer, name)
        if result == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try call("git_reference_name_to_id") { result }
        return OID(id)
    }

    /// Why a reference update was refused.
    public enum ReferenceUpdateError: Error, Equatable {
        /// Someone moved (or created, or deleted) the reference since it was read.
        case changed(name: String)
    }

    /// Points `name` at `id` only if it still points at `expected` (nil: only if it does
    /// not exist yet), in one step under git's lock: a reference is at its old value or at
    /// its new one, never in between. The reflog entry (where git keeps one) names
    /// `identity` and says `message`. Wraps `git_repository_set_ident` and
    /// `git_reference_create_matching`.
    public func updateReference(_ name: String, to id: OID, expecting expected: OID?, identity: Signature, message: String) throws {
        try call("git_repository_set_ident") { git_repository_set_ident(pointer, identity.name, identity.email) }
        defer { git_repository_set_ident(pointer, nil, nil) }
        var raw = id.raw
        var reference: OpaquePointer?
        let result: Int32
        if var old = expected?.raw {
            result = git_reference_create_matching(&reference, pointer, name, &raw, 1, &old, message)
        } else {
            result = git_reference_create_matching(&reference, pointer, name, &raw, 0, nil, message)
        }
        git_reference_free(reference)
        if result == GIT_EMODIFIED.rawValue || result == GIT_EEXISTS.rawValue || (expected != nil && result == GIT_ENOTFOUND.rawValue) {
            git_error_clear()
            throw ReferenceUpdateError.changed(name: name)
        }
        try call("git_reference_create_matching") { result }
    }

    /// True when `ancestor` is `commit` or one of its ancestors.
    /// Wraps `git_graph_descendant_of`.
    public func isAncestor(_ ancestor: OID, of commit: OID) throws -> Bool {
        if ancestor == commit { return true }
        var a = commit.raw, b = ancestor.raw
        return try call("git_graph_descendant_of") { git_graph_descendant_of(pointer, &a, &b) } == 1
    }

    /// The identity git would write as a commit's committer: `GIT_COMMITTER_NAME` and
    /// `GIT_COMMITTER_EMAIL`, else `user.name` and `user.email` (each falling back as git's
    /// do: `GIT_AUTHOR_*` is not read for a committer), at `GIT_COMMITTER_DATE` when set,
    /// else now. Nil when no name or no email is configured (git refuses too).
    public func committerIdentity(environment: [String: String], now: Int64, offsetMinutes: Int32) throws -> Signature? {
        let config = try self.config()
        func value(_ variable: String, _ key: String) throws -> String? {
            if let set = environment[variable], !set.isEmpty { return set }
            return try config.string(key).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let name = try value("GIT_COMMITTER_NAME", "user.name"), let email = try value("GIT_COMMITTER_EMAIL", "user.email") else {
            return nil
        }
        var when = (time: now, offset: offsetMinutes)
        if let date = environment["GIT_COMMITTER_DATE"], !date.isEmpty {
            guard let parsed = Signature.parseDate(date) else { throw GitError(code: -1, message: "invalid date format: \(date)", function: "GIT_COMMITTER_DATE") }
            when = parsed
        }
        return Signature(name: name, email: email, time: when.time, offsetMinutes: when.offset)
    }
}

extension Signature {
    init(_ signature: git_signature) {
        self.init(name: String(cString: signature.name), email: String(cString: signature.email),
                  time: signature.when.time, offsetMinutes: signature.when.offset)
    }

    /// A libgit2 signature, to free with `git_signature_free`. Wraps `git_signature_new`.
    func make() throws -> UnsafeMutablePointer<git_signature> {
        var signature: UnsafeMutablePointer<git_signature>?
        try call("git_signature_new") { git_signature_new(&signature, name, email, time, offsetMinutes) }
        return signature!
    }

    /// `Name <email>`, as `--committer` and `--author` take it (git's form).
    public static func parseIdentity(_ text: String) -> (name: String, email: String)? {
        guard let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close,
              text[text.index(after: close)...].allSatisfy(\.isWhitespace) else { return nil }
        let name = text[..<open].trimmingCharacters(in: .whitespaces)
        let email = String(text[text.index(after: open)..<close])
        guard !name.isEmpty, !email.isEmpty, !email.contains("<") else { return nil }
        return (name, email)
    }

    /// A date as git's internal form writes it: `<seconds> <+hhmm>`, with or without `@`
    /// (`GIT_COMMITTER_DATE`, as scripts and tests set it). Nil for anything else.
    public static func parseDate(_ text: String) -> (time: Int64, offset: Int32)? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard let first = parts.first else { return nil }
        let seconds = first.hasPrefix("@") ? first.dropFirst() : first
        guard let time = Int64(seconds) else { return nil }
        guard parts.count == 2 else { return parts.count == 1 ? (time, 0) : nil }
        let zone = parts[1]
        guard zone.count == 5, let sign = zone.first, sign == "+" || sign == "-", let hhmm = Int32(zone.dropFirst()) else { return nil }
        let minutes = (hhmm / 100) * 60 + hhmm % 100
        return (time, sign == "-" ? -minutes : minutes)
    }
}
