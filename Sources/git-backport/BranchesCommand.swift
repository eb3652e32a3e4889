import ArgumentParser
import Backport
import Foundation

struct BranchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "branches",
        abstract: "List the source and the release branches found, oldest release first, with their versions."
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
            let targets = try finder.discoveredTargets(excluding: source)
            if format == .json {
                let list = BranchList(source: SourceReport(source), targets: targets.map(TargetReport.init))
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                write(String(decoding: try encoder.encode(list), as: UTF8.self) + "\n")
                return
            }
            write("source  \(source.name)  \(source.branch.tip.short())\n")
            if targets.isEmpty { write("no release branches found (set backport.target patterns, or use plan --onto)\n") }
            let width = targets.map(\.name.count).max() ?? 0
            for target in targets {
                let name = target.name.padding(toLength: width, withPad: " ", startingAt: 0)
                write("target  \(name)  \(target.branch.tip.short())  \(target.version.map { "version \($0)" } ?? "no version")\n")
            }
        }
    }
}

struct BranchList: Encodable {
    var source: SourceReport
    var targets: [TargetReport]
}
