import Foundation
import Git

/// `git backport apply`: the clean picks of a plan written as real commits stacked on each
/// target, on a branch per target, in the repository's object database. No working tree,
/// index or HEAD is touched (it works in a bare repository and from any checkout).
///
/// For each target: the branch the template names; when it exists and is built on the
/// target's tip, the picks are tried on top of it, so what it carries already is
/// `already-applied` by its markers and a second run writes nothing. A branch with other
/// commits (the target moved on, or someone edited it) is replaced only with `--force`.
/// Each reference moves by compare-and-swap: at its old value or its new one.
public struct Applier {
    public let repository: Repository
    public let settings: Settings

    public init(repository: Repository, settings: Settings) {
        self.repository = repository
        self.settings = settings
    }

    /// A target's branch before anything is written.
    private struct Destination {
        let target: Target
        let branch: String
        let ref: String
        /// Where the branch points now (nil: no such branch).
        let old: OID?
        /// The commit the picks stack on.
        let base: OID
        /// Why the branch is not written, when it is not.
        let refusal: String?
    }

    public func apply(_ options: ApplyOptions) throws -> ApplyReport {
        let planner = Planner(repository: repository, settings: settings)
        var planOptions = options.plan
        planOptions.objectStore = options.dryRun ? .memory : .repository
        let (source, targets) = try planner.branches(for: planOptions)
        let template = try BranchTemplate(options.branchTemplate ?? options.style.branchTemplate(perUnit: options.perUnit))
        if options.perUnit, !template.isPerUnit {
            throw BackportError.invalidInput("--per-unit: the branch template '\(template.text)' names no unit; add {pr}, {short} or {commit}")
        }
        // Known before anything is picked: nothing is written for a bad name, a missing
        // identity or a repository that cannot be written.
        let committer = try identity(options)
        if !options.dryRun {
            try checkWritable()
            // From here, Ctrl-C waits for an object or a branch being written.
            Interruption.install()
        }
        let applications: [TargetApplication]
        let plan: Plan
        if template.isPerUnit {
            (plan, applications) = try perUnit(planner, planOptions, source: source, targets: targets, template: template,
                                               committer: committer, options: options)
        } else {
            let destinations = try targets.map { try destination(for: $0, template: template, options: options, source: source, all: targets) }
            let open = destinations.filter { $0.refusal == nil }
            plan = open.isEmpty
                ? Plan(source: SourceReport(source), stacked: !planOptions.independent, targets: [], candidates: [], results: [])
                : try planner.plan(planOptions, source: source, targets: open.map { $0.target.startingAt($0.base) })
            applications = try destinations.map { try application(of: plan, onto: $0, committer: committer, options: options) }
        }
        return ApplyReport(dryRun: options.dryRun, style: options.style.rawValue,
                           date: BranchTemplate.day(options.now), source: SourceReport(source),
                           targets: applications, plan: plan)
    }

    /// A branch per unit and target: the plan says which units go where; each is then
    /// tried alone on its own branch (the target's tip, or the branch an earlier run made).
    private func perUnit(_ planner: Planner, _ planOptions: PlanOptions, source: Source, targets: [Target], template: BranchTemplate,
                         committer: Signature, options: ApplyOptions) throws -> (Plan, [TargetApplication]) {
        var overview = planOptions
        overview.objectStore = .memory
        let plan = try planner.plan(overview, source: source, targets: targets)
        let units = plan.units ?? plan.candidates.map { candidate in
            UnitReport(id: candidate.commit, number: Units.squashed(candidate.subject).number, title: candidate.subject, commits: [candidate.commit])
        }
        var applications: [TargetApplication] = []
        for target in targets {
            for unit in units {
                let outcomes = unit.commits.compactMap { plan.result(for: $0, on: target.name)?.outcome }
                guard !outcomes.isEmpty else { continue }
                let destination = try destination(for: target, template: template, options: options, source: source, all: targets,
                                                  unit: unit)
                // Nothing to carry and no branch yet: no branch is made.
                if destination.old == nil, !outcomes.contains(where: { $0 == .clean || $0.needsAttention }) { continue }
                var alone = planOptions
                alone.commits = [unit.id.hex]
                alone.all = false
                alone.since = nil
                alone.labelled = nil
                let unitPlan = destination.refusal != nil ? plan
                    : try planner.plan(alone, source: source, targets: [target.startingAt(destination.base)])
                var application = try application(of: unitPlan, onto: destination, committer: committer, options: options)
                application.unit = unit.id
                applications.append(application)
            }
        }
        return (plan, applications)
    }

    /// What becomes of one destination: refused as it is, or its picks written.
    private func application(of plan: Plan, onto destination: Destination, committer: Signature,
                             options: ApplyOptions) throws -> TargetApplication {
        guard destination.refusal == nil else {
            return TargetApplication(target: destination.target.name, branch: destination.branch, ref: destination.ref,
                                     oldHead: destination.old, newHead: destination.old, base: destination.base,
                                     status: .refused, message: destination.refusal, picks: [])
        }
        let subjects = Dictionary(plan.candidates.map { ($0.commit, $0.subject) }, uniquingKeysWith: { a, _ in a })
        let results = plan.results.filter { $0.target == destination.target.name }
        return try write(results, of: plan, onto: destination, subjects: subjects, committer: committer, options: options)
    }

    // MARK: Branches

    private func destination(for target: Target, template: BranchTemplate, options: ApplyOptions, source: Source,
                             all targets: [Target], unit: UnitReport? = nil) throws -> Destination {
        let branch: String, ref: String
        if options.updateTarget {
            guard !target.branch.isRemote else {
                throw BackportError.invalidInput("--update-target: \(target.name) is a remote-tracking branch; apply moves local branches only")
            }
            (branch, ref) = (target.name, target.branch.name)
        } else {
            (branch, ref) = try template.reference(target: target, commit: unit?.id, pullRequest: unit?.number, date: options.now)
            let releases = Set(targets.flatMap { [$0.branch.name, "refs/heads/" + $0.localName] } + [source.branch.name])
            if releases.contains(ref) {
                throw BackportError.invalidInput("--branch '\(template.text)' names \(branch), a release or source branch: apply never moves one unless asked with --update-target")
            }
        }
        let old = try repository.referenceTarget(ref)
        let tip = target.branch.tip
        guard let old, old != tip else { return Destination(target: target, branch: branch, ref: ref, old: old, base: tip, refusal: nil) }
        // Built on the target's tip: extend it. Behind the tip (merged): start again from the tip.
        if try repository.isAncestor(tip, of: old) {
            return Destination(target: target, branch: branch, ref: ref, old: old, base: old, refusal: nil)
        }
        if try options.force || repository.isAncestor(old, of: tip) {
            return Destination(target: target, branch: branch, ref: ref, old: old, base: tip, refusal: nil)
        }
        return Destination(target: target, branch: branch, ref: ref, old: old, base: tip, refusal:
            "\(branch) has commits that are not on \(target.name) and not built on its tip \(tip.short()) (\(target.name) moved on, or the branch was edited): --force replaces it")
    }

    /// `apply` writes objects and references: a repository this process cannot write to
    /// (a read-only mount, another user's files) is one clear error before any work.
    private func checkWritable() throws {
        for folder in ["objects", "refs"] {
            let path = repository.commonDirectory + folder
            guard access(path, W_OK) == 0 else {
                throw BackportError.invalidInput("cannot write to \(path) (\(String(cString: strerror(errno)))): apply writes commits and branches there; --dry-run writes nothing")
            }
        }
    }

    /// Who commits: `--committer`, else git's identity (`GIT_COMMITTER_*`, `user.*`).
    private func identity(_ options: ApplyOptions) throws -> Signature {
        let environment = ProcessInfo.processInfo.environment
        let now = Int64(options.now.timeIntervalSince1970)
        let offset = Int32(TimeZone.current.secondsFromGMT(for: options.now) / 60)
        if let given = options.committer {
            let dated = try repository.committerIdentity(environment: ["GIT_COMMITTER_NAME": given.name, "GIT_COMMITTER_EMAIL": given.email,
                                                                      "GIT_COMMITTER_DATE": environment["GIT_COMMITTER_DATE"] ?? ""],
                                                        now: now, offsetMinutes: offset)
            return dated!
        }
        guard let found = try repository.committerIdentity(environment: environment, now: now, offsetMinutes: offset) else {
            // Nothing is committed: a preview needs no identity.
            if options.dryRun { return Signature(name: "(you)", email: "", time: now, offsetMinutes: offset) }
            throw BackportError.invalidInput("who commits is unknown: set user.name and user.email (git config --global user.name 'Your Name'), or give --committer 'Name <email>'")
        }
        return found
    }

    // MARK: Commits

    /// Writes a target's picks as commits (unless `--dry-run`) and moves its branch.
    private func write(_ results: [PickResult], of plan: Plan, onto destination: Destination, subjects: [OID: String],
                       committer: Signature, options: ApplyOptions) throws -> TargetApplication {
        let signOff = options.signOff ?? options.style.signsOff
        var head = destination.base
        var picks: [AppliedPick] = []
        // The branch's own commits when it is extended: a pick one of them carries is on it.
        let tip = destination.target.branch.tip
        let onBranch = destination.base == destination.old && destination.base != tip
            ? Set(try repository.walk(from: [destination.base], hiding: [tip])) : []
        var stoppedBy: String?
        // The pick `--on-conflict resolve` hands over.
        var handOver: OID?
        for result in results {
            var pick = AppliedPick(commit: result.commit, subject: subjects[result.commit] ?? "", outcome: result.outcome, applied: false)
            defer { picks.append(pick) }
            if let stoppedBy, [.clean, .conflicted, .needsAdaptation, .error].contains(result.outcome) {
                pick.leftOut = "not tried: the stack ends at \(stoppedBy)"
                pick.notTried = true
                continue
            }
            // A pull request goes whole or not at all (--units prs): a clean commit of one
            // that is not clean is left out with it, unless its conflicts are committed.
            if result.outcome == .clean, let unit = plan.unit(of: result.commit),
               let whole = plan.outcome(ofUnit: unit, on: destination.target.name), whole != .clean, options.onConflict != .commit {
                let name = unit.number.map { "#\($0)" } ?? unit.id.short()
                pick.leftOut = "left out with its pull request \(name), which is \(whole.rawValue) on \(destination.target.name)"
                if options.onConflict == .stop { stoppedBy = "pull request \(name), which is \(whole.rawValue) (--on-conflict stop)" }
                continue
            }
            switch result.outcome {
            case .clean:
                pick.applied = true
                if !options.dryRun {
                    let message = try commitMessage(of: result.commit, style: options.style, signOff: signOff ? committer : nil)
                    head = try commit(result.commit, tree: result.tree!, parent: head, message: message, committer: committer)
                    pick.newCommit = head
                }
            case .conflicted, .needsAdaptation, .error:
                pick.leftOut = result.reasons.first?.message ?? result.outcome.rawValue
                switch options.onConflict {
                case .skip:
                    break
                case .stop, .resolve:
                    stoppedBy = "\(result.commit.short()), which is \(result.outcome.rawValue) (--on-conflict \(options.onConflict.rawValue))"
                    if options.onConflict == .resolve, result.outcome != .error { handOver = result.commit }
                case .commit:
                    stoppedBy = "\(result.commit.short()), committed with its conflicts (--on-conflict commit)"
                    guard result.outcome != .error else { break }
                    pick.applied = true
                    pick.withConflictMarkers = true
                    if !options.dryRun {
                        let conflicted = try ConflictedPick.tree(of: result.commit, onto: head, mainline: options.plan.mainline,
                                                                 committer: committer, in: repository)
                        var message = try commitMessage(of: result.commit, style: options.style, signOff: signOff ? committer : nil)
                        message.bytes = BackportMessage.conflicted(message.bytes, paths: conflicted.paths)
                        head = try commit(result.commit, tree: conflicted.tree, parent: head, message: message, committer: committer)
                        pick.newCommit = head
                    }
                }
            case .alreadyApplied:
                pick.onBranch = result.reasons.lazy.compactMap(\.commit).first { onBranch.contains($0) }
            case .skipped where result.reasons.first?.code == .unitIncomplete:
                pick.leftOut = result.reasons[0].message
            case .notAffected, .skipped:
                break
            }
        }
        var application = TargetApplication(target: destination.target.name, branch: destination.branch, ref: destination.ref,
                                            oldHead: destination.old, newHead: destination.old, base: destination.base,
                                            status: .unchanged, picks: picks)
        // A pick handed over needs the branch, even with nothing before it.
        let written = picks.contains(where: \.applied) || handOver != nil
        switch (destination.old, written) {
        case (nil, false):
            application.status = .nothing
            return application
        case (let old?, false) where old == destination.base:
            return application
        default:
            application.status = destination.old == nil ? .created : .updated
        }
        guard !options.dryRun else {
            application.newHead = nil
            return application
        }
        do {
            let count = picks.filter(\.applied).count
            try Interruption.critical {
                try repository.updateReference(destination.ref, to: head, expecting: destination.old, identity: committer,
                                               message: "backport: apply \(count) pick\(count == 1 ? "" : "s") onto \(destination.target.name)")
            }
            application.newHead = head
        } catch Repository.ReferenceUpdateError.changed {
            application.status = .failed
            application.message = "\(destination.branch) was moved by someone else while apply ran: nothing written; run again"
            return application
        }
        if let handOver {
            application.resolveWorktree = try resolve(handOver, results: results, of: plan, on: destination, head: head)
        }
        return application
    }

    /// `--on-conflict resolve`: a kept worktree on the branch (now at `head`) with the
    /// pick's conflicts, and the picks after it pending for `git backport continue`.
    private func resolve(_ pick: OID, results: [PickResult], of plan: Plan, on destination: Destination, head: OID) throws -> String {
        guard let index = results.firstIndex(where: { $0.commit == pick }),
              var target = plan.targets.first(where: { $0.branch == destination.target.name }) else { return "" }
        target.head = head
        var rest = plan
        rest.results = Array(results[index...])
        let path = Resolution.defaultPath(for: repository, target: destination.target.name, commit: pick)
        _ = try Resolution.start(pick, onto: target, plan: rest, in: repository, at: path, onBranch: destination.branch)
        return path
    }

    /// The message of a pick's new commit: the original's with the style's marker, and a
    /// sign-off when asked.
    private func commitMessage(of original: OID, style: BackportStyle, signOff: Signature?) throws -> (bytes: [UInt8], encoding: String?) {
        let (raw, encoding) = try repository.rawMessage(of: original)
        var message = BackportMessage.marked(raw, upstream: original, style: style)
        if let signOff { message = BackportMessage.signedOff(message, by: signOff) }
        return (BackportMessage.strippingSpace(message), encoding)
    }

    /// Writes the commit of a pick: the original's author and author date, `committer` now.
    private func commit(_ original: OID, tree: OID, parent: OID, message: (bytes: [UInt8], encoding: String?),
                        committer: Signature) throws -> OID {
        let author = try repository.commit(original).author
        return try Interruption.critical {
            try repository.createCommit(tree: tree, parents: [parent], author: author, committer: committer,
                                        message: message.bytes, encoding: message.encoding)
        }
    }
}
