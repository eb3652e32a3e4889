import Backport
import Foundation
import Git
import TestSupport

/// Plans in a fixture with its own settings, the way the command does.
func plan(_ fixture: Fixture, path: String? = nil, settings: Settings? = nil, _ configure: (inout PlanOptions) -> Void = { _ in }) throws -> Plan {
    let repository = try Repository.discover(startingAt: path ?? fixture.path)
    var options = PlanOptions()
    configure(&options)
    return try Planner(repository: repository, settings: settings ?? Settings.load(from: repository)).plan(options)
}

extension Plan {
    /// The result of the candidate whose subject is `subject` on `target`.
    func outcome(_ subject: String, on target: String) -> Outcome? {
        result(subject, on: target)?.outcome
    }

    func result(_ subject: String, on target: String) -> PickResult? {
        guard let candidate = candidates.first(where: { $0.subject == subject }) else { return nil }
        return result(for: candidate.commit, on: target)
    }

    func candidate(_ subject: String) -> CandidateReport? {
        candidates.first { $0.subject == subject }
    }
}

/// A repository with `a.txt` and `b.txt` (20 lines each) on main, and `release/1.0` cut there.
func baseFixture(releases: [String] = ["release/1.0"]) throws -> Fixture {
    let fixture = try Fixture()
    try fixture.write("a.txt", Fixture.lines("a", 20))
    try fixture.write("b.txt", Fixture.lines("b", 20))
    try fixture.commit("initial")
    for release in releases { try fixture.git("branch", release) }
    return fixture
}

/// The directory of this package, for its scripts.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
