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
    /// Only commits after this revision, or made after this date (`--since`).
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
    /// Called as picks finish, from any thread, with how many are done and how many there
    /// are: for a progress line.
    public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    /// Called with a line for the user about the choices made for them (release branches
    /// taken from `origin`, branches skipped as dead): for standard error.
    public var notice: (@Sendable (String) -> Void)?
    /// How conflicted files are written (`--diff3`, `--zdiff3`); nil: git's
    /// `merge.conflictStyle`, else `merge`.
    public var conflictStyle: TextMerge.Style?
    /// Keep each pick's marked-up conflicted files and a clean pick's patch (``PickDetail``),
    /// for `preview`.
    public var keepDetails = false
    /// The project's own check, run by `/bin/sh -c` in a scratch worktree on each otherwise
    /// clean pick's result (`--verify`); failing makes the pick `needs-adaptation`.
    public var verify: String?
    /// How long a verification may take (`--verify-timeout`), in seconds.
    public var verifyTimeout: TimeInterval = 600
    /// What is carried together: commits, or pull requests (`--units`, `backport.units`).
    public var units: UnitMode = .commits
    /// The merged pull requests and labels read with `--labels-from`: when set, they are
    /// the candidates (as units), sent where their labels say.
    public var labelled: [LabelledPullRequest]?
    /// Where the picks' merged objects go: memory (`plan`, `apply --dry-run`) or the
    /// repository (`apply`, which makes commits of them).
    public var objectStore: ObjectStore = .memory
    /// Paths (glob patterns) merged with git's union strategy (`backport.union`): both
    /// sides of each conflict kept, as for a changelog.
    public var unionPaths: [String] = []

    public init() {}
}

/// A candidate with everything the workers need, computed once for all targets.
struct CandidateWork: Sendable {
    let commit: Commit
    /// What its pick changes: against its mainline parent (the first, or `--mainline`'s).
    let change: CommitChange
    let request: FixRequest
    let selection: CandidateReport.Selection
    /// The commits its `Fixes:` trailers name, each with its change (for patch-id evidence)
    /// and the targets whose history contains it.
    let culprits: [Culprit]
    /// The targets (by full reference name) it is to be tried on.
    let targets: Set<String>
    /// Why it cannot be picked at all (a merge without `--mainline`), if so.
    let skipReason: Reason?
    /// The targets (by full reference name) whose history already contains it.
    let containedIn: Set<String>
    /// The upstream commits its own markers name (it is itself a backport), each with the
    /// targets whose history contains it.
    var upstream: [Upstream] = []
    /// The unit it is carried in (`--units prs`): the pull request's merge, or itself.
    var unit: OID?
}

/// An upstream commit a candidate's marker names.
struct Upstream: Sendable {
    /// As the marker writes it (lowercase, maybe abbreviated).
    let hex: String
    /// The commit, when this repository has it.
    let commit: OID?
    /// The targets (by full reference name) whose history contains it.
    let containedIn: Set<String>
}

/// Counts finished picks across the runs, for the progress line.
final class PickCounter: @unchecked Sendable {
    // Safe: `done` is read and written only under `lock`.
    private let lock = NSLock()
    private var done = 0
    let total: Int
    let report: (@Sendable (Int, Int) -> Void)?

    init(total: Int, report: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.report = report
    }

    func advance() {
        guard let report else { return }
        let now = lock.withLock { done += 1; return done }
        report(now, total)
    }
}

/// A commit a fix's `Fixes:` trailer names.
struct Culprit: Sendable {
    let change: CommitChange
    /// The targets (by full reference name) whose history contains it.
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
        try reportingShallowClone { try makePlan(options) }
    }

    /// A plan onto `targets` (from ``branches(for:)``, maybe each started at another
    /// commit: ``Target/startingAt(_:)``).
    public func plan(_ options: PlanOptions, source: Source, targets: [Target]) throws -> Plan {
        try reportingShallowClone { try makePlan(options, chosen: (source, targets)) }
    }

    private func reportingShallowClone<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as GitError {
            // libgit2 1.5 does not know shallow clones: a walk past the boundary finds no commit.
            if error.isMissingObject, FileManager.default.fileExists(atPath: repository.gitDirectory + "shallow") {
                throw BackportError.shallowClone
            }
            throw BackportError.git(error)
        }
    }

    /// The source and the targets a plan with `options` uses: those named with `--onto`,
    /// else every release branch found (the notices about them go to `options.notice`).
    public func branches(for options: PlanOptions) throws -> (source: Source, targets: [Target]) {
        var settings = self.settings
        if let source = options.source { settings.source = source }
        let finder = BranchFinder(repository: repository, settings: settings)
        let source = try finder.source()
        let targets: [Target]
        if options.onto.isEmpty {
            let discovery = try finder.discover(excluding: source)
            Self.notices(for: discovery).forEach { options.notice?($0) }
            targets = discovery.targets
            if targets.isEmpty, !discovery.skipped.isEmpty { throw BackportError.allTargetsSkipped(discovery.skipped.count) }
        } else {
            targets = try finder.targets(named: options.onto, excluding: source)
        }
        guard !targets.isEmpty else { throw BackportError.noTargets }
        return (source, targets)
    }

    private func makePlan(_ options: PlanOptions, chosen: (source: Source, targets: [Target])? = nil) throws -> Plan {
        let (source, targets) = try chosen ?? branches(for: options)
        let since = try options.since.map { try Since.parsing($0, in: repository) }

        let (work, histories, units) = try Trace.measure("candidates") {
            try candidates(options: options, source: source, targets: targets, since: since)
        }
        // One run per target, each with its own picker (its own handles), in parallel; with
        // --independent, a target's candidates may be split into runs of their own.
        let gitDirectory = repository.gitDirectory
        let renames = try RenameOptions(config: repository.config())
        let similarity = SimilarityCache()
        let sideDiffs = SideDiffs()
        let adaptation = AdaptationCache()
        let signals = settings.signals
        let style = try options.conflictStyle ?? Self.conflictStyle(repository.config())
        // Scratch worktrees that runs killed with SIGKILL left go first (a listing, nothing
        // more, when there are none); then this run's, for --verify.
        _ = try? ScratchWorktrees.collectGarbage(in: repository)
        let verification = options.verify.map { command in
            Verification(verifier: Verifier(command: command, timeout: options.verifyTimeout),
                         worktrees: ScratchWorktrees(gitDirectory: gitDirectory))
        }
        defer { verification?.worktrees.removeAll() }
        let perTargetWork = targets.map { target in work.filter { $0.targets.contains(target.branch.name) } }
        let counter = PickCounter(total: perTargetWork.map(\.count).reduce(0, +), report: options.progress)
        let runs = Self.runs(perTargetWork, jobs: options.jobs, independent: options.independent, work: work)
        let perRun = try Trace.measure("picks") {
            try parallelMap(runs, jobs: options.jobs) { run in
                try Trace.measure("picks onto \(targets[run.target].name)") {
                    let picker = Picker(gitDirectory: gitDirectory, renames: renames, pathByPath: options.fastPath, similarity: similarity,
                                        sideDiffs: sideDiffs)
                    let targetRun = try TargetRun(picker: picker, target: targets[run.target], history: histories[run.target],
                                                  stacked: !options.independent, conflictStyle: style, keepDetails: options.keepDetails,
                                                  verification: verification, store: options.objectStore, unionPaths: options.unionPaths,
                                                  signals: signals, adaptation: adaptation)
                    return try targetRun.run(Array(perTargetWork[run.target][run.candidates]), onResult: counter.advance)
                }
            }
        }
        var perTarget = Array(repeating: [PickResult](), count: targets.count)
        for (run, results) in zip(runs, perRun) { perTarget[run.target] += results }

        Trace.report()
        // Follow-up fixes: the later candidates whose Fixes: names a candidate.
        var followUps: [OID: [OID]] = [:]
        for item in work {
            for culprit in item.culprits where culprit.change.commit != item.commit.id {
                followUps[culprit.change.commit, default: []].append(item.commit.id)
            }
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
                    fixes: item.culprits.map(\.change.commit),
                    targets: targets.filter { item.targets.contains($0.branch.name) }.map(\.name),
                    warnings: item.request.warnings,
                    unit: item.unit,
                    followUps: followUps[item.commit.id]
                )
            },
            // Candidate order first, then target order: the table's reading order.
            results: work.flatMap { item in
                byCommit.compactMap { $0[item.commit.id] }
            },
            units: units
        )
    }

    /// git's `merge.conflictStyle`: `merge` (the default), `diff3` or `zdiff3`.
    static func conflictStyle(_ config: Config) throws -> TextMerge.Style {
        switch try config.string("merge.conflictStyle")?.lowercased() {
        case nil, "merge": return .merge
        case "diff3": return .diff3
        case "zdiff3": return .zdiff3
        case let other?: throw BackportError.invalidInput("merge.conflictStyle '\(other)': expected merge, diff3 or zdiff3")
        }
    }

    /// One line each for what a user would not expect of the targets found: release
    /// branches taken from `origin`, branches skipped.
    public static func notices(for discovery: BranchFinder.Discovery) -> [String] {
        var lines: [String] = []
        if let remote = discovery.fallbackRemote {
            lines.append("no local release branches: using \(remote)'s (set backport.remote to choose a remote)")
        }
        if !discovery.skipped.isEmpty {
            let names = discovery.skipped.map(\.target.name)
            let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
            lines.append("skipping \(names.count) release branch\(names.count == 1 ? "" : "es") (excluded, or no recent commit: backport.maxAge): \(shown); 'git backport branches' says why")
        }
        return lines
    }

    /// A target's candidates tried by one ``TargetRun``.
    struct Run: Sendable {
        let target: Int
        let candidates: Range<Int>
    }

    /// The runs of a plan: one per target; with `--independent`, a target with many
    /// candidates is split so that every core has work even when one target has most of
    /// it (its picks do not build on each other). Not when a candidate's `Fixes:` names
    /// another candidate: whether that one was picked earlier on the target is a run's
    /// own knowledge.
    static func runs(_ perTarget: [[CandidateWork]], jobs: Int, independent: Bool, work: [CandidateWork]) -> [Run] {
        let candidates = Set(work.map(\.commit.id))
        // Nor when commits go in units: a unit's commits stack on each other.
        let chained = work.contains { $0.unit != nil || $0.culprits.contains { candidates.contains($0.change.commit) } }
        let total = perTarget.map(\.count).reduce(0, +)
        // Pieces of at least 32 candidates, about two per worker over the whole plan.
        let piece = max(32, total / max(1, 2 * jobs))
        return perTarget.enumerated().flatMap { t, list -> [Run] in
            guard independent, !chained, list.count > piece else { return [Run(target: t, candidates: 0..<list.count)] }
            return stride(from: 0, to: list.count, by: piece).map { Run(target: t, candidates: $0..<min($0 + piece, list.count)) }
        }
    }

    private func resolve(_ spec: String) throws -> OID {
        do {
            return try repository.resolveCommit(spec)
        } catch let error as GitError where error.isAmbiguous {
            let candidates = (try? repository.objects(withPrefix: spec)) ?? []
            throw BackportError.ambiguousRevision(spec, candidates: candidates.map { "\($0.id.short(12)) (\($0.type))" })
        } catch {
            throw BackportError.unknownRevision(spec)
        }
    }

    // MARK: Candidates

    /// The commits to try, oldest first, each with the targets it is meant for; what each
    /// target carries on its own (markers, for `already-applied`); and, with `--units prs`,
    /// the units they go in.
    func candidates(options: PlanOptions, source: Source, targets: [Target],
                    since: Since?) throws -> ([CandidateWork], [TargetHistory], [UnitReport]?) {
        let explicit = !options.commits.isEmpty
        // Pull requests are read from every commit; a merge picked against --mainline is one commit.
        let byUnits = (options.units == .prs && options.mainline == nil) || options.labelled != nil
        var hidden: [OID] = [], after: Int64?
        switch since {
        case .revision(let id): hidden = [id]
        case .time(let time): after = time
        case nil: break
        }
        let forks = try Forks(repository: repository, source: source.branch.tip, targets: targets.map(\.branch.tip),
                              hiding: hidden) { commit, lackedBy -> (Commit, FixRequest, [Int])? in
            guard !explicit, options.labelled == nil, after.map({ commit.time >= $0 }) ?? true else { return nil }
            let request = FixRequest(trailers: commit.trailers, settings: settings)
            return request.isFix || options.all || byUnits ? (commit, request, lackedBy) : nil
        }
        let histories = forks.ownCommits.map { TargetHistory($0, markers: settings.markers) }
        // Which targets contain a commit (a culprit, a commit named on the command line),
        // from the walk, asked once per commit.
        var known: [OID: Set<String>] = [:]
        let containing = { (id: OID) throws -> Set<String> in
            if let answer = known[id] { return answer }
            let answer = Set(try Trace.accumulate("which targets contain a commit") {
                try forks.targets(containing: id, in: repository)
            }.map { targets[$0].branch.name })
            known[id] = answer
            return answer
        }
        if byUnits {
            let (work, units) = try unitCandidates(forks.sourceCommits, options: options, source: source, targets: targets,
                                                  containing: containing)
            return (work, histories, units)
        }
        if explicit {
            return (try explicitCandidates(options.commits, options: options, targets: targets, containing: containing), histories, nil)
        }
        // Every target gets a row, those that already contain the commit too (settled as
        // already applied, in their history), so a report tells them from targets the
        // commit is not meant for.
        let work = try forks.sourceCommits.map { commit, request, lackedBy in
            let lacking = Set(lackedBy.map { targets[$0].branch.name })
            return try prepare(commit, request: request, selection: request.isFix ? .trailer : .all, among: targets,
                               containedIn: Set(targets.map(\.branch.name)).subtracting(lacking), options: options,
                               containing: containing)
        }
        return (work, histories, nil)
    }

    /// Pull requests as units: those on the source's first-parent line that ask for a
    /// backport (a trailer on any of their commits or their merge; every one with `--all`),
    /// or those named on the command line. Each commit of a unit is a candidate meant for
    /// the unit's targets.
    private func unitCandidates(_ sourceCommits: [(Commit, FixRequest, [Int])], options: PlanOptions, source: Source,
                                targets: [Target], containing: (OID) throws -> Set<String>) throws -> ([CandidateWork], [UnitReport]) {
        let line: [Commit]
        var labels: [OID: LabelledPullRequest] = [:]
        if let labelled = options.labelled {
            line = try labelled.map { pull in
                guard let id = try repository.lookupCommit(prefix: pull.mergeCommit) else {
                    throw BackportError.invalidInput("pull request #\(pull.number.map(String.init) ?? "?"): its merge commit \(pull.mergeCommit) is not in this repository (fetch it first)")
                }
                labels[id] = pull
                return try repository.commit(id)
            }
        } else if options.commits.isEmpty {
            let lacked = Set(sourceCommits.map(\.0.id))
            // Back to the first commit every target has, oldest first.
            line = try repository.firstParentLine(from: source.branch.tip) { !lacked.contains($0) }.reversed()
        } else {
            line = try explicitIDs(options.commits).map { try repository.commit($0) }
        }
        var work: [CandidateWork] = []
        var units: [UnitReport] = []
        for (found, members) in try Units.group(line, in: repository) {
            var unit = found
            let head = try repository.commit(unit.id)
            var request = FixRequest.merging(([head] + members).map { FixRequest(trailers: $0.trailers, settings: settings) })
            var selection: CandidateReport.Selection = !options.commits.isEmpty ? .argument : request.isFix ? .trailer : .all
            if let pull = labels[unit.id] {
                // Its labels say where it goes; a pull request labelled for no target is no candidate.
                request = LabelPattern.request(for: pull.labels, patterns: settings.labelPatterns)
                guard request.isFix else { continue }
                selection = .label
                unit.number = pull.number ?? unit.number
                unit.title = pull.title ?? unit.title
            }
            guard selection != .all || options.all || !options.commits.isEmpty, !members.isEmpty else { continue }
            units.append(unit)
            for member in members {
                var item = try prepare(member, request: request, selection: selection, among: targets,
                                       containedIn: containing(member.id), options: options, containing: containing)
                item.unit = unit.id
                work.append(item)
            }
        }
        return (work, units)
    }

    /// Commits named on the command line, in the order given (ranges oldest first), each
    /// tried on every target.
    private func explicitCandidates(_ specs: [String], options: PlanOptions, targets: [Target],
                                    containing: (OID) throws -> Set<String>) throws -> [CandidateWork] {
        try explicitIDs(specs).map { id in
            let commit = try repository.commit(id)
            return try prepare(commit, request: FixRequest(trailers: commit.trailers, settings: settings),
                               selection: .argument, among: targets, containedIn: containing(id), options: options,
                               containing: containing)
        }
    }

    /// The commits named on the command line, in the order given (a range's oldest first),
    /// each once.
    private func explicitIDs(_ specs: [String]) throws -> [OID] {
        var ids: [OID] = []
        for spec in specs {
            if let range = try? repository.resolveRange(spec) {
                ids += try repository.walk(from: [range.to], hiding: [range.from])
            } else {
                ids.append(try resolve(spec))
            }
        }
        var seen = Set<OID>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// Reads what every worker needs of a candidate, once.
    private func prepare(_ commit: Commit, request: FixRequest, selection: CandidateReport.Selection,
                         among targets: [Target], containedIn: Set<String> = [], options: PlanOptions,
                         containing: (OID) throws -> Set<String>) throws -> CandidateWork {
        var request = request
        // Trailers choose the targets only when they are why the commit was chosen.
        var meantFor = targets
        if selection == .trailer || selection == .label {
            meantFor = targets.filter { target in request.scopes.contains { FixRequest.scope($0, includes: target) } }
            if options.onto.isEmpty {
                for scope in Set(request.scopes) where !targets.contains(where: { FixRequest.scope(scope, includes: $0) }) {
                    request.warnings.append("\(Self.describe(scope)) matches no release branch")
                }
            }
        }
        var culprits: [Culprit] = []
        for written in request.culprits {
            do {
                if let id = try repository.lookupCommit(prefix: written) {
                    culprits.append(Culprit(change: CommitChange(try repository.commit(id)), containedIn: try containing(id)))
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
        var work = CandidateWork(
            commit: commit, change: change,
            request: request, selection: selection, culprits: culprits,
            targets: Set(meantFor.map(\.branch.name)), skipReason: skip, containedIn: containedIn
        )
        // A backport itself: where its upstream commit already is, so is it.
        work.upstream = try Marker.commits(in: commit.message, configured: settings.markers).map { hex in
            // Not in this repository, or ambiguous: matched by its digits alone.
            let id = (try? repository.lookupCommit(prefix: hex)) ?? nil
            return Upstream(hex: hex, commit: id, containedIn: try id.map(containing) ?? [])
        }
        return work
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
