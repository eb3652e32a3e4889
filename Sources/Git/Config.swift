import CLibGit2
import Foundation

/// A read-only view of git configuration: the repository's (system, global, local levels,
/// under what git's command line sets) or one file in git-config syntax, such as a
/// committed `.backportconfig`.
///
/// It is a list of layers, the first that sets a key deciding it (for a multi-valued key,
/// the first that has values gives them all).
public final class Config {
    let layers: [OpaquePointer]

    init(_ layers: [OpaquePointer]) { self.layers = layers }
    deinit { layers.forEach { git_config_free($0) } }

    /// Parses a file in git-config syntax. Wraps `git_config_open_ondisk` and takes a
    /// snapshot so later changes to the file are not seen.
    public static func open(file path: String) throws -> Config {
        Config([try snapshot(ofFile: path)])
    }

    private static func snapshot(ofFile path: String) throws -> OpaquePointer {
        libgit2Initialized()
        var live: OpaquePointer?
        try call("git_config_open_ondisk") { git_config_open_ondisk(&live, path) }
        defer { git_config_free(live) }
        var snapshot: OpaquePointer?
        try call("git_config_snapshot") { git_config_snapshot(&snapshot, live) }
        return snapshot!
    }

    /// Parses bytes in git-config syntax (a blob read from a commit), through a private
    /// temporary file that is removed before returning.
    public static func parse(_ bytes: [UInt8]) throws -> Config {
        Config([try snapshot(ofBytes: bytes)])
    }

    private static func snapshot(ofBytes bytes: [UInt8]) throws -> OpaquePointer {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("git-backport-config-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw GitError(code: -1, message: "cannot write a temporary file in \(FileManager.default.temporaryDirectory.path)", function: "Config.parse")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try snapshot(ofFile: path)
    }

    /// The last value of `key`, or nil when it is not set.
    public func string(_ key: String) throws -> String? {
        try first(key) { layer in
            var buffer = git_buf()
            let status = git_config_get_string_buf(&buffer, layer, key)
            if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
            if status < 0 { throw lastError(code: status, function: "git_config_get_string_buf(\(key))") }
            defer { git_buf_dispose(&buffer) }
            return String(cString: buffer.ptr)
        }
    }

    /// Every value of a multi-valued `key`, in file order.
    public func strings(_ key: String) throws -> [String] {
        try first(key) { layer -> [String]? in
            var iterator: OpaquePointer?
            let status = git_config_multivar_iterator_new(&iterator, layer, key, nil)
            if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
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
            return values.isEmpty ? nil : values
        } ?? []
    }

    /// `key` read as a git integer (`k`, `m`, `g` suffixes allowed), nil when not set.
    public func int(_ key: String) throws -> Int? {
        try first(key) { layer in
            var value: Int64 = 0
            let status = git_config_get_int64(&value, layer, key)
            if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
            if status < 0 { throw lastError(code: status, function: "git_config_get_int64(\(key))") }
            return Int(value)
        }
    }

    /// `key` read as a git boolean (`true`/`yes`/`on`/`1`...), nil when not set.
    public func bool(_ key: String) throws -> Bool? {
        try first(key) { layer in
            var value: Int32 = 0
            let status = git_config_get_bool(&value, layer, key)
            if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
            if status < 0 { throw lastError(code: status, function: "git_config_get_bool(\(key))") }
            return value != 0
        }
    }

    /// The first layer's answer that is not nil.
    private func first<T>(_ key: String, _ read: (OpaquePointer) throws -> T?) throws -> T? {
        for layer in layers {
            if let value = try read(layer) { return value }
        }
        return nil
    }

    // MARK: git's command line

    /// What git's command line sets for the command it runs: `git -c key=value` arrives in
    /// `GIT_CONFIG_PARAMETERS` (`'key'='value'` pairs, or `'key=value'` from older gits),
    /// and `GIT_CONFIG_COUNT` with `GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>`. A key
    /// without a value is true, as in git.
    public static func commandLineEntries(_ environment: [String: String]) -> [(key: String, value: String)] {
        // git reads the numbered ones first, then the parameters: the last value wins.
        var entries: [(key: String, value: String)] = []
        if let count = environment["GIT_CONFIG_COUNT"].flatMap(Int.init), count > 0 {
            for n in 0..<count {
                if let key = environment["GIT_CONFIG_KEY_\(n)"] { entries.append((key, environment["GIT_CONFIG_VALUE_\(n)"] ?? "")) }
            }
        }
        return entries + (environment["GIT_CONFIG_PARAMETERS"].map(parameters) ?? [])
    }

    /// `GIT_CONFIG_PARAMETERS`: shell-quoted words (`'...'`, a quote inside written
    /// `'\\''`), each `'key'='value'`, `'key'` (true) or, from gits before 2.31,
    /// `'key=value'`.
    public static func parameters(_ text: String) -> [(key: String, value: String)] {
        var rest = Array(text)[...]
        func quotedWord() -> String? {
            guard rest.first == "'" else { return nil }
            rest = rest.dropFirst()
            var word = ""
            while let c = rest.first {
                rest = rest.dropFirst()
                if c != "'" { word.append(c); continue }
                guard rest.starts(with: ["\\", "'", "'"]) else { return word }
                word.append("'")
                rest = rest.dropFirst(3)
            }
            return nil
        }
        var entries: [(String, String)] = []
        while true {
            while rest.first == " " { rest = rest.dropFirst() }
            guard let key = quotedWord() else { break }
            if rest.first == "=" {
                rest = rest.dropFirst()
                entries.append((key, quotedWord() ?? ""))
            } else if let equals = key.firstIndex(of: "=") {
                entries.append((String(key[..<equals]), String(key[key.index(after: equals)...])))
            } else {
                entries.append((key, "true"))
            }
        }
        return entries
    }

    /// The entries as a git-config file: `section.sub.section.name` under
    /// `[section "sub.section"]`, values quoted.
    static func fileText(_ entries: [(key: String, value: String)]) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n") + "\""
        }
        return entries.compactMap { key, value -> String? in
            guard let firstDot = key.firstIndex(of: "."), let lastDot = key.lastIndex(of: "."), lastDot < key.index(before: key.endIndex) else { return nil }
            let section = key[..<firstDot], name = key[key.index(after: lastDot)...]
            let header = firstDot == lastDot ? "[\(section)]" : "[\(section) \(quoted(String(key[key.index(after: firstDot)..<lastDot])))]"
            return "\(header)\n\t\(name) = \(quoted(value))\n"
        }.joined()
    }

    /// The layer of git's command-line settings, if any were given.
    static func commandLineLayer() throws -> OpaquePointer? {
        let entries = commandLineEntries(ProcessInfo.processInfo.environment)
        guard !entries.isEmpty else { return nil }
        return try snapshot(ofBytes: Array(fileText(entries).utf8))
    }
}

extension Repository {
    /// A snapshot of the repository's configuration (system, global, local), under what
    /// git's command line sets (`git -c key=value backport ...`; libgit2 does not read it).
    /// Wraps `git_repository_config_snapshot`.
    public func config() throws -> Config {
        var snapshot: OpaquePointer?
        try call("git_repository_config_snapshot") { git_repository_config_snapshot(&snapshot, pointer) }
        return Config((try Config.commandLineLayer()).map { [$0, snapshot!] } ?? [snapshot!])
    }
}
