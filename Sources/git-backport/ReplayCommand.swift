import ArgumentParser
import Backport
import Foundation

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a release branch's past backports: how plan would have classified each, against what its maintainers did.",
        discussion: """
            For every commit B on the target's first-parent line whose marker names an \
            upstream commit U in this repository, U is picked onto B's parent in memory and \
            classified as plan would; B is graded as-is (its tree is the clean pick's), \
            resolved (at least 80% of the lines B and U add are the same, Jaccard) or \
            rewritten. Prints the confusion table and the precision, recall and balanced \
            accuracy of needs-adaptation for rewritten among the picks that conflict (see \
            Docs/adaptation.md). Nothing in the repository is written.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The release branch whose backports are replayed.", valueName: "target"))
    var onto: String

    @Option(name: .long, help: ArgumentHelp("At most this many backports, newest first.", valueName: "n"))
    var last: Int?

    @Option(name: .long, help: ArgumentHelp("Only backports after this revision, or committed since this date.", valueName: "rev|date"))
    var since: String?

    @Flag(name: .long, help: "Only the target's first-parent line (default: every commit it reaches, pull requests' commits too).")
    var firstParent = false

    @Option(name: .long, help: "Output: text or json.")
    var format: ReportFormat = .text

    @Flag(name: [.customShort("v"), .long], help: "List every backport of every cell of the table.")
    var verbose = false

    @OptionGroup var branches: BranchOptions

    func validate() throws {
        if let last, last < 1 { throw ValidationError("--last is a number of backports, 1 or more") }
        if format == .markdown { throw ValidationError("replay prints text or json") }
    }

    func run() throws {
        try runReportingFatal {
            let repository = try openRepository()
            var options = ReplayOptions(onto: onto)
            options.last = last
            options.since = since
            options.firstParent = firstParent
            let progress = ProgressLine(title: "Replaying backports")
            options.progress = { done in progress?.update(done, of: last ?? done) }
            let report = try Replayer(repository: repository, settings: try branches.settings(for: repository)).replay(options)
            progress?.finish()
            switch format {
            case .json: write(try JSONRenderer().render(report))
            default: write(ReplayRenderer(verbose: verbose).render(report))
            }
        }
    }
}
