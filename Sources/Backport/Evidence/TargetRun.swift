import Git

/// Tries and classifies, in memory, the candidates meant for one target.
///
/// Each candidate goes through the evidence steps in order, cheapest first (a merge
/// commit without `--mainline`, the target's history, a marker, the same patch-id, the
/// `Fixes:` culprits, the pick itself), until ``OutcomePolicy`` says the findings settle
/// it. A step that cannot be done (an object it needs is missing or corrupt) makes that
/// pick an `error`; the run goes on with the next candidate.
///
/// Candidates come oldest first; with stacking, each clean pick's tree becomes the tree
/// the next candidate is picked onto, as a maintainer applying the batch would see it.
/// Owns its ``Picker`` (its own repository handles), so runs go on several threads.
final class TargetRun {
    let target: Target
    private let picker: Picker
    private let stacked: Bool
    private var history: TargetHistory
    /// The tree the next candidate is picked onto: the target tip's, plus the clean picks
    /// so far when stacking.
    private var currentTree: OID
    private var stackedPicks = 0
    /// The tree of the target's tip (what an independent pick goes onto).
    private let tipTree: OID
    /// The clean picks stacked so far, by each path they change (the latest one).
    private var stackedByPath: [String: CandidateWork] = [:]
    /// Where the content of a file the target lacks went, by path ("" for nowhere).
    private var contentElsewhere: [String: String] = [:]
    /// Candidates of this plan that go to this target (clean or conflicted so far): a fix
    /// whose `Fixes:` names one of them is meant for this target too.
    private var carried: Set<OID> = []
    private var culpritEvidence: [OID: Reason?] = [:]

    private typealias Step = (name: String, examine: (CandidateWork) throws -> [Finding])

    /// How conflicted files are written.
    private let conflictStyle: TextMerge.Style
    /// Keep marked-up files and patches (``PickDetail``) for `preview`.
    private let keepDetails: Bool
    /// The project's check run on each otherwise clean pick (`--verify`), and where the
    /// scratch worktrees come from.
    private let verification: Verification?
    /// This run's scratch worktree, made when the first pick is verified.
    private var worktree: ScratchWorktree?
    /// The last merge's output (for the verification step).
    private var lastMerge: PickOutput?
    /// The last merge's input (for the adaptation signals).
    private var lastInput: PickInput?
    /// The adaptation signals this run looks for (`backport.signals`).
    private let signals: Set<Signal>
    /// What the signals read, shared by every target's run.
    private let adaptation: AdaptationCache
    /// Which names the trees of this run's picks have (`missing-symbol`).
    private lazy var symbolIndexes = MissingSymbol.Indexes(cache: adaptation)
    /// The raw measures behind the last pick's signals (lines found, conflict sizes...), for
    /// `replay` to report beside its grading, so thresholds can be tuned on real history.
    private(set) var lastMeasures: [String: Double] = [:]
    /// The file changes `prerequisite` found, by commit and path, kept for the next pick.
    private let fileHistories = FileHistoryMemo()
    /// When the source and the target forked, for `prerequisite` (found on first need).
    private var knownForkTime: Int64?
    /// Earlier candidates of this run that were not clean, with the lines they add.
    private var unapplied = DependsOnUnapplied.Earlier()
    /// Keep ``lastMeasures`` (for `replay`; a plan does not read them).
    var recordsMeasures = false

    /// Where merged objects go.
    private let store: ObjectStore
    /// Paths merged with git's union strategy (`backport.union`).
    private let unionPaths: [String]

    init(picker: Picker, target: Target, history: TargetHistory, stacked: Bool,
         conflictStyle: TextMerge.Style = .merge, keepDetails: Bool = false, verification: Verification? = nil,
         store: ObjectStore = .memory, unionPaths: [String] = [],
         signals: Set<Signal> = Set(Signal.allCases), adaptation: AdaptationCache = AdaptationCache()) throws {
        self.verification = verification
        self.store = store
        self.unionPaths = unionPaths
        self.signals = signals
        self.adaptation = adaptation
        self.picker = picker
        self.target = target
        self.history = history
        self.stacked = stacked
        self.conflictStyle = conflictStyle
        self.keepDetails = keepDetails
        currentTree = try picker.repository().treeID(ofCommit: target.branch.tip)
        tipTree = currentTree
    }

    /// Classifies the candidates, oldest first, then lets go of the merged objects (the
    /// planner keeps the results).
    func run(_ candidates: [CandidateWork], onResult: () -> Void = {}) throws -> [PickResult] {
        defer { try? picker.close() }
        // The unit being tried (`--units prs`): the tree and stack before it, to go back to
        // when one of its commits is not clean; and that commit, once there is one.
        var unit: (id: OID, tree: OID, picks: Int, failed: OID?)?
        return try candidates.map { candidate in
            if candidate.unit != unit?.id {
                unit = candidate.unit.map { ($0, currentTree, stackedPicks, nil) }
            }
            let result: PickResult
            if let failed = unit?.failed {
                result = PickResult(commit: candidate.commit.id, target: target.name, outcome: .skipped, reasons: [
                    Reason(.unitIncomplete, "not tried: \(failed.short()), an earlier commit of its pull request, is not clean on \(target.name)",
                           commit: failed)], conflicts: [])
            } else {
                result = try classify(candidate)
                if unit != nil, result.outcome.needsAttention || result.outcome == .skipped {
                    // The pull request goes whole or not at all: the next picks go on without it.
                    unit!.failed = candidate.commit.id
                    currentTree = unit!.tree
                    stackedPicks = unit!.picks
                }
            }
            onResult()
            // Nothing later builds on an independent pick's objects: let them go.
            if !stacked { try picker.forgetMemory() }
            return result
        }
    }

    private var steps: [Step] {
        [("reading the commit", mergeCommit),
         ("checking the target's history", inTargetHistory),
         ("looking for a marker", marker),
         ("comparing patch-ids", samePatch),
         ("looking for the same subject and author", sameSubject),
         ("following its Fixes: trailers", culprits),
         ("merging", merge),
         ("looking for adaptation signals", adaptationSignals),
         ("verifying", verify)]
    }

    private func classify(_ candidate: CandidateWork) throws -> PickResult {
        var findings: [Finding] = []
        for step in steps {
            do {
                findings += try Trace.accumulate(step.name) { try step.examine(candidate) }
            } catch BackportError.cannotWrite(let error) {
                // Not this pick's fault (the repository cannot be written): the run stops.
                throw BackportError.cannotWrite(error)
            } catch {
                findings.append(.failed(failure(error, while: step.name, candidate)))
            }
            if OutcomePolicy.isSettled(findings) { break }
        }
        let outcome = OutcomePolicy.outcome(of: findings)
        return result(candidate, outcome, findings)
    }

    /// The result of the findings: the reason that decided first, then the others.
    private func result(_ candidate: CandidateWork, _ outcome: Outcome, _ findings: [Finding]) -> PickResult {
        let id = candidate.commit.id
        var reasons: [Reason] = []
        var conflicts: [ConflictReport] = []
        var tree: OID?
        let merge = findings.lazy.compactMap { finding -> PickOutput? in
            if case .merged(let output) = finding { return output } else { return nil }
        }.first
        var detail: PickDetail?
        if keepDetails, let merge {
            detail = PickDetail()
            for conflict in merge.conflicts { if let text = conflict.mergedText { detail!.markedFiles[conflict.path] = text } }
            if outcome == .clean, let tree = merge.tree, let patch = try? picker.repository().patch(from: currentTree, to: tree) {
                (detail!.patch, detail!.stat) = patch
            }
        }
        switch outcome {
        case .conflicted, .needsAdaptation:
            if signals.contains(.dependsOnUnapplied), let merge, let lastInput, let changes = try? candidate.change.changes(picker.repository()),
               let repository = try? picker.repository() {
                let evidence = PickEvidence(repository: repository, cache: adaptation, candidate: candidate, input: lastInput,
                                            output: merge, targetName: target.name, fixChanges: changes)
                unapplied.add(DependsOnUnapplied.Unapplied(commit: candidate.commit, outcome: outcome),
                              adding: DependsOnUnapplied.addedLines(evidence))
            }
        default:
            break
        }
        switch outcome {
        case .clean:
            tree = merge!.tree
            carried.insert(id)
            let message = stacked && stackedPicks > 0
                ? "applies cleanly on top of \(stackedPicks) earlier pick\(stackedPicks == 1 ? "" : "s")" : "applies cleanly"
            reasons.append(Reason(.applies, message))
            if stacked {
                currentTree = tree!
                stackedPicks += 1
                if let changes = try? candidate.change.changes(picker.repository()) {
                    for path in changes.paths { stackedByPath[path] = candidate }
                }
            }
        case .conflicted, .needsAdaptation:
            carried.insert(id)
            conflicts = merge!.conflicts.map(ConflictReport.init)
            // The first few; `conflicts` lists them all.
            let paths = conflicts.prefix(5).map(\.path).joined(separator: ", ")
                + (conflicts.count > 5 ? " and \(conflicts.count - 5) more" : "")
            if !conflicts.isEmpty {
                reasons.append(Reason(.conflicts, "\(conflicts.count) conflicted path\(conflicts.count == 1 ? "" : "s"): \(paths)"))
            }
        default:
            break
        }
        // The deciding reason first (for outcomes a finding decides), then the others.
        if let reason = findings.first(where: { OutcomePolicy.outcome(of: $0) == outcome && $0.reason != nil })?.reason {
            reasons.append(reason)
        } else if outcome == .needsAdaptation {
            let clean = merge?.tree != nil
            reasons += findings.filter { OutcomePolicy.isDeciding($0, mergedCleanly: clean) }.compactMap(\.reason)
        }
        reasons += findings.compactMap { finding in
            switch finding {
            case .fixesReached(let r), .note(let r): return r
            case .signal(let r): return reasons.contains(r) ? nil : r
            default: return nil
            }
        }
        var result = PickResult(commit: id, target: target.name, outcome: outcome, reasons: reasons, conflicts: conflicts, tree: tree,
                                detail: detail)
        result.mergedTree = merge?.tree
        return result
    }

    /// A reason for a step that could not be done, naming what and where.
    private func failure(_ error: Error, while step: String, _ candidate: CandidateWork) -> Reason {
        let what = "\(step) for \(candidate.commit.id.short()) on \(target.name)"
        let inPath = error as? PathError
        if let gitError = inPath?.error ?? error as? GitError {
            let place = inPath.map { ", \($0.path)" } ?? ""
            return Reason(gitError.isMissingObject ? .missingObject : .pickFailed, "\(what)\(place): \(gitError.message)",
                          commit: candidate.commit.id)
        }
        return Reason(.pickFailed, "\(what): \(error)", commit: candidate.commit.id)
    }

    // MARK: The evidence steps

    private func mergeCommit(_ candidate: CandidateWork) -> [Finding] {
        candidate.skipReason.map { [.cannotPick($0)] } ?? []
    }

    private func inTargetHistory(_ candidate: CandidateWork) -> [Finding] {
        guard candidate.containedIn.contains(target.branch.name) else { return [] }
        return [.alreadyThere(Reason(.inTargetHistory, "\(target.name) already contains this commit"))]
    }

    private func marker(_ candidate: CandidateWork) -> [Finding] {
        if let carrier = history.carrier(of: candidate.commit.id) {
            return [.alreadyThere(Reason(.marker, "\(carrier.short()) on \(target.name) names it as its upstream commit", commit: carrier))]
        }
        // The candidate is itself a backport of an upstream commit the target has already.
        for upstream in candidate.upstream {
            let name = upstream.commit?.short() ?? upstream.hex
            if upstream.containedIn.contains(target.branch.name) {
                return [.alreadyThere(Reason(.marker, "it is a backport of \(name), which \(target.name) already contains", commit: upstream.commit))]
            }
            if let carrier = history.carrier(ofHex: upstream.commit?.hex ?? upstream.hex) {
                return [.alreadyThere(Reason(.marker, "it is a backport of \(name), and \(carrier.short()) on \(target.name) is a backport of it too",
                                             commit: carrier))]
            }
        }
        return []
    }

    private func samePatch(_ candidate: CandidateWork) throws -> [Finding] {
        guard let twin = try history.equivalent(to: candidate.change, in: picker.repository()) else { return [] }
        return [.alreadyThere(Reason(.samePatchID, "\(twin.short()) on \(target.name) makes the same change (same patch-id)", commit: twin))]
    }

    /// Not proof, a hint: a target commit by the same author with the same subject, whose
    /// patch differs (else the patch-id step would have settled it).
    private func sameSubject(_ candidate: CandidateWork) -> [Finding] {
        guard let twin = history.sameSubjectAndAuthor(as: candidate.commit).first else { return [] }
        return [.note(Reason(.possiblyApplied,
            "\(twin.short()) on \(target.name) has the same subject and author but a different patch: it may be this fix, backported with changes",
            commit: twin))]
    }

    private func culprits(_ candidate: CandidateWork) throws -> [Finding] {
        guard !candidate.culprits.isEmpty else { return [] }
        for culprit in candidate.culprits {
            if let found = try evidence(forCulprit: culprit) { return [.fixesReached(found)] }
        }
        let names = candidate.culprits.map { $0.change.commit.short() }.joined(separator: ", ")
        return [.fixesMissed(Reason(.fixesNotInTarget,
            "the commit it fixes (\(names)) is not in \(target.name)'s history, nor carried there as a backport",
            commit: candidate.culprits[0].change.commit))]
    }

    private func merge(_ candidate: CandidateWork) throws -> [Finding] {
        let repository = try picker.repository()
        let input = PickInput(
            base: try candidate.change.baseTree(repository), onto: currentTree, fix: candidate.commit.tree,
            labels: (target.name, "\(candidate.commit.id.short()) (\(candidate.commit.summary))"),
            baseLabel: "parent of \(candidate.commit.id.short()) (\(candidate.commit.summary))", conflictStyle: conflictStyle,
            attributes: currentTree, fixChanges: try candidate.change.changes(repository), unionPaths: unionPaths)
        let output = try picker.pick(input, writingTo: store)
        lastMerge = output
        lastInput = input
        var findings: [Finding] = [.merged(output)]
        for (fixPath, targetPath) in output.renamedPaths where signals.contains(.renamedPath) {
            findings.append(.note(Reason(.renamedPath, "\(fixPath) is \(targetPath) on \(target.name) (rename detection)")))
        }
        // A file the target does not have: where its content went, if anywhere (looked for
        // once per path on a target: the next fix to that file gets the same answer).
        for conflict in output.conflicts where conflict.kind == .deleteModify {
            guard let ancestor = conflict.ancestor else { continue }
            if contentElsewhere[conflict.path] == nil {
                contentElsewhere[conflict.path] = ContentSearch(repository: repository, index: picker.similarity)
                    .closest(to: ancestor.blob, among: try picker.targetSide(of: input))
                    .map { "\($0.path) (\($0.percent)%)" }.joined(separator: ", ")
            }
            guard let places = contentElsewhere[conflict.path], !places.isEmpty else { continue }
            findings.append(.note(Reason(.contentElsewhere,
                "\(conflict.path) is not on \(target.name) under a name git follows; most of its content is in \(places)")))
        }
        if output.tree == currentTree {
            findings.append(.alreadyThere(Reason(.emptyPick, "picking it changes nothing on \(target.name)")))
        } else if output.conflicts.isEmpty, let note = try stackedOn(candidate, input) {
            findings.append(.note(note))
        }
        return findings
    }

    /// The adaptation signals on the last merge (Sources/Backport/Adaptation): what fired,
    /// for ``OutcomePolicy`` to weigh. `restructured`, `diverged-lines`, `missing-file` and
    /// `prerequisite` look only at picks that conflict (on a clean one the code it edits is
    /// there); `prerequisite` only at those the other signals leave conflicted;
    /// `missing-symbol` only at clean ones, unless the report keeps details.
    private func adaptationSignals(_ candidate: CandidateWork) throws -> [Finding] {
        guard !signals.isEmpty, let output = lastMerge, let input = lastInput, output.tree != currentTree else { return [] }
        let repository = try picker.repository()
        let evidence = PickEvidence(repository: repository, cache: adaptation, candidate: candidate, input: input, output: output,
                                    targetName: target.name, fixChanges: try candidate.change.changes(repository))
        let conflicted = output.tree == nil
        var reasons: [Reason] = []
        lastMeasures = [:]
        if conflicted, recordsMeasures {
            let measure = try Restructured().measure(evidence)
            var sides = (target: 0, fix: 0)
            for conflict in output.conflicts { if let text = conflict.mergedText {
                let s = Restructured.conflictSides(text)
                sides.target += s.target
                sides.fix += s.fix
            } }
            let changed = evidence.modifiedFiles.flatMap(\.hunks).map { $0.added.count + $0.removed.filter { $0 }.count }.reduce(0, +)
            let diverged = try DivergedLines().measure(evidence)
            lastMeasures = ["linesFound": Double(measure.found), "linesLookedFor": Double(measure.total),
                            "conflictedLinesFound": Double(measure.conflictedFound),
                            "conflictedLinesLookedFor": Double(measure.conflictedTotal),
                            "hunks": Double(measure.hunks), "lostHunks": Double(measure.lostHunks),
                            "conflictTargetLines": Double(sides.target), "conflictFixLines": Double(sides.fix),
                            "fixChangedLines": Double(changed), "fixFiles": Double(evidence.fixChanges.count),
                            "conflictedFiles": Double(output.conflicts.count),
                            "missingFiles": Double(output.conflicts.filter { $0.kind == .deleteModify }.count),
                            "addedLines": Double(diverged.added), "divergedLines": Double(diverged.rewritten.count)]
        }
        if conflicted, signals.contains(.missingFile) {
            reasons += MissingFile().examine(evidence) { contentElsewhere[$0] }
        }
        if conflicted, signals.contains(.restructured) {
            reasons += try Trace.accumulate("signal restructured") { try Restructured().examine(evidence) }
        }
        if conflicted, signals.contains(.divergedLines) {
            reasons += try Trace.accumulate("signal diverged-lines") { try DivergedLines().examine(evidence) }
        }
        // On a clean merge it is the only evidence there is; on a conflicted one it does not
        // decide, and is looked for only where a person reads the details (preview): on a
        // long-diverged branch it had tripled the time of a plan.
        if signals.contains(.missingSymbol), !conflicted || keepDetails {
            reasons += try Trace.accumulate("signal missing-symbol") {
                try MissingSymbol().examine(evidence, indexes: symbolIndexes)
            }
        }
        // The dearest signal, and only informative: for the picks the others leave
        // conflicted, where it explains the conflict (Docs/adaptation.md, Cost).
        let decided = OutcomePolicy.outcome(of: [.merged(output)] + reasons.map { .signal($0) }) == .needsAdaptation
        if conflicted, !decided, signals.contains(.prerequisite) {
            reasons += try Trace.accumulate("signal prerequisite") {
                guard let forkTime = try forkTime(of: candidate, repository) else { return [] }
                return try Prerequisite(history: fileHistories).examine(evidence, forkTime: forkTime) { commit in
                    if history.carrier(of: commit) != nil { return true }
                    return try history.equivalent(to: CommitChange(repository.commit(commit)), in: repository) != nil
                }
            }
        }
        if signals.contains(.dependsOnUnapplied) {
            reasons += try DependsOnUnapplied().examine(evidence, earlier: unapplied)
        }
        return reasons.map { .signal($0) }
    }

    /// When the source and the target forked (the commit time of the merge base of the
    /// candidate's parent and the target's tip), found once per run: the candidates of a
    /// run come from one source. Nil when they share no history.
    private func forkTime(of candidate: CandidateWork, _ repository: Repository) throws -> Int64? {
        if let knownForkTime { return knownForkTime }
        guard let parent = candidate.change.parent, let fork = try repository.mergeBase(parent, target.branch.tip) else { return nil }
        knownForkTime = try repository.commit(fork).time
        return knownForkTime
    }

    /// The project's own check (`--verify`) on a clean pick's result, in this run's
    /// scratch worktree: a failure (or running out of time) means the pick must be
    /// reworked for the target.
    private func verify(_ candidate: CandidateWork) throws -> [Finding] {
        guard let verification, let tree = lastMerge?.tree else { return [] }
        if worktree == nil { worktree = try verification.worktrees.make(named: target.name, at: target.branch.tip) }
        try worktree!.materialize(tree, from: picker.repository())
        guard let failure = try verification.verifier.verify(in: worktree!.path, name: "\(target.name)-\(candidate.commit.id.short())") else {
            return []
        }
        let what = failure.status.map { "exited with status \($0)" }
            ?? "did not finish within \(Int(verification.verifier.timeout)) seconds"
        return [.needsRework(Reason(.verifyFailed, "it merges, but the verify command \(what) on the result (log: \(failure.log))",
                                    output: failure.tail, log: failure.log))]
    }

    /// For a pick clean on top of earlier picks that changed some of the same files: when
    /// on the bare target it would not be clean, which of those picks it needs (a
    /// maintainer picking it alone would meet the conflict).
    private func stackedOn(_ candidate: CandidateWork, _ input: PickInput) throws -> Reason? {
        // Not for `--all`: replaying a whole history, each pick building on the ones before
        // is the point, and a second merge per pick would double the work.
        guard stacked, stackedPicks > 0, candidate.selection != .all else { return nil }
        // Each once, in the order of the paths (not a dictionary's: reports are the same run to run).
        var seen = Set<OID>()
        let earlier = try candidate.change.changes(picker.repository()).paths.sorted().compactMap { stackedByPath[$0] }
            .filter { seen.insert($0.commit.id).inserted }
        guard !earlier.isEmpty else { return nil }
        var bare = input
        bare.onto = tipTree
        bare.attributes = tipTree
        let alone = try picker.pick(bare, writingTo: .memory)
        guard !alone.conflicts.isEmpty else { return nil }
        let names = earlier.map { "\($0.commit.id.short()) (\($0.commit.summary))" }.joined(separator: ", ")
        return Reason(.stackedOn, "clean only on top of \(names): on the bare \(target.name) it conflicts", commit: earlier[0].commit.id)
    }

    /// How `culprit` (a commit named by `Fixes:`) reached this target, or nil if it did not:
    /// in its history, as a backport (marker or patch-id), or picked earlier in this plan.
    private func evidence(forCulprit culprit: Culprit) throws -> Reason? {
        let id = culprit.change.commit
        if carried.contains(id) {
            return Reason(.fixesInTarget, "the commit it fixes, \(id.short()), is picked earlier in this plan", commit: id)
        }
        if let known = culpritEvidence[id] { return known }
        var found: Reason?
        if culprit.containedIn.contains(target.branch.name) {
            found = Reason(.fixesInTarget, "the commit it fixes, \(id.short()), is in \(target.name)'s history", commit: id)
        } else if let carrier = history.carrier(of: id) {
            found = Reason(.fixesInTarget, "the commit it fixes, \(id.short()), was backported to \(target.name) as \(carrier.short())", commit: id)
        } else if let twin = try history.equivalent(to: culprit.change, in: picker.repository()) {
            found = Reason(.fixesInTarget, "the commit it fixes, \(id.short()), was backported to \(target.name) as \(twin.short()) (same patch-id)", commit: id)
        }
        culpritEvidence[id] = found
        return found
    }
}

/// What `--verify` needs in a target's run: the check and the scratch worktrees.
struct Verification: Sendable {
    let verifier: Verifier
    let worktrees: ScratchWorktrees
}
