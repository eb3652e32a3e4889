import Foundation
import Git

/// What `replay` was asked to do.
public struct ReplayOptions: Sendable {
    /// The target branch whose backports are replayed (`--onto`).
    public var onto: String
    /// At most this many backports, newest first (`--last`); nil: all.
    public var last: Int?
    /// Only backports after this revision, or made after this date (`--since`).
    public var since: String?
    /// Only the target's first-parent line (`--first-parent`); otherwise every commit it
    /// reaches, newest first, so the commits of merged pull requests count too.
    public var firstParent = false
    /// Called with how many backports are done, for a progress line.
    public var progress: (@Sendable (Int) -> Void)?

    public init(onto: String) { self.onto = onto }
}

/// Replays a target's history of backports: for every commit B on its first-parent line
/// whose marker names an upstream commit U this repository has, picks U onto B's first
/// parent with the engine `plan` uses (``Picker`` and the evidence steps of ``TargetRun``,
/// adaptation signals included), and grades what the maintainer did (``Grade``).
///
/// The pick sees B's parent as the target with no history of its own: the steps that look
/// for a marker or a patch-id on the target, or follow `Fixes:`, find nothing (the upstream
/// commit is known to be meant for it). Nothing is written: objects go to memory.
public struct Replayer {
    public let repository: Repository
    public let settings: Settings

    public init(repository: Repository, settings: Settings) {
        self.repository = repository
        self.settings = settings
    }

    public func replay(_ options: ReplayOptions) throws -> ReplayReport {
        // Named as plan's --onto names a branch (local, remote-tracking, or a full name).
        guard let branch = try BranchFinder(repository: repository, settings: settings).branch(named: options.onto) else {
            throw BackportError.unknownBranch(options.onto, role: "target")
        }
        let (refName, tip) = (branch.name, branch.tip)
        let since = try options.since.map { try Since.parsing($0, in: repository) }
        let picker = Picker(gitDirectory: repository.gitDirectory, renames: try RenameOptions(config: repository.config()))
        let adaptation = AdaptationCache()
        var replayed: [ReplayedBackport] = []
        let hidden: [OID] = if case .revision(let stop) = since { [stop] } else { [] }
        let order = try Trace.measure("walking the target") {
            options.firstParent ? try repository.firstParentLine(from: tip) { $0 == hidden.first }.map(\.id)
                : try repository.walk(from: [tip], hiding: hidden).reversed()
        }
        for id in order {
            let commit = try repository.commit(id)
            if case .time(let after) = since, commit.time < after { continue }
            guard commit.parents.count == 1, let parent = commit.parents.first,
                  let upstream = try self.upstream(of: commit), upstream.parents.count == 1 else { continue }
            let target = Target(branch: Branch(name: refName, shortName: options.onto, isRemote: branch.isRemote, tip: parent),
                                version: nil)
            let work = CandidateWork(commit: upstream, change: CommitChange(upstream),
                                     request: FixRequest(trailers: upstream.trailers, settings: settings), selection: .argument,
                                     culprits: [], targets: [refName], skipReason: nil, containedIn: [])
            let run = try TargetRun(picker: picker, target: target, history: TargetHistory([]), stacked: false,
                                    signals: settings.signals, adaptation: adaptation)
            run.recordsMeasures = true
            guard let result = try run.run([work]).first else { continue }
            var graded = try grade(backport: commit, upstream: upstream, result: result, adaptation: adaptation)
            graded.measures = run.lastMeasures
            replayed.append(graded)
            options.progress?(replayed.count)
            if let last = options.last, replayed.count >= last { break }
        }
        Trace.report()
        return ReplayReport(target: options.onto, head: tip, backports: replayed)
    }

    /// The upstream commit B's marker names, when this repository has it (the first that
    /// resolves).
    private func upstream(of commit: Commit) throws -> Commit? {
        for hex in Marker.commits(in: commit.message, configured: settings.markers) {
            if let id = try? repository.lookupCommit(prefix: hex), id != commit.id { return try repository.commit(id) }
        }
        return nil
    }

    private func grade(backport: Commit, upstream: Commit, result: PickResult, adaptation: AdaptationCache) throws -> ReplayedBackport {
        let conflicted = result.mergedTree == nil && (result.outcome == .conflicted || result.outcome == .needsAdaptation)
        var grade = Grade.rewritten
        var similarity = 1.0
        if let tree = result.mergedTree, tree == backport.tree {
            grade = .asIs
        } else {
            similarity = Self.jaccard(try addedLines(backport, adaptation), try addedLines(upstream, adaptation))
            grade = similarity >= ReplayMeasures.resolvedSimilarity ? .resolved : .rewritten
        }
        return ReplayedBackport(backport: backport.id, upstream: upstream.id, subject: upstream.summary, outcome: result.outcome,
                                conflicted: conflicted, grade: grade, similarity: similarity, reasons: result.reasons)
    }

    /// The lines a commit adds against its first parent, trimmed, blank ones dropped, counted.
    private func addedLines(_ commit: Commit, _ adaptation: AdaptationCache) throws -> [String: Int] {
        let parentTree = try commit.parents.first.map { try repository.treeID(ofCommit: $0) }
        var counts: [String: Int] = [:]
        for change in try repository.changes(from: parentTree, to: commit.tree) {
            guard let new = change.new, new.isRegularFile else { continue }
            let old = change.old?.isRegularFile == true ? change.old?.blob : nil
            for hunk in adaptation.hunks(from: old, to: new.blob, in: repository) {
                for line in hunk.added {
                    let trimmed = line.trimmingWhitespace()
                    if !trimmed.isEmpty { counts[trimmed, default: 0] += 1 }
                }
            }
        }
        return counts
    }

    /// Jaccard similarity of two multisets: the sum of the smaller counts over the sum of
    /// the larger (1 when both are empty).
    public static func jaccard(_ a: [String: Int], _ b: [String: Int]) -> Double {
        var common = 0, all = 0
        for key in Set(a.keys).union(b.keys) {
            let x = a[key] ?? 0, y = b[key] ?? 0
            common += min(x, y)
            all += max(x, y)
        }
        return all == 0 ? 1 : Double(common) / Double(all)
    }
}
