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

    @OptionGroup var branches: BranchOptions

    @OptionGroup var selection: SelectionOptions

    @Flag(name: .long, help: "Try each candidate on the bare target tip instead of on top of the earlier clean picks.")
    var independent = false

    @Option(name: .long, help: "Output: text (a table), json (Docs/report-schema.md) or markdown (a pull-request comment).")
    var format: ReportFormat = .text

    @Flag(name: .long, help: "Exit 1 when any pick is conflicted, needs adaptation or could not be tried.")
    var exitCode = false

    @Flag(name: .customLong("no-color"), help: "No colour, even on a terminal.")
    var noColor = false

    @Option(name: .long, help: ArgumentHelp("Show only rows with these outcomes (comma-separated: clean, conflicted, needs-adaptation, already-applied, not-affected, skipped, error). Text and markdown.", valueName: "outcomes"))
    var only: String?

    @Option(name: .long, help: ArgumentHelp("Hide rows whose outcomes are all among these (comma-separated). Text and markdown.", valueName: "outcomes"))
    var hide: String?

    @Flag(name: [.customShort("v"), .long], help: "List every conflicted path in the details, not the first 10.")
    var verbose = false

    @Flag(name: .customLong("no-pager"), help: "Do not page the text report on a terminal.")
    var noPager = false

    @OptionGroup var verification: VerifyOptions

    @Flag(name: .customLong("no-fast-path"), help: ArgumentHelp("Always merge whole trees (for comparing with the fast path).", visibility: .hidden))
    var noFastPath = false

    func validate() throws {
        try selection.validate(commits: commits)
        _ = try outcomes(only)
        _ = try outcomes(hide)
        try verification.validate()
    }


    /// The outcomes of a comma-separated list (nil for no list).
    private func outcomes(_ list: String?) throws -> Set<Outcome>? {
        guard let list else { return nil }
        return Set(try list.split(separator: ",").map { word in
            let name = word.trimmingCharacters(in: .whitespaces)
            guard let outcome = Outcome(rawValue: name) else {
                throw ValidationError("'\(name)' is not an outcome (\(Outcome.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return outcome
        })
    }

    func run() throws {
        var failed = false
        try runReportingFatal {
            let repository = try openRepository()
            let settings = try branches.settings(for: repository)
            var options = PlanOptions()
            try selection.configure(&options, commits: commits, settings: settings)
            options.independent = independent
            options.fastPath = !noFastPath
            verification.configure(&options, settings: settings)
            let progress = ProgressLine(title: "Trying picks")
            if let progress {
                options.progress = { done, total in progress.update(done, of: total) }
            }
            let plan = try Planner(repository: repository, settings: settings).plan(options)
            progress?.finish()
            let filter = OutcomeFilter(only: try outcomes(only), hidden: try outcomes(hide) ?? [])
            switch format {
            case .text:
                let renderer = TextRenderer(colour: useColour(disabled: noColor), width: terminalWidth(), verbose: verbose, filter: filter)
                Pager.start(repository: repository, disabled: noPager)
                write(renderer.render(plan))
            case .json: write(try JSONRenderer().render(plan))
            case .markdown: write(MarkdownRenderer(filter: filter).render(plan))
            }
            failed = exitCode && plan.needsAttention
        }
        if failed { throw ExitCode(1) }
    }
}
