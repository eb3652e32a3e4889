import Foundation
import Git

/// What `plan` was asked to do (the flags, after validation).
public struct PlanOptions: Sendable {
    /// Commits or `A..B` ranges named on the command line; empty: find fixes on the source.
    public var commits: [String] = []
    /// Target branches (or versions) named with `--onto`; empty: every release branch found.
    public var onto: [String] = []
    /// The source branch (`--source`); nil: from the settings or the defaults.
    public var source: String?
    /// Only commits after this revision (`--since`).
    public var since: String?
    /// Every commit the targets lack, not only those with fix trailers (`--all`).
    public var all = false
    /// Try each candidate on the bare target tip instead of stacking clean picks.
    public var independent = false
    /// The parent (1-based) a merge commit is picked against (`--mainline`); nil: skip merges.
    public var mainline: Int?
    /// How many targets are evaluated at once.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Merge only the files a pick changes when that gives the full merge's result (see
    /// Docs/design.md); false always merges whole trees (`--no-fast-path`, for comparison).
    public var fastPath = true

    public init() {}
}

/// A candidate with everything the workers need, computed once for all targets.
struct CandidateWork: Sendable {
    let commit: Commit
    /// What its pick changes: against its mainline parent (the first, or `--mainline`'s).
    let change: CommitChange
    let request: FixRequest
    let selection: CandidateReport.Selection
    /// The commits its `Fixes:` trailers name, each with its change (for patch-id evidence).
    let culprits: [CommitChange]
    /// The targets (by full reference name) it is to be tried on.
    let targets: Set<String>
    /// Why it cannot be picked at all (a merge without `--mainline`), if so.
    let skipReason: Reason?
    /// The targets (by full reference name) whose history already contains it.
    let containedIn: Set<String>
}

/// Builds a ``Plan``: finds the source, the targets and the candidates, then has one
/// ``TargetPicker`` per target (in parallel, each with its own repository handle) try
/// and classify every candidate meant for it.
public struct Planner {
    public let repository: Repository
    public let settings: Settings

    public init(repository: Repository, settings: Settings) {
        self.repository = repository
        self.settings = settings
    }

    public func plan(_ options: PlanOptions) throws -> Plan {
        do {
            return try makePlan(options)
        } catch let error as GitError {
            throw BackportError.git(error)
        }
    }

    private func makePlan(_ options: PlanOptions) throws -> Plan {
        var settings = self.settings
        if let source = options.source { settings.source = source }
        // Nothing this process writes (merged blobs, trees) may reach the repository.
        try repository.useInMemoryObjectStore()
        let finder = BranchFinder(repository: repository, settings: settings)
        let source = try finder.source()
        let targets = try finder.targets(named: options.onto, excluding: source)
        guard !targets.isEmpty else { throw BackportError.noTargets }
        let since = try options.since.map { try resolve($0) }

        // Each target's picker opens its own handle and reads the target's side of the fork
        // (merge bases, own commits, markers): in parallel, one target per worker.
        let gitDirectory = repository.gitDirectory
        let pickers = try parallelMap(targets, jobs: options.jobs) { target in
            try TargetPicker(gitDirectory: gitDirectory, target: target, source: source.branch.tip,
                             stacked: !options.independent, fastPath: options.fastPath)
        }
        let work = try candidates(options: options, source: source, pickers: pickers, since: since)
        let perTarget = try parallelMap(pickers, jobs: options.jobs) { picker in
            try picker.run(work.filter { $0.targets.contains(picker.target.branch.name) })
        }

        let byCommit = perTarget.map { results in Dictionary(uniqueKeysWithValues: results.map { ($0.commit, $0) }) }
        return Plan(
            source: SourceReport(source),
            stacked: !options.independent,
            targets: targets.map(TargetReport.init),
            candidates: work.map { item in
                CandidateReport(
                    commit: item.commit.id,
                    subject: item.commit.summary,
                    author: Person(name: item.commit.author.name, email: item.commit.author.email),
                    trailers: item.request.trailers,
                    selectedBy: item.selection,
                    fixes: item.culprits.map(\.commit),
                    targets: targets.filter { item.targets.contains($0.branch.name) }.map(\.name),
                    warnings: item.request.warnings
                )
            },
            // Candidate order first, then target order: the table's reading order.
            results: work.flatMap { item in
                byCommit.compactMap { $0[item.commit.id] }
            }
        )
    }

    private func resolve(_ spec: String) throws -> OID {
        do { return try repository.resolveCommit(spec) } catch { throw BackportError.unknownRevision(spec) }
    }

    // MARK: Candidates

    /// The commits to try, oldest first, each with the targets it is meant for.
    func candidates(options: PlanOptions, source: Source, pickers: [TargetPicker], since: OID?) throws -> [CandidateWork] {
        let targets = pickers.map(\.target)
        if !options.commits.isEmpty {
            return try explicitCandidates(options.commits, options: options, pickers: pickers)
        }
        let hidden = since.map { [$0] } ?? []
        // Per target, the commits of the source it lacks, oldest first.
        let lacking = try parallelMap(pickers, jobs: options.jobs) { try $0.missing(fromSource: source.branch.tip, hiding: hidden) }
        let missing = lacking.map(Set.init)
        // The order to try them in: usually one target lacks all that the others lack (the
        // oldest release, on a linear main) and its walk is the order. Otherwise one more
        // walk from the source, hiding a common ancestor of every target's merge bases.
        var order = lacking.max { $0.count < $1.count } ?? []
        let all = Set(order)
        if !missing.allSatisfy({ $0.isSubset(of: all) }) {
            let shared = try repository.commonAncestor(of: pickers.flatMap(\.bases))
            order = try repository.walk(from: [source.branch.tip], hiding: (shared.map { [$0] } ?? []) + hidden)
        }
        var result: [CandidateWork] = []
        for id in order {
            let meantFor = targets.indices.filter { missing[$0].contains(id) }.map { targets[$0] }
            guard !meantFor.isEmpty else { continue }
            let commit = try repository.commit(id)
            let request = FixRequest(trailers: commit.trailers, settings: settings)
            guard request.isFix || options.all else { continue }
            result.append(try prepare(commit, request: request, selection: request.isFix ? .trailer : .all,
                                      among: meantFor, options: options))
        }
        return result
    }

    /// Commits named on the command line, in the order given (ranges oldest first), each
    /// tried on every target.
    private func explicitCandidates(_ specs: [String], options: PlanOptions, pickers: [TargetPicker]) throws -> [CandidateWork] {
        let targets = pickers.map(\.target)
        var ids: [OID] = []
        for spec in specs {
            if let range = try? repository.resolveRange(spec) {
                ids += try repository.walk(from: [range.to], hiding: [range.from])
            } else {
                ids.append(try resolve(spec))
            }
        }
        var seen = Set<OID>()
        ids = ids.filter { seen.insert($0).inserted }
        // One walk per target says which of them it lacks: far cheaper than asking, commit
        // by commit, whether the target descends from it.
        let named = ids
        let missing = try parallelMap(pickers, jobs: options.jobs) { try $0.missing(among: named) }
        return try ids.map { id in
            let commit = try repository.commit(id)
            let containedIn = Set(targets.indices.filter { !missing[$0].contains(id) }.map { targets[$0].branch.name })
            return try prepare(commit, request: FixRequest(trailers: commit.trailers, settings: settings),
                               selection: .argument, among: targets, containedIn: containedIn, options: options)
        }
    }

    /// Reads what every worker needs of a candidate, once.
    private func prepare(_ commit: Commit, request: FixRequest, selection: CandidateReport.Selection,
                         among targets: [Target], containedIn: Set<String> = [], options: PlanOptions) throws -> CandidateWork {
        var request = request
        // Trailers choose the targets only when they are why the commit was chosen.
        var meantFor = targets
        if selection == .trailer {
            meantFor = targets.filter { target in request.scopes.contains { FixRequest.scope($0, includes: target) } }
            if options.onto.isEmpty {
                for scope in Set(request.scopes) where !targets.contains(where: { FixRequest.scope(scope, includes: $0) }) {
                    request.warnings.append("\(Self.describe(scope)) matches no release branch")
                }
            }
        }
        var culprits: [CommitChange] = []
        for written in request.culprits {
            do {
                if let id = try repository.lookupCommit(prefix: written) {
                    culprits.append(CommitChange(try repository.commit(id)))
                } else {
                    request.warnings.append("Fixes: names \(written), which is not a commit in this repository")
                }
            } catch let error as GitError where error.isAmbiguous {
                request.warnings.append("Fixes: names \(written), which is ambiguous here; give more digits")
            }
        }

        var skip: Reason?
        var base = 0
        if commit.isMerge {
            if let mainline = options.mainline {
                guard mainline >= 1, mainline <= commit.parents.count else {
                    throw BackportError.invalidInput("--mainline \(mainline): commit \(commit.id.short()) has \(commit.parents.count) parents")
                }
                base = mainline - 1
            } else {
                skip = Reason(.mergeCommit, "merge commit; pick it with --mainline <parent> or pick its commits")
            }
        }
        let change = CommitChange(commit: commit.id, parent: commit.parents.isEmpty ? nil : commit.parents[base], tree: commit.tree)
        return CandidateWork(
            commit: commit, change: change,
            request: request, selection: selection, culprits: culprits,
            targets: Set(meantFor.map(\.branch.name)), skipReason: skip, containedIn: containedIn
        )
    }

    static func describe(_ scope: FixRequest.Scope) -> String {
        switch scope {
        case .all: return "every release"
        case .exactly(let v): return "release \(v)"
        case .from(let v): return "release \(v)+"
        case .branch(let name): return "'\(name)'"
        }
    }
}
