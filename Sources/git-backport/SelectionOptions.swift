import ArgumentParser
import Backport
import Foundation

/// What to pick and onto what: the options `plan` and `apply` share.
struct SelectionOptions: ParsableArguments {
    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("A target branch, or the version of one; repeat or separate with commas. Default: every release branch found.", valueName: "target"))
    var onto: [String] = []

    @Option(name: .long, help: ArgumentHelp("Only consider commits after this revision, or committed since this date (2026-01-01, '3 months ago').", valueName: "rev|date"))
    var since: String?

    @Flag(name: .long, help: "Every commit the targets lack, not only those with fix trailers.")
    var all = false

    @Option(name: .long, help: ArgumentHelp("What is carried together: commits, or prs (a merged pull request's commits, clean only if all are; a squashed one alone). Default: backport.units, else commits.", valueName: "commits|prs"))
    var units: String?

    @Option(name: .customLong("labels-from"), help: ArgumentHelp("Take the candidates from merged pull requests' labels (backport.label patterns): a GitHub pull_request event (default inside GitHub Actions for pull_request events), or a JSON list of {number, mergeCommit, labels}.", valueName: "file"))
    var labelsFrom: String?

    @Option(name: [.customShort("m"), .long], help: ArgumentHelp("Pick merge commits against this parent (1-based), as git cherry-pick -m does. Default: skip merges (or carry them as pull requests with --units prs).", valueName: "parent"))
    var mainline: Int?

    @Option(name: [.customShort("j"), .long], help: ArgumentHelp("Targets evaluated at once (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    func validate(commits: [String]) throws {
        if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs is how many targets at once: 1 to 1024") }
        if let units, UnitMode(rawValue: units) == nil { throw ValidationError("--units '\(units)': expected commits or prs") }
        if let mainline, mainline < 1 { throw ValidationError("--mainline is a parent number, 1 or more") }
        if all, !commits.isEmpty { throw ValidationError("--all finds candidates itself: give commits or --all, not both") }
        if since != nil, !commits.isEmpty { throw ValidationError("--since limits the search for candidates: give commits or --since, not both") }
        if labelsFrom != nil, !commits.isEmpty || all { throw ValidationError("--labels-from names the candidates: give commits, --all or --labels-from, one of them") }
    }

    /// These options (and the commits named) set on `options`, over the settings.
    func configure(_ options: inout PlanOptions, commits: [String], settings: Settings) throws {
        options.commits = commits
        options.onto = targetNames(onto)
        options.since = since
        options.all = all
        options.mainline = mainline
        if let jobs { options.jobs = jobs }
        options.units = units.flatMap(UnitMode.init(rawValue:)) ?? settings.units
        options.unionPaths = settings.unionPaths
        options.notice = note
        if let file = labelsFile(commits: commits) {
            var notes: [String] = []
            options.labelled = try LabelledPullRequest.read(file, notes: &notes)
            notes.forEach(note)
        }
    }

    /// `--labels-from`, else inside GitHub Actions the event of a `pull_request` workflow
    /// when nothing else names the candidates.
    private func labelsFile(commits: [String]) -> String? {
        if let labelsFrom { return labelsFrom }
        let environment = ProcessInfo.processInfo.environment
        guard commits.isEmpty, !all, environment["GITHUB_ACTIONS"] == "true",
              ["pull_request", "pull_request_target"].contains(environment["GITHUB_EVENT_NAME"] ?? ""),
              let path = environment["GITHUB_EVENT_PATH"], !path.isEmpty else { return nil }
        return path
    }
}
