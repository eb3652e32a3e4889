import ArgumentParser
import Backport
import Foundation

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show what picking commits onto release branches would do: each conflict as git leaves it in the file, or the diff a clean pick applies.",
        discussion: """
            Any commits (a pull request's, not yet on the source, too), in the order given, \
            each on top of the earlier clean ones (--independent: each alone). Nothing in the \
            repository changes: picks are computed in memory.
            """
    )

    @Argument(help: ArgumentHelp("Commits or A..B ranges to pick, in this order.", valueName: "commit"))
    var commits: [String]

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("A target branch, or the version of one; repeat or separate with commas. Default: every release branch found.", valueName: "target"))
    var onto: [String] = []

    @OptionGroup var branches: BranchOptions

    @Flag(name: .long, help: "Conflicts with the base's lines too (git's merge.conflictStyle = diff3).")
    var diff3 = false

    @Flag(name: .long, help: "As --diff3, with lines both sides share moved out of the conflict (zdiff3).")
    var zdiff3 = false

    @Flag(name: .long, help: "For a clean pick, only the stat of its diff.")
    var stat = false

    @Option(name: [.customShort("U"), .long], help: ArgumentHelp("Lines shown around each conflict region.", valueName: "n"))
    var context = 3

    @Flag(name: .long, help: "Pick each commit alone on the target instead of on top of the earlier clean ones.")
    var independent = false

    @Option(name: .long, help: "Output: text, or json (the same regions as data).")
    var format: ReportFormat = .text

    @Flag(name: .customLong("no-pager"), help: "Do not page the output on a terminal.")
    var noPager = false

    func validate() throws {
        if commits.isEmpty { throw ValidationError("name the commits to preview") }
        if diff3 && zdiff3 { throw ValidationError("--diff3 and --zdiff3 are two styles: choose one") }
        if context < 0 { throw ValidationError("--context is a number of lines, 0 or more") }
        if format == .markdown { throw ValidationError("preview prints text or json") }
    }

    func run() throws {
        try runReportingFatal {
            let repository = try openRepository()
            var options = PlanOptions()
            options.commits = commits
            options.onto = targetNames(onto)
            options.independent = independent
            options.keepDetails = true
            options.notice = note
            if diff3 { options.conflictStyle = .diff3 }
            if zdiff3 { options.conflictStyle = .zdiff3 }
            var settings = try branches.settings(for: repository)
            // A person previewing a few picks wants a conflict explained: the prerequisite
            // commits too, unless the configuration chose the signals.
            if settings.signals == Settings.defaultSignals { settings.signals.insert(.prerequisite) }
            let plan = try Planner(repository: repository, settings: settings).plan(options)
            switch format {
            case .json:
                write(try JSONRenderer().render(Preview(plan)))
            default:
                Pager.start(repository: repository, disabled: noPager)
                write(PreviewRenderer(context: context, statOnly: stat).render(plan))
            }
        }
    }
}
