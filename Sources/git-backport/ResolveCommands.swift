import ArgumentParser
import Backport
import Foundation
import Git

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve a conflicted pick by hand: a kept worktree on a new branch at the target, with the stack's earlier clean picks applied and the pick's conflicts written out.",
        discussion: """
            Makes the branch backport/<target>/<commit> and a worktree for it next to the \
            repository (--path to choose), applies the earlier clean picks of the target's \
            plan with `git cherry-pick -x`, then the pick, whose conflicts stay for you. \
            Resolve them, `git add` the files, and run `git backport continue` there; \
            `git backport abort` there removes the worktree and the branch.
            """
    )

    @Argument(help: ArgumentHelp("The commit to resolve.", valueName: "commit"))
    var commit: String

    @Option(name: .long, help: ArgumentHelp("The target branch (or its version).", valueName: "target"))
    var onto: String

    @Option(name: .long, help: ArgumentHelp("Where the worktree goes (default: next to the repository).", valueName: "path"))
    var path: String?

    @OptionGroup var branches: BranchOptions

    func run() throws {
        try runReportingFatal {
            let repository = try openRepository()
            let planner = Planner(repository: repository, settings: try branches.settings(for: repository))
            var options = PlanOptions()
            options.onto = [onto]
            options.notice = note
            let id = try repository.resolveCommit(commit)
            // The target's stack as `plan` sees it; the commit alone when it is not a candidate.
            var plan = try planner.plan(options)
            if plan.result(for: id, on: plan.targets[0].branch) == nil {
                options.commits = [commit]
                plan = try planner.plan(options)
            }
            let target = plan.targets[0]
            let place = path ?? Resolution.defaultPath(for: repository, target: target.branch, commit: id)
            let (resolution, progress) = try Resolution.start(id, onto: target, plan: plan, in: repository, at: place)
            report(resolution, progress)
        }
    }
}

struct ContinueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "continue",
        abstract: "Record the resolved pick (original author, marker) and go on with the stack's next picks, from inside a resolve worktree."
    )

    func run() throws {
        try runReportingFatal {
            let repository = try openRepository()
            var resolution = try resolutionHere(in: repository)
            report(resolution, try resolution.proceed(in: repository))
        }
    }
}

struct AbortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Remove a resolve worktree and its branch, from inside it."
    )

    func run() throws {
        try runReportingFatal {
            let repository = try openRepository()
            let resolution = try resolutionHere(in: repository)
            try resolution.abort(in: repository)
            write("removed \(resolution.worktree) and the branch \(resolution.branch)\n")
        }
    }
}

/// The resolution whose worktree the command runs in.
func resolutionHere(in repository: Repository) throws -> Resolution {
    guard let resolution = try Resolution.containing(FileManager.default.currentDirectoryPath, in: repository) else {
        throw BackportError.invalidInput("not inside a git backport resolve worktree (see git worktree list)")
    }
    return resolution
}

/// Where a resolution stands and what to do next.
func report(_ resolution: Resolution, _ progress: Resolution.Progress) {
    switch progress {
    case .conflicted(let pick, let files):
        write("""
            worktree \(resolution.worktree) (branch \(resolution.branch), onto \(resolution.target))
            \(pick.short()) conflicts in: \(files.map { PathCoding.displayed($0) }.joined(separator: ", "))
            resolve the conflicts there, `git add` the files, then `git backport continue` (or `git backport abort`)
            \(resolution.pending.isEmpty ? "" : "\(resolution.pending.count) more pick\(resolution.pending.count == 1 ? "" : "s") follow\(resolution.pending.count == 1 ? "s" : "")\n")
            """)
    case .done:
        write("done: \(resolution.branch) carries the picks, in \(resolution.worktree); push it, or remove it with git worktree remove\n")
    }
}
