import Git
import Foundation

/// Everything that shapes a plan and can be configured, after the three layers are
/// applied: the committed `.backportconfig`, then `git config backport.*`, then flags.
///
/// The keys are documented in Docs/configuration.md and follow semver.
public struct Settings: Sendable, Equatable {
    /// The branch fixes land on first; nil: `main`, else `master`, else the remote's HEAD.
    public var source: String?
    /// Use this remote's remote-tracking branches as targets (and source) instead of local ones.
    public var remote: String?
    /// Glob patterns (fnmatch, `*` crosses `/`) a branch name must match to be a target.
    public var targetPatterns: [String]
    /// Trailer keys that name targets, as `Backport-To:` does. Compared case-insensitively.
    public var backportKeys: [String]
    /// How a version maps to a branch name, `{version}` standing for the version
    /// (`release-{version}`, `v{version}`). A branch matching one is a target, and its
    /// version is read from the `{version}` part.
    public var branchTemplates: [String]
    /// The addresses that make a `Cc:` trailer a stable request.
    public var stableAddresses: [String]
    /// Branches never to target (glob patterns, as for `targetPatterns`), unless named
    /// with `--onto`.
    public var excludePatterns: [String] = []
    /// True while the target patterns are the defaults: branches named like a version
    /// (`7.2`, `v1.6`) are then targets too. Configured patterns are the whole list.
    public var versionNamedTargets = true
    /// The project's own backport markers (`backport.marker`), besides the built-in forms.
    public var markers: [Marker] = []
    /// Release branches found by pattern with no commit for this long before the source's
    /// latest are skipped as dead; nil keeps them all (`backport.maxAge = 0`).
    public var maxAge: Age? = Settings.defaultMaxAge
    /// The check `plan --verify` runs, from the user's own git configuration
    /// (`backport.verify`).
    public var verify: String?
    /// A `backport.verify` that the repository's committed `.backportconfig` sets: run only
    /// with `--trust-repo-config` (a pull request must never choose a command a bot runs).
    public var committedVerify: String?
    /// Paths (glob patterns) merged with git's union strategy (`backport.union`): a
    /// changelog's entries from both sides are kept, never a conflict.
    public var unionPaths: [String] = []
    /// How `apply` writes commits, names branches and words the body (`backport.style`).
    public var style: BackportStyle = .git
    /// The branch name template of `apply` (`backport.branch`); nil: the style's.
    public var branchTemplate: String?
    /// What is carried together by default (`backport.units`): commits or pull requests.
    public var units: UnitMode = .commits
    /// How pull-request labels name targets (`backport.label`; `--labels-from`).
    public var labelPatterns: [LabelPattern] = LabelPattern.defaults.compactMap(LabelPattern.init)
    /// The adaptation signals `plan` looks for (`backport.signals`); by default all but
    /// `prerequisite`, whose history walks cost more than the rest of a plan (Docs/adaptation.md).
    public var signals: Set<Signal> = Settings.defaultSignals
    /// Problems with the configuration that do not stop a run (an unknown key), one line each.
    public var warnings: [String] = []

    public static let defaultTargetPatterns = ["release/*", "release-*", "stable/*", "maint/*", "*-stable"]
    public static let defaultBackportKeys = ["Backport-To", "Backport"]
    public static let defaultStableAddresses = ["stable@vger.kernel.org", "stable@kernel.org"]
    public static let defaultMaxAge: Age? = Age(count: 18, unit: .month)
    public static let defaultSignals: Set<Signal> = Set(Signal.allCases).subtracting([.prerequisite])

    public init(source: String? = nil, remote: String? = nil,
                targetPatterns: [String] = Settings.defaultTargetPatterns,
                backportKeys: [String] = Settings.defaultBackportKeys,
                branchTemplates: [String] = [],
                stableAddresses: [String] = Settings.defaultStableAddresses) {
        self.source = source
        self.remote = remote
        self.targetPatterns = targetPatterns
        self.backportKeys = backportKeys
        self.branchTemplates = branchTemplates
        self.stableAddresses = stableAddresses
    }

    /// Reads the committed `.backportconfig` and the repository's git configuration.
    /// `backport.target` set means exactly those patterns (no version-named branches);
    /// `backport.exclude`, `backport.marker` and `backport.maxAge` add their own.
    ///
    /// `.backportconfig` is taken from the working tree when there is one, else from the
    /// tree of HEAD (bare clones of bots). `git config backport.*` overrides it key by key.
    /// Multi-valued keys (`backport.target`, `backport.trailer`, `backport.branchTemplate`,
    /// `backport.stableAddress`) replace the defaults when set; `backport.trailer` adds to
    /// `Backport-To`/`Backport`.
    public static func load(from repository: Repository) throws -> Settings {
        let user = try repository.config()
        var notRead: String?
        let committed = try committedConfig(in: repository, notRead: &notRead)
        func string(_ key: String) throws -> String? {
            if let v = try user.string(key), !v.isEmpty { return v }
            return committed?.string(key).flatMap { $0.isEmpty ? nil : $0 }
        }
        func strings(_ key: String) throws -> [String]? {
            let mine = try user.strings(key).filter { !$0.isEmpty }
            if !mine.isEmpty { return mine }
            let theirs = committed?.strings(key).filter { !$0.isEmpty } ?? []
            return theirs.isEmpty ? nil : theirs
        }
        var settings = Settings()
        if let notRead { settings.warnings.append(notRead) }
        for entry in committed?.entries ?? [] where entry.key.hasPrefix("backport.") && !knownKeys.contains(entry.key) {
            settings.warnings.append("\(committedConfigName) line \(entry.line): unknown key \(entry.key), ignored")
        }
        settings.source = try string("backport.source")
        settings.remote = try string("backport.remote")
        if let patterns = try strings("backport.target") {
            settings.targetPatterns = patterns
            settings.versionNamedTargets = false
        }
        settings.excludePatterns = try strings("backport.exclude") ?? []
        settings.markers = try (strings("backport.marker") ?? []).map { pattern in
            guard let marker = Marker(pattern: pattern) else {
                throw BackportError.invalidInput("backport.marker '\(pattern)': a marker pattern needs text, then {sha} where the commit id goes")
            }
            return marker
        }
        settings.verify = try user.string("backport.verify").flatMap { $0.isEmpty ? nil : $0 }
        settings.committedVerify = committed?.string("backport.verify").flatMap { $0.isEmpty ? nil : $0 }
        if let age = try string("backport.maxAge") {
            guard let parsed = Age(parsing: age) else {
                throw BackportError.invalidInput("backport.maxAge '\(age)': expected a number of days, weeks, months or years ('18 months'), or 0")
            }
            settings.maxAge = parsed.count == 0 ? nil : parsed
        }
        settings.unionPaths = try strings("backport.union") ?? []
        if let style = try string("backport.style") {
            guard let parsed = BackportStyle(rawValue: style.lowercased()) else {
                throw BackportError.invalidInput("backport.style '\(style)': expected \(BackportStyle.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            settings.style = parsed
        }
        settings.branchTemplate = try string("backport.branch")
        if let patterns = try strings("backport.label") {
            settings.labelPatterns = try patterns.map { text in
                guard let pattern = LabelPattern(text) else {
                    throw BackportError.invalidInput("backport.label '\(text)': a label pattern has one {branch} or one {version}")
                }
                return pattern
            }
        }
        if let units = try string("backport.units") {
            guard let parsed = UnitMode(rawValue: units.lowercased()) else {
                throw BackportError.invalidInput("backport.units '\(units)': expected commits or prs")
            }
            settings.units = parsed
        }
        if let list = try strings("backport.signals") {
            guard let parsed = Signal.parseList(list.joined(separator: ",")) else {
                throw BackportError.invalidInput("backport.signals '\(list.joined(separator: ","))': expected all, none, or some of \(Signal.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.signals = parsed
        }
        if let keys = try strings("backport.trailer") { settings.backportKeys = defaultBackportKeys + keys }
        settings.branchTemplates = try strings("backport.branchTemplate") ?? []
        if let addresses = try strings("backport.stableAddress") { settings.stableAddresses = addresses }
        return settings
    }

    static let committedConfigName = ".backportconfig"

    /// The `backport.*` keys there are (Docs/configuration.md).
    static let knownKeys: Set<String> = ["backport.source", "backport.remote", "backport.target", "backport.exclude",
                                         "backport.maxage", "backport.marker", "backport.verify", "backport.trailer",
                                         "backport.branchtemplate", "backport.stableaddress",
                                         "backport.union", "backport.style", "backport.branch", "backport.units",
                                         "backport.label", "backport.signals"]

    /// The repository's own configuration, which the tool does not trust: `.backportconfig`
    /// in the working tree when it is a regular file there (not a link, not a pipe), else
    /// the file in the tree of HEAD (bare clones of bots); read into memory, at most 1 MiB,
    /// parsed without following includes (``ConfigFile``).
    private static func committedConfig(in repository: Repository, notRead: inout String?) throws -> ConfigFile? {
        let bytes: [UInt8]
        if let workdir = repository.workDirectory {
            guard let read = readRegularFile(workdir + committedConfigName, notRead: &notRead) else { return nil }
            bytes = read
        } else {
            guard let head = try? repository.resolveCommit("HEAD"),
                  let entry = try repository.file(at: committedConfigName, inTree: repository.treeID(ofCommit: head)),
                  entry.isRegularFile else { return nil }
            bytes = try repository.blobBytes(entry.blob)
        }
        guard bytes.count <= 1 << 20 else {
            throw BackportError.invalidInput("\(committedConfigName) is larger than 1 MiB: not read")
        }
        do {
            return try ConfigFile.parse(bytes, name: committedConfigName)
        } catch let error as ConfigFile.SyntaxError {
            throw BackportError.invalidInput(error.description)
        }
    }

    /// The bytes of `path` when it is a regular file; nil when there is none, or when it is
    /// a symlink or a special file, which is not opened (a pipe would block, a link could
    /// lead out of the repository): `notRead` says so.
    private static func readRegularFile(_ path: String, notRead: inout String?) -> [UInt8]? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        guard info.st_mode & S_IFMT == S_IFREG else {
            notRead = "\(committedConfigName) is not a regular file (a link or a special file): not read"
            return nil
        }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count <= 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }
}

/// A length of time in calendar units, as people write it: `18 months`, `2 years`, `90 days`.
public struct Age: Sendable, Equatable {
    public enum Unit: String, Sendable, CaseIterable { case second, minute, hour, day, week, month, year }
    public let count: Int
    public let unit: Unit

    public init(count: Int, unit: Unit) {
        self.count = count
        self.unit = unit
    }

    /// `18 months`, `18.months`, `1 year`, `90 days`, `12 hours`; `0` alone is an age of
    /// nothing (no limit, where a limit is asked for).
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "0" { self.init(count: 0, unit: .day); return }
        let number = trimmed.prefix { $0.isASCIIDigit }
        var word = trimmed.dropFirst(number.count).drop { $0 == " " || $0 == "." }
        if word.hasSuffix("s") { word = word.dropLast() }
        guard let count = Int(number), count <= 10_000, let unit = Unit(rawValue: String(word)) else { return nil }
        self.init(count: count, unit: unit)
    }

    /// The moment this long before `time` (seconds since the epoch), by the calendar (UTC).
    public func before(_ time: Int64) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let component: Calendar.Component = switch unit {
        case .second: .second
        case .minute: .minute
        case .hour: .hour
        case .day: .day
        case .week: .weekOfYear
        case .month: .month
        case .year: .year
        }
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        return Int64(calendar.date(byAdding: component, value: -count, to: date)!.timeIntervalSince1970)
    }

    public var description: String { "\(count) \(unit.rawValue)\(count == 1 ? "" : "s")" }
}
