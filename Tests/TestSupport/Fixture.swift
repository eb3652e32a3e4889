import Foundation

/// The output of a finished process.
public struct ProcessOutput: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs a program to completion and captures its output. Standard input is empty.
public func run(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    for (key, value) in Fixture.gitEnvironment.merging(environment, uniquingKeysWith: { $1 }) { env[key] = value }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes to the end before waiting, so a full pipe cannot block the child.
    let stderrData = LockedData()
    let reader = Thread { stderrData.set(err.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !stderrData.done { usleep(1000) }
    return ProcessOutput(status: process.terminationStatus,
                         stdout: String(decoding: stdoutData, as: UTF8.self),
                         stderr: String(decoding: stderrData.value, as: UTF8.self))
}

private final class LockedData: @unchecked Sendable {
    // Safe: both fields are accessed only under `lock`.
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    func set(_ value: Data) { lock.withLock { data = value; finished = true } }
    var done: Bool { lock.withLock { finished } }
    var value: Data { lock.withLock { data } }
}

/// A git repository built in code in a unique temporary directory, removed on deinit.
///
/// Every git process runs with the user's configuration out of the way and with a fixed
/// identity and clock, so the same steps give the same object ids on every run.
public final class Fixture {
    public let path: String
    private var clock = 1_700_000_000

    public static let gitEnvironment: [String: String] = [
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_COMMITTER_NAME": "Test Committer", "GIT_COMMITTER_EMAIL": "committer@example.org",
        "GIT_TERMINAL_PROMPT": "0", "NO_COLOR": "1",
    ]

    /// A new empty repository on branch `main` (or a new empty directory with `initialize: false`).
    public init(bare: Bool = false, initialize: Bool = true) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("git-backport-tests")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.appendingPathComponent(UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if initialize { try git(["init", "-q", "-b", "main"] + (bare ? ["--bare"] : []) + ["."]) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Runs git in the repository with a fixed clock; throws when git fails.
    @discardableResult
    public func git(_ arguments: [String], allowFailure: Bool = false) throws -> String {
        clock += 60
        let output = try run("/usr/bin/git", arguments, in: path, environment: [
            "GIT_AUTHOR_DATE": "\(clock) +0000", "GIT_COMMITTER_DATE": "\(clock) +0000",
        ])
        if output.status != 0 && !allowFailure {
            throw FixtureError(description: "git \(arguments.joined(separator: " ")) failed (\(output.status)): \(output.stderr)")
        }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    public func git(_ arguments: String...) throws -> String { try git(arguments) }

    /// Writes a file (creating its folders) in the working tree.
    public func write(_ relativePath: String, _ content: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    public func read(_ relativePath: String) throws -> String {
        try String(contentsOfFile: URL(fileURLWithPath: path).appendingPathComponent(relativePath).path, encoding: .utf8)
    }

    /// Replaces line `number` (1-based) of a file.
    public func edit(_ relativePath: String, line number: Int, to text: String) throws {
        var lines = try read(relativePath).components(separatedBy: "\n")
        lines[number - 1] = text
        try write(relativePath, lines.joined(separator: "\n"))
    }

    /// Stages everything and commits; returns the new commit's id.
    @discardableResult
    public func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    /// A file of `count` distinct lines (`prefix 1` ... `prefix N`), far enough apart that
    /// edits to different lines merge cleanly.
    public static func lines(_ prefix: String, _ count: Int) -> String {
        (1...count).map { "\(prefix) line \($0)" }.joined(separator: "\n") + "\n"
    }

    /// Every file under the git directory's objects folder, with its size: equal before and
    /// after a command means the command wrote no object.
    public func objectFiles(gitDirectory: String? = nil) throws -> [String: ObjectFile] {
        let objects = (gitDirectory ?? path + "/.git") + "/objects"
        var result: [String: ObjectFile] = [:]
        let enumerator = FileManager.default.enumerator(atPath: objects)
        while let item = enumerator?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: objects + "/" + item)
            if attributes[.type] as? FileAttributeType == .typeRegular {
                result[item] = ObjectFile(size: (attributes[.size] as? Int) ?? 0,
                                          modified: (attributes[.modificationDate] as? Date) ?? .distantPast)
            }
        }
        return result
    }

    /// What `git gc` looks at in an object file: its size and when it was last written.
    public struct ObjectFile: Equatable, Sendable {
        public let size: Int
        public let modified: Date
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
}
