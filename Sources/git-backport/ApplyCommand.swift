import ArgumentParser
import Backport
import Foundation
import Git

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Write the clean picks as commits on a backport branch per target, touching no working tree, index or HEAD.",
        discussion: """
            Selects and orders picks as plan does, then, per target, writes each clean pick \
            as a commit stacked on the target's tip (the original author and date; you as \
            committer; a marker naming the upstream commit) on the branch --branch names \
            (default backport/{target}; Cilium style pr/v{version}-backport-{date}). When \
            that branch exists and is built on the target's tip, the picks go on top of it, \
            so a second run writes nothing and a run after more fixes landed extends it; a \
            branch with other commits is replaced only with --force. A release branch moves \
            only with --update-target. Each branch moves by compare-and-swap. Picks that are \
            not clean are left out and listed (--on-conflict). Works in bare repositories.
            """
    )

    @Argument(help: ArgumentHelp("Commits or A..B ranges to apply, in this order. Default: the fixes found on the source, as plan finds them.", valueName: "commit"))
    var commits: [String] = []

    @OptionGroup var branches: BranchOptions

    @OptionGroup var selection: SelectionOptions

    @OptionGroup var verification: VerifyOptions

    @Option(name: .long, help: ArgumentHelp("git: '(cherry picked from commit <sha>)', branches backport/{target}; cilium: '[ upstream commit <sha> ]' after the title, Signed-off-by, branches pr/v{version}-backport-{date}. Default: backport.style, else git.", valueName: "style"))
    var style: String?

    @Option(name: .long, help: ArgumentHelp("The branch per target: a template with {target}, {version}, {date}; with {pr}, {short} or {commit}, one per unit (--per-unit). Default: backport.branch, else the style's.", valueName: "template"))
    var branch: String?

    @Flag(name: .customLong("per-unit"), help: "One branch per pull request (or commit) and target, each picked alone on the target: backport/{target}/{pr} (Cilium style pr/v{version}-backport-{pr}).")
    var perUnit = false

    @Option(name: .long, help: ArgumentHelp("Who commits, as 'Name <email>'. Default: your git identity (user.name, user.email).", valueName: "identity"))
    var committer: String?

    @Flag(name: .customLong("signoff"), inversion: .prefixedNo, help: "Add Signed-off-by: the committer to each commit (default: in Cilium style only).")
    var signOff: Bool?

    @Option(name: .customLong("on-conflict"), help: ArgumentHelp("A pick that is not clean: skip (leave it out, go on), stop (end the stack there), commit (commit it with its conflict markers and end there, for a draft pull request), resolve (end there and open a worktree on the branch with its conflicts; git backport continue there goes on).", valueName: "what"))
    var onConflict: String = "skip"

    @Flag(name: .long, help: "Replace a backport branch whose commits are not a prefix of the new ones.")
    var force = false

    @Flag(name: .customLong("update-target"), help: "Write the picks onto the release branch itself (a local one).")
    var updateTarget = false

    @Flag(name: .customLong("dry-run"), help: "Say what would be written; write no object and no branch.")
    var dryRun = false

    @Option(name: .long, help: "Output: text, json (Docs/usage.md), or markdown (a pull-request body per target).")
    var format: ReportFormat = .text

    @Flag(name: .long, help: "Exit 1 when something selected was left out (not clean, or a branch not written).")
    var exitCode = false

    func validate() throws {
        try selection.validate(commits: commits)
        if ConflictPolicy(rawValue: onConflict) == nil {
            throw ValidationError("--on-conflict '\(onConflict)': expected \(ConflictPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let style, BackportStyle(rawValue: style) == nil {
            throw ValidationError("--style '\(style)': expected \(BackportStyle.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        if let committer, Signature.parseIdentity(committer) == nil {
            throw ValidationError("--committer '\(committer)': expected 'Name <email>'")
        }
        if updateTarget, perUnit { throw ValidationError("--update-target writes onto the target itself: give --per-unit or --update-target, not both") }
        if updateTarget, branch != nil { throw ValidationError("--update-target writes onto the target itself: give --branch or --update-target, not both") }
    }

    func run() throws {
        var failed = false
        try runReportingFatal {
            let repository = try openRepository()
            let settings = try branches.settings(for: repository)
            var options = ApplyOptions()
            try selection.configure(&options.plan, commits: commits, settings: settings)
            verification.configure(&options.plan, settings: settings)
            options.style = style.flatMap(BackportStyle.init(rawValue:)) ?? settings.style
            options.branchTemplate = branch ?? settings.branchTemplate
            options.committer = committer.flatMap(Signature.parseIdentity)
            options.signOff = signOff
            options.onConflict = ConflictPolicy(rawValue: onConflict)!
            options.perUnit = perUnit
            options.force = force
            options.updateTarget = updateTarget
            options.dryRun = dryRun
            let progress = ProgressLine(title: "Trying picks")
            if let progress { options.plan.progress = { done, total in progress.update(done, of: total) } }
            let report = try Applier(repository: repository, settings: settings).apply(options)
            progress?.finish()
            let forge = try Self.forge(of: repository, remote: settings.remote)
            let markdown = ApplyMarkdownRenderer(forge: forge)
            switch format {
            case .text: write(ApplyTextRenderer().render(report))
            case .json: write(try JSONRenderer().render(report))
            case .markdown: write(markdown.render(report))
            }
            try GitHubActions.record(report, body: markdown.render(report))
            failed = exitCode && report.leftSomethingOut
        }
        if failed { throw ExitCode(1) }
    }

    /// The forge the remote is on (for links in the body): `backport.remote`, else `origin`.
    static func forge(of repository: Repository, remote: String?) throws -> Forge? {
        try repository.config().string("remote.\(remote ?? "origin").url").flatMap(Forge.init(remoteURL:))
    }
}

/// What a GitHub Actions step reads: outputs (`GITHUB_OUTPUT`) and the job summary
/// (`GITHUB_STEP_SUMMARY`), written when those variables are set.
enum GitHubActions {
    static func record(_ report: ApplyReport, body: String) throws {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["GITHUB_OUTPUT"], !path.isEmpty {
            let written = report.targets.filter { $0.status == .created || $0.status == .updated }
            let conflicted = report.targets.flatMap { target in
                target.picks.filter { !$0.applied && $0.outcome.needsAttention }.map { "\(target.target):\($0.commit.hex)" }
            }
            let lines = [
                "branches=" + report.targets.filter { $0.status != .nothing && $0.status != .refused && $0.status != .failed }.map(\.branch).joined(separator: " "),
                "created=" + written.map(\.branch).joined(separator: " "),
                "conflicted=" + conflicted.joined(separator: " "),
                "was_successful=" + (report.leftSomethingOut ? "false" : "true"),
            ]
            try append(lines.joined(separator: "\n") + "\n", to: path)
        }
        if let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
            try append(body + "\n", to: path)
        }
    }

    private static func append(_ text: String, to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw BackportError.invalidInput("cannot write to \(path) (GITHUB_OUTPUT or GITHUB_STEP_SUMMARY)")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
