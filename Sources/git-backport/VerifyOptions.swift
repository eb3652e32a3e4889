import ArgumentParser
import Backport
import Foundation

/// The project's own check on each clean pick: the options `plan` and `apply` share.
struct VerifyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Run this command (by /bin/sh, in a scratch worktree holding the pick's result) on every otherwise clean pick; failing makes it needs-adaptation. Default: backport.verify from your git config.", valueName: "command"))
    var verify: String?

    @Option(name: .customLong("verify-timeout"), help: ArgumentHelp("How long one verification may run: seconds, or with s, m or h (default 10m).", valueName: "time"))
    var verifyTimeout: String = "10m"

    @Flag(name: .customLong("trust-repo-config"), help: "Also run a backport.verify that the repository's committed .backportconfig sets (never for a pull request you did not write).")
    var trustRepoConfig = false

    func validate() throws {
        if Self.seconds(verifyTimeout) == nil { throw ValidationError("--verify-timeout '\(verifyTimeout)': expected seconds, or a number with s, m or h") }
    }

    /// `90`, `90s`, `10m`, `1h` in seconds.
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        let unit = text.last.flatMap { units[$0] }
        guard let number = Double(unit == nil ? text : String(text.dropLast())), number > 0 else { return nil }
        return number * (unit ?? 1)
    }

    /// The command to run (the flag, else the user's `backport.verify`, else the committed
    /// one when trusted) and its time limit, on `options`.
    func configure(_ options: inout PlanOptions, settings: Settings) {
        options.verify = verify ?? settings.verify ?? (trustRepoConfig ? settings.committedVerify : nil)
        options.verifyTimeout = Self.seconds(verifyTimeout) ?? 600
        if options.verify == nil, settings.committedVerify != nil {
            note("the committed .backportconfig sets backport.verify; it runs only with --trust-repo-config")
        }
    }
}
