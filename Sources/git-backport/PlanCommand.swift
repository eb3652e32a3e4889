import ArgumentParser
import Backport
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Try every fix on every release branch it is meant for, in memory, and classify each pick.",
        discussion: """
            Without commits, the candidates are the commits of the source that a target lacks \
            and whose trailers ask for a backport (Fixes:, Backport-To:, Backport:, \
            Cc: stable@... # <version>, and configured keys). Each is tried, oldest first, on \
            the targets it is meant for; a clean pick is stacked under the next one unless \
            --independent. Outcomes: clean, conflicted, needs-adaptation, already-applied, \
            not-affected, skipped, and error for a pick that could not be tried (an object \
            it needs is missing). Renames are followed as git's merge finds them; the user's \
            merge.renameLimit and merge.directoryRenames apply. Nothing in the repository is \
            written. GIT_BACKPORT_TRACE=1 prints phase timings on standard error.
            """
    )

    @Argument(help: ArgumentHelp("Commits or A..B ranges to try (from any branch), in this order. Default: the fixes found on the source.", valueName: "commit"))
    var commits: [String] = []

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("A target branch, or the version of one; repeat or separate with commas. Default: every release branch found.", valueName: "target"))
    var onto: [String] = []

    @OptionGroup var branches: BranchOptions

    @Option(name: .long, help: ArgumentHelp("Only consider commits after this revision, or committed since this date (2026-01-01, '3 months ago').", valueName: "rev|date"))
    var since: String?

    @Flag(name: .long, help: "Every commit the targets lack, not only those with fix trailers.")
    var all = false

    @Flag(name: .long, help: "Try each candidate on the bare target tip instead of on top of the earlier clean picks.")
    var independent = false

    @Option(name: [.customShort("m"), .long], help: ArgumentHelp("Pick merge commits against this parent (1-based), as git cherry-pick -m does. Default: skip merges.", valueName: "parent"))
    var mainline: Int?

    @Option(name: .long, help: "Output: text (a table), json (Docs/report-schema.md) or markdown (a pull-request comment).")
    var format: ReportFormat = .text

    @Flag(name: .long, help: "Exit 1 when any pick is conflicted, needs adaptation or could not be tried.")
    var exitCode = false

    @Option(name: [.customShort("j"), .long], help: ArgumentHelp("Targets evaluated at once (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    @Flag(name: .customLong("no-color"), help: "No colour, even on a terminal.")
    var noColor = false

    @Flag(name: .customLong("no-fast-path"), help: ArgumentHelp("Always merge whole trees (for comparing with the fast path).", visibility: .hidden))
    var noFastPath = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let mainline, mainline < 1 { throw ValidationError("--mainline is a parent number, 1 or more") }
        if all, !commits.isEmpty { throw ValidationError("--all finds candidates itself: give commits or --all, not both") }
        if since != nil, !commits.isEmpty { throw ValidationError("--since limits the search for candidates: give commits or --since, not both") }
    }

    func run() throws {
        var failed = false
        try runReportingFatal {
            let repository = try openRepository()
            let settings = try branches.settings(for: repository)
            var options = PlanOptions()
            options.commits = commits
            options.onto = onto.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
            options.since = since
            options.all = all
            options.independent = independent
            options.mainline = mainline
            if let jobs { options.jobs = jobs }
            options.fastPath = !noFastPath
            options.notice = note
            let progress = ProgressLine(title: "Trying picks")
            if let progress {
                options.progress = { done, total in progress.update(done, of: total) }
            }
            let plan = try Planner(repository: repository, settings: settings).plan(options)
            progress?.finish()
            switch format {
            case .text: write(TextRenderer(colour: useColour(disabled: noColor)).render(plan))
            case .json: write(try JSONRenderer().render(plan))
            case .markdown: write(MarkdownRenderer().render(plan))
            }
            failed = exitCode && plan.needsAttention
        }
        if failed { throw ExitCode(1) }
    }
}
