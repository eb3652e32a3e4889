import Git

/// What can stop a command: invalid input or a repository it cannot use. Each says, in one
/// line, what went wrong and what to do. A pick's outcome is never one of these.
public enum BackportError: Error, CustomStringConvertible, Equatable {
    case notARepository(String)
    case unknownBranch(String, role: String)
    case unknownRemote(String)
    case noSource
    /// A repository with no commit yet.
    case emptyRepository
    case noTargets
    /// Every release branch found was skipped (`backport.exclude`, `backport.maxAge`).
    case allTargetsSkipped(Int)
    case unknownRevision(String)
    /// An abbreviated id more than one object has, with those objects (id and type).
    case ambiguousRevision(String, candidates: [String])
    case invalidInput(String)
    /// A shallow clone whose history stops before what the plan needs.
    case shallowClone
    /// Writing objects into the repository failed (a full disk, a read-only mount, a file
    /// size limit): every later pick would fail the same way, so the run stops.
    case cannotWrite(GitError)
    case git(GitError)

    public var description: String {
        switch self {
        case .notARepository(let path):
            return "not a git repository (or any of the parent directories): \(path)"
        case let .unknownBranch(name, role):
            return "unknown \(role) branch '\(name)': no local or remote-tracking branch has that name (see 'git backport branches')"
        case .unknownRemote(let remote):
            return "remote '\(remote)' has no remote-tracking branches (run 'git fetch \(remote)' first?)"
        case .emptyRepository:
            return "this repository has no commits yet: there is nothing to backport"
        case .noSource:
            return "no source branch: none of main, master or the remote's HEAD exists; name one with --source"
        case .noTargets:
            return "no release branches found; name them with --onto, or set backport.target patterns (see 'git backport branches')"
        case .allTargetsSkipped(let count):
            return "all \(count) release branch\(count == 1 ? "" : "es") found are skipped (backport.exclude, or no commit for backport.maxAge); name targets with --onto, or set backport.maxAge = 0 (see 'git backport branches')"
        case .unknownRevision(let spec):
            return "bad revision '\(spec)': not a commit in this repository"
        case let .ambiguousRevision(spec, candidates):
            return "short object ID \(spec) is ambiguous; the candidates are: \(candidates.joined(separator: ", ")) (give more digits)"
        case .invalidInput(let message):
            return message
        case .shallowClone:
            return "this clone is shallow and its history stops before the release branches' fork points; deepen it with 'git fetch --unshallow' (or 'git fetch --deepen=<n>')"
        case .cannotWrite(let error):
            return "cannot write objects into the repository: \(error.message); nothing was written to any branch"
        case .git(let error):
            return error.description
        }
    }
}
