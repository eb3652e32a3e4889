import Foundation
import Git

/// A pick being resolved by hand (`git backport resolve`): a kept worktree on its own
/// branch at the target, with the earlier clean picks of the target's stack applied as
/// commits and the pick's conflicts written out by `git cherry-pick -x`, as a maintainer
/// would meet them. `continue` records the resolution (the original author, the marker)
/// and goes on with the stack's next picks until one conflicts; `abort` removes it all.
///
/// The state is a file in the repository's git directory (`backport/resolve/`), so it
/// survives a new shell; git's own cherry-pick state is in the worktree.
public struct Resolution: Codable, Sendable, Equatable {
    /// The target branch, as people type it.
    public var target: String
    /// The branch the resolution is made on (`backport/<target>/<commit>`).
    public var branch: String
    /// The kept worktree.
    public var worktree: String
    /// The pick being resolved now.
    public var current: OID
    /// The picks of the stack still to apply after it, in order.
    public var pending: [OID]
    /// False when the branch existed before (`apply --on-conflict resolve` hands its own
    /// branch over): `abort` then leaves it. Nil (older state files): true.
    public var ownsBranch: Bool?

    /// Where resolutions are kept: `<git common dir>/backport/resolve/`.
    static func folder(_ repository: Repository) -> String {
        repository.commonDirectory + "backport/resolve/"
    }

    private var stateFile: String { branch.replacingOccurrences(of: "/", with: "_") + ".json" }

    /// Every resolution under way in the repository.
    public static func all(in repository: Repository) throws -> [Resolution] {
        let folder = folder(repository)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            try JSONDecoder().decode(Resolution.self, from: Data(contentsOf: URL(fileURLWithPath: folder + name)))
        }
    }

    /// The resolution whose worktree holds `directory`.
    public static func containing(_ directory: String, in repository: Repository) throws -> Resolution? {
        let here = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        return try all(in: repository).first { resolution in
            let root = URL(fileURLWithPath: resolution.worktree).resolvingSymlinksInPath().path
            return here == root || here.hasPrefix(root + "/")
        }
    }

    func save(in repository: Repository) throws {
        try FileManager.default.createDirectory(atPath: Self.folder(repository), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: Self.folder(repository) + stateFile))
    }

    func forget(in repository: Repository) {
        try? FileManager.default.removeItem(atPath: Self.folder(repository) + stateFile)
    }

    /// What happened when picks were applied in the worktree.
    public enum Progress: Sendable, Equatable {
        /// Stopped at a pick whose conflicts are in these files.
        case conflicted(OID, files: [String])
        /// Every pick is on the branch.
        case done
    }

    // MARK: Starting

    /// Starts resolving `commit` on `target`: the branch and worktree, the earlier clean
    /// picks of `plan` (the target's stack), then the pick, whose conflicts stay for a
    /// person. Fails when it is being resolved already, or when it picks cleanly.
    public static func start(_ commit: OID, onto target: TargetReport, plan: Plan, in repository: Repository,
                             at path: String, onBranch existing: String? = nil) throws -> (Resolution, Progress) {
        let results = plan.results.filter { $0.target == target.branch }
        guard let index = results.firstIndex(where: { $0.commit == commit }) else {
            throw BackportError.invalidInput("\(commit.short()) is not tried on \(target.branch): nothing to resolve there")
        }
        guard results[index].outcome == .conflicted || results[index].outcome == .needsAdaptation else {
            throw BackportError.invalidInput("\(commit.short()) is \(results[index].outcome.rawValue) on \(target.branch): nothing to resolve")
        }
        // `origin/release/1.6` gives `backport/release/1.6/<commit>`: without the remote's name.
        let local = target.remote ? target.branch.split(separator: "/").dropFirst().joined(separator: "/") : target.branch
        let branch = existing ?? "backport/\(local)/\(commit.short())"
        if let existing = try all(in: repository).first(where: { $0.branch == branch }) {
            throw BackportError.invalidInput("\(commit.short()) is being resolved already, in \(existing.worktree) (git backport abort there to start over)")
        }
        // On an existing branch, the earlier picks are on it already.
        let earlier = existing != nil ? [] : results[..<index].filter { $0.outcome == .clean }.map(\.commit)
        let later = results[(index + 1)...].filter { [.clean, .conflicted, .needsAdaptation].contains($0.outcome) }.map(\.commit)
        let add = existing.map { ["add", "-q", path, $0] } ?? ["add", "-q", "-b", branch, path, target.head.hex]
        try ScratchWorktree.worktree(add, gitDirectory: repository.commonDirectory)
        var resolution = Resolution(target: target.branch, branch: branch, worktree: path, current: commit, pending: later,
                                    ownsBranch: existing == nil)
        let progress = try resolution.apply(earlier + [commit] + later, in: repository)
        return (resolution, progress)
    }

    /// `<folder of the checkout or bare repository>/<its name>-backport-<target>-<commit>`.
    public static func defaultPath(for repository: Repository, target: String, commit: OID) -> String {
        let top = URL(fileURLWithPath: repository.workDirectory ?? repository.commonDirectory).standardized
        let name = top.lastPathComponent.replacingOccurrences(of: ".git", with: "")
        let safe = target.map { $0 == "/" ? "-" : $0 }
        return top.deletingLastPathComponent().appendingPathComponent("\(name)-backport-\(String(safe))-\(commit.short())").path
    }

    // MARK: Going on

    /// Records the resolution of the current pick (`git cherry-pick --continue`: the
    /// original author, the marker) and applies the pending picks until one conflicts.
    public mutating func proceed(in repository: Repository) throws -> Progress {
        if FileManager.default.fileExists(atPath: try gitDirectory() + "CHERRY_PICK_HEAD") {
            _ = try git(["-c", "core.editor=true", "cherry-pick", "--continue"])
        }
        return try apply(pending, in: repository)
    }

    /// Removes the worktree, its branch and the state.
    public func abort(in repository: Repository) throws {
        _ = try? git(["cherry-pick", "--abort"])
        ScratchWorktree.remove(worktree, gitDirectory: repository.commonDirectory)
        if ownsBranch ?? true { _ = try? ScratchWorktree.git(["branch", "-D", branch], gitDirectory: repository.commonDirectory) }
        forget(in: repository)
    }

    /// Cherry-picks `queue` in the worktree in order (`-x`: the marker), stopping at the
    /// first that conflicts; the state says where it stopped and what is left.
    private mutating func apply(_ queue: [OID], in repository: Repository) throws -> Progress {
        for (i, pick) in queue.enumerated() {
            current = pick
            pending = Array(queue[(i + 1)...])
            try save(in: repository)
            do {
                _ = try git(["cherry-pick", "-x", "--allow-empty", pick.hex])
            } catch {
                let files = try git(["diff", "--name-only", "--diff-filter=U"]).split(separator: "\n").map(String.init)
                let pickInProgress = FileManager.default.fileExists(atPath: try gitDirectory() + "CHERRY_PICK_HEAD")
                guard !files.isEmpty || pickInProgress else { throw error }
                return .conflicted(pick, files: files)
            }
        }
        forget(in: repository)
        return .done
    }

    private func gitDirectory() throws -> String {
        let path = try git(["rev-parse", "--absolute-git-dir"]).trimmingCharacters(in: .whitespacesAndNewlines)
        return path + "/"
    }

    /// git in the worktree, hooks off.
    private func git(_ arguments: [String]) throws -> String {
        try ScratchWorktree.git(arguments, inWorktree: worktree)
    }
}
