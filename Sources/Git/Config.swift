import CLibGit2
import Foundation

/// A read-only view of git configuration: the repository's (system, global, local levels)
/// or one file in git-config syntax, such as a committed `.backportconfig`.
public final class Config {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_config_free(pointer) }

    /// Parses a file in git-config syntax. Wraps `git_config_open_ondisk` and takes a
    /// snapshot so later changes to the file are not seen.
    public static func open(file path: String) throws -> Config {
        libgit2Initialized()
        var live: OpaquePointer?
        try call("git_config_open_ondisk") { git_config_open_ondisk(&live, path) }
        defer { git_config_free(live) }
        var snapshot: OpaquePointer?
        try call("git_config_snapshot") { git_config_snapshot(&snapshot, live) }
        return Config(snapshot!)
    }

    /// Parses bytes in git-config syntax (a blob read from a commit), through a private
    /// temporary file that is removed before returning.
    public static func parse(_ bytes: [UInt8]) throws -> Config {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("git-backport-config-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw GitError(code: -1, message: "cannot write a temporary file in \(FileManager.default.temporaryDirectory.path)", function: "Config.parse")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try open(file: path)
    }

    /// The last value of `key`, or nil when it is not set.
    public func string(_ key: String) throws -> String? {
        var buffer = git_buf()
        let status = git_config_get_string_buf(&buffer, pointer, key)
        if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        if status < 0 { throw lastError(code: status, function: "git_config_get_string_buf(\(key))") }
        defer { git_buf_dispose(&buffer) }
        return String(cString: buffer.ptr)
    }

    /// Every value of a multi-valued `key`, in file order.
    public func strings(_ key: String) throws -> [String] {
        var iterator: OpaquePointer?
        let status = git_config_multivar_iterator_new(&iterator, pointer, key, nil)
        if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return [] }
        if status < 0 { throw lastError(code: status, function: "git_config_multivar_iterator_new(\(key))") }
        defer { git_config_iterator_free(iterator) }
        var values: [String] = []
        while true {
            var entry: UnsafeMutablePointer<git_config_entry>?
            let next = git_config_next(&entry, iterator)
            if next == GIT_ITEROVER.rawValue { git_error_clear(); break }
            if next < 0 { throw lastError(code: next, function: "git_config_next(\(key))") }
            if let value = entry?.pointee.value { values.append(String(cString: value)) }
        }
        return values
    }

    /// `key` read as a git integer (`k`, `m`, `g` suffixes allowed), nil when not set.
    public func int(_ key: String) throws -> Int? {
        var value: Int64 = 0
        let status = git_config_get_int64(&value, pointer, key)
        if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        if status < 0 { throw lastError(code: status, function: "git_config_get_int64(\(key))") }
        return Int(value)
    }

    /// `key` read as a git boolean (`true`/`yes`/`on`/`1`...), nil when not set.
    public func bool(_ key: String) throws -> Bool? {
        var value: Int32 = 0
        let status = git_config_get_bool(&value, pointer, key)
        if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        if status < 0 { throw lastError(code: status, function: "git_config_get_bool(\(key))") }
        return value != 0
    }
}

extension Repository {
    /// A snapshot of the repository's configuration (system, global, local).
    /// Wraps `git_repository_config_snapshot`.
    public func config() throws -> Config {
        var snapshot: OpaquePointer?
        try call("git_repository_config_snapshot") { git_repository_config_snapshot(&snapshot, pointer) }
        return Config(snapshot!)
    }
}
