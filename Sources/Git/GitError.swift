import CLibGit2
import Foundation

/// An error reported by libgit2, with the C function that reported it.
///
/// Every libgit2 call that can fail goes through ``call(_:_:)``, which turns a negative
/// result into this error. It is thrown only for a broken repository or invalid input;
/// outcomes such as a conflicted pick are values, not errors.
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
    /// libgit2's return code (`GIT_ENOTFOUND`, `GIT_EAMBIGUOUS`, ...), negative.
    public let code: Int32
    /// libgit2's error class (`GIT_ERROR_ODB`, `GIT_ERROR_REFERENCE`, ...), or 0.
    public let errorClass: Int32
    /// The system's error number when the call failed (`errno`; 0 when it says nothing):
    /// libgit2 does not always set a message when a write fails.
    public let systemError: Int32
    /// libgit2's message, or a description of the code when libgit2 left none.
    public let message: String
    /// The C function that failed.
    public let function: String

    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    public var isAmbiguous: Bool { code == GIT_EAMBIGUOUS.rawValue }
    /// The repository belongs to another user and `safe.directory` does not list it.
    public var isDubiousOwnership: Bool { code == GIT_EOWNER.rawValue }
    /// An object the operation needed is not in the object database (some calls report
    /// it as `GIT_ENOTFOUND`, others as a generic error of class `GIT_ERROR_ODB`).
    public var isMissingObject: Bool {
        isNotFound || (errorClass == Int32(GIT_ERROR_ODB.rawValue) && message.hasPrefix("object not found"))
    }

    /// Writing failed for want of room or permission from the system (a full disk, a quota,
    /// a file size limit, a read-only mount), as `errno` or libgit2's message says.
    public var isWriteFailure: Bool {
        [ENOSPC, EFBIG, EROFS, EDQUOT].contains(systemError)
            || (errorClass == Int32(GIT_ERROR_OS.rawValue) && message.lowercased().contains("write"))
    }

    public var description: String { "\(message) (\(function))" }

    public init(code: Int32, errorClass: Int32 = 0, systemError: Int32 = 0, message: String, function: String) {
        self.systemError = systemError
        self.code = code
        self.errorClass = errorClass
        self.message = message
        self.function = function
    }
}

/// The one door to C: runs a libgit2 call and throws ``GitError`` when it returns below 0.
///
/// Reads `git_error_last()` (which can be NULL) on the same thread right after the call,
/// then clears it. `GIT_ITEROVER` is not an error: callers that iterate check for it first.
@discardableResult
func call(_ function: String, _ body: () -> Int32) throws -> Int32 {
    libgit2Initialized()
    errno = 0
    let result = body()
    guard result < 0 else { return result }
    throw lastError(code: result, function: function, systemError: errno)
}

/// Builds a ``GitError`` from libgit2's last error of this thread and clears it.
func lastError(code: Int32, function: String, systemError: Int32 = 0) -> GitError {
    var message = "libgit2 error \(code)"
    var errorClass: Int32 = 0
    if let last = git_error_last() {
        errorClass = last.pointee.klass
        if let text = last.pointee.message {
            message = String(cString: text).trimmingTrailingNewlines()
        }
    }
    git_error_clear()
    if errorClass == 0, systemError != 0, message.hasPrefix("libgit2 error") {
        message += ": " + String(cString: strerror(systemError))
    }
    return GitError(code: code, errorClass: errorClass, systemError: systemError, message: message, function: function)
}

/// libgit2 is initialised once per process, lazily, and never shut down.
private let libgit2Setup: Void = {
    git_libgit2_init()
    // git does not re-hash objects on read; libgit2 does by default and it is about half
    // the cost of an in-memory pick (see Docs/design.md).
    _ = git_backport_set_strict_hash_verification(0)
    // libgit2 keeps parsed commits and small trees in a cache per handle, up to 256 MiB
    // for all handles together: with a handle per target and a walk over every commit a
    // target lacks, that grows with the history. 16 MiB bounds it without a measurable
    // cost (Docs/benchmarks.md).
    _ = git_backport_set_cache_max_size(16 << 20)
    // A tree written by a pick may name a blob the repository lacks (partial clones,
    // mirrors): only its id is passed along, as git's merge does; a pick that must read
    // the blob fails on that read instead, naming it.
    _ = git_backport_set_strict_object_creation(0)
    configurationFilesAsGitFindsThem(ProcessInfo.processInfo.environment)
}()

/// git reads `GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_SYSTEM` and `GIT_CONFIG_GLOBAL` (scripts and
/// CI jobs set them to keep a user's configuration out); libgit2 does not, and would read
/// `~/.gitconfig` and `/etc/gitconfig` anyway. Its search paths are set to match: no
/// folder where git reads no file, the file's folder where git reads a `.gitconfig`
/// (`gitconfig` for the system's). A file of another name cannot be named to libgit2: it
/// is not read (nor is the default one).
private func configurationFilesAsGitFindsThem(_ environment: [String: String]) {
    func folder(of file: String, named name: String) -> String {
        (file as NSString).lastPathComponent == name ? (file as NSString).deletingLastPathComponent : ""
    }
    if let global = environment["GIT_CONFIG_GLOBAL"] {
        _ = git_backport_set_config_search_path(GIT_CONFIG_LEVEL_GLOBAL, folder(of: global, named: ".gitconfig"))
        _ = git_backport_set_config_search_path(GIT_CONFIG_LEVEL_XDG, "")
    }
    let noSystem = environment["GIT_CONFIG_NOSYSTEM"].map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? false
    if noSystem {
        _ = git_backport_set_config_search_path(GIT_CONFIG_LEVEL_SYSTEM, "")
        _ = git_backport_set_config_search_path(GIT_CONFIG_LEVEL_PROGRAMDATA, "")
    } else if let system = environment["GIT_CONFIG_SYSTEM"] {
        _ = git_backport_set_config_search_path(GIT_CONFIG_LEVEL_SYSTEM, folder(of: system, named: "gitconfig"))
        _ = git_backport_set_config_search_path(GIT_CONFIG_LEVEL_PROGRAMDATA, "")
    }
}

func libgit2Initialized() {
    _ = libgit2Setup
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
