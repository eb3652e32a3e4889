import ArgumentParser
import Backport
import Foundation

struct GcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove the scratch worktrees that runs no longer alive left behind (a run killed with SIGKILL), and nothing else."
    )

    func run() throws {
        try runReportingFatal {
            let repository = try openRepository()
            for path in try ScratchCleanup.collectGarbage(in: repository) { write("removed \(path)\n") }
        }
    }
}
