import ArgumentParser
import Backport
import Foundation

struct BranchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "branches",
        abstract: "List the source and the release branches found, oldest release first, with their versions, and those skipped with why."
    )

    @OptionGroup var branches: BranchOptions

    @Option(name: .long, help: "Output: text or json.")
    var format: ReportFormat = .text

    func validate() throws {
        if format == .markdown { throw ValidationError("branches prints text or json") }
    }

    func run() throws {
        try runReportingFatal {
            let repository = try openRepository()
            let finder = BranchFinder(repository: repository, settings: try branches.settings(for: repository))
            let source = try finder.source()
            let discovery = try finder.discover(excluding: source)
            let targets = discovery.targets
            if format == .json {
                let list = BranchList(source: SourceReport(source), targets: targets.map(TargetReport.init),
                                      skipped: discovery.skipped.map { SkippedBranch(target: TargetReport($0.target), why: $0.why) },
                                      remote: discovery.fallbackRemote)
                write(try JSONRenderer().render(list))
                return
            }
            write("source  \(source.name)  \(source.branch.tip.short())\n")
            if let remote = discovery.fallbackRemote { write("(no local release branches: \(remote)'s are used)\n") }
            if targets.isEmpty && discovery.skipped.isEmpty {
                write("no release branches found (set backport.target patterns, or use plan --onto)\n")
            }
            let width = discovery.all.map(\.name.count).max() ?? 0
            func line(_ role: String, _ target: Target, _ extra: String = "") -> String {
                let name = target.name.padding(toLength: width, withPad: " ", startingAt: 0)
                return "\(role)  \(name)  \(target.branch.tip.short())  \(target.version.map { "version \($0)" } ?? "no version")\(extra)\n"
            }
            for target in targets { write(line("target ", target)) }
            for (target, why) in discovery.skipped { write(line("skipped", target, "  (\(why))")) }
        }
    }
}

struct BranchList: Encodable {
    var source: SourceReport
    var targets: [TargetReport]
    /// Release branches left out, with why.
    var skipped: [SkippedBranch]
    /// The remote the targets come from when no local branch is a release branch.
    var remote: String?
}

struct SkippedBranch: Encodable {
    var target: TargetReport
    var why: String
}
