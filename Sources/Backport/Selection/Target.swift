import Foundation
import Git
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A release branch a fix may be carried to, with the version read from its name.
public struct Target: Sendable, Hashable {
    public let branch: Branch
    public let version: Version?

    /// The name people type and reports show: `release/1.2`, `origin/release/1.2`.
    public var name: String { branch.shortName }

    /// The branch name without its remote (`release/1.2` for `origin/release/1.2`).
    public var localName: String {
        guard branch.isRemote, let slash = branch.shortName.firstIndex(of: "/") else { return branch.shortName }
        return String(branch.shortName[branch.shortName.index(after: slash)...])
    }

    /// The same release branch, its picks tried on `tip` instead (a backport branch made
    /// on it earlier: `apply` extends it).
    public func startingAt(_ tip: OID) -> Target {
        Target(branch: Branch(name: branch.name, shortName: branch.shortName, isRemote: branch.isRemote, tip: tip), version: version)
    }

    /// Oldest first by version; branches without a version after, by name.
    public static func releaseOrder(_ a: Target, _ b: Target) -> Bool {
        switch (a.version, b.version) {
        case let (x?, y?) where x != y: return x < y
        case (nil, _?): return false
        case (_?, nil): return true
        default: return a.name < b.name
        }
    }
}

/// The branch fixes come from.
public struct Source: Sendable, Hashable {
    public let branch: Branch
    public var name: String { branch.shortName }
}

/// Finds the source and the targets of a repository from the settings and the flags.
public struct BranchFinder {
    public let repository: Repository
    public let settings: Settings

    public init(repository: Repository, settings: Settings) {
        self.repository = repository
        self.settings = settings
    }

    /// The source branch: `name` (a local or remote-tracking branch), else the configured
    /// one, else (in a bare repository) what HEAD points at, else `main`, `master`, or the
    /// remote's HEAD. With a remote set, the remote's
    /// branches are preferred.
    public func source(named name: String? = nil) throws -> Source {
        if let name = name ?? settings.source {
            guard let branch = try branch(named: name) else {
                throw BackportError.unknownBranch(name, role: "source")
            }
            return Source(branch: branch)
        }
        // A bare mirror's HEAD names its default branch (`unstable`, `trunk`...).
        if settings.remote == nil, repository.isBare, let (resolvedName, tip) = try? repository.resolveReference("HEAD"),
           resolvedName.hasPrefix("refs/heads/") {
            return Source(branch: Self.branch(fullName: resolvedName, tip: tip))
        }
        let remote = settings.remote ?? Self.defaultRemote
        var names = ["refs/heads/main", "refs/heads/master"]
        let remoteNames = ["refs/remotes/\(remote)/main", "refs/remotes/\(remote)/master", "refs/remotes/\(remote)/HEAD"]
        names = settings.remote != nil ? remoteNames + names : names + remoteNames
        for full in names {
            if let (resolvedName, tip) = try repository.resolveReference(full) {
                return Source(branch: Self.branch(fullName: resolvedName, tip: tip))
            }
        }
        if try repository.branches(remote: false).isEmpty, try repository.branches(remote: true).isEmpty {
            throw BackportError.emptyRepository
        }
        throw BackportError.noSource
    }

    /// The targets: each name in `names` (a branch, or a version a found target carries),
    /// or, when `names` is empty, every branch matching the target patterns. Sorted
    /// oldest release first. The source is never a target.
    public func targets(named names: [String] = [], excluding source: Source) throws -> [Target] {
        guard !names.isEmpty else { return try discoveredTargets(excluding: source) }
        // Listed only when a name is a version rather than a branch.
        var found: [Target]?
        var result: [Target] = []
        for name in names {
            let target: Target
            if let branch = try branch(named: name) {
                target = Target(branch: branch, version: version(ofBranch: branch))
            } else if let version = Version(parsing: name) {
                // Named on purpose: a skipped (old or excluded) branch is fine.
                if found == nil { found = try discover(excluding: source).all }
                guard let match = found!.first(where: { $0.version == version }) else {
                    throw BackportError.unknownBranch(name, role: "target")
                }
                target = match
            } else {
                throw BackportError.unknownBranch(name, role: "target")
            }
            if target.branch.name == source.branch.name {
                throw BackportError.invalidInput("'\(name)' is the source branch; it cannot also be a target")
            }
            if !result.contains(target) { result.append(target) }
        }
        return result.sorted(by: Target.releaseOrder)
    }

    /// The release branches of a repository: those found, and those left out with why.
    public struct Discovery: Sendable {
        /// The targets, oldest release first.
        public var targets: [Target] = []
        /// Branches that look like releases but are left out: `backport.exclude`, or dead
        /// (`backport.maxAge`).
        public var skipped: [(target: Target, why: String)] = []
        /// The remote whose branches are the targets because no local branch is a release
        /// branch and no remote was configured (an ordinary clone); nil otherwise.
        public var fallbackRemote: String?

        /// Targets and skipped branches together, oldest release first.
        public var all: [Target] { (targets + skipped.map(\.target)).sorted(by: Target.releaseOrder) }
    }

    /// The remote an ordinary clone's release branches come from when none is configured.
    static let defaultRemote = "origin"

    /// Every branch (local, or the remote's with a remote set) that matches a target pattern
    /// or a branch template, less the excluded and the dead.
    public func discoveredTargets(excluding source: Source) throws -> [Target] {
        try discover(excluding: source).targets
    }

    /// The release branches: local ones (or the configured remote's) matching a target
    /// pattern, a branch template or, with the default patterns, named like a version; in
    /// a clone with no local release branch, `origin`'s. Those matching `backport.exclude`
    /// are skipped, and those with no commit for `backport.maxAge` before the source's
    /// latest commit.
    public func discover(excluding source: Source) throws -> Discovery {
        var discovery = Discovery()
        var found: [Target]
        if let remote = settings.remote {
            let branches = try repository.branches(remote: true).filter { $0.shortName.hasPrefix(remote + "/") }
            if branches.isEmpty { throw BackportError.unknownRemote(remote) }
            found = releases(among: branches, excluding: source)
        } else {
            found = releases(among: try repository.branches(remote: false), excluding: source)
            if found.isEmpty {
                let remote = Self.defaultRemote
                found = releases(among: try repository.branches(remote: true).filter { $0.shortName.hasPrefix(remote + "/") },
                                 excluding: source)
                if !found.isEmpty { discovery.fallbackRemote = remote }
            }
        }
        let newest = try repository.commit(source.branch.tip).time
        for target in found.sorted(by: Target.releaseOrder) {
            if let pattern = settings.excludePatterns.first(where: { Self.glob($0, matches: target.localName) }) {
                discovery.skipped.append((target, "excluded by backport.exclude '\(pattern)'"))
                continue
            }
            if let age = settings.maxAge {
                let last = try repository.commit(target.branch.tip).time
                if last < age.before(newest) {
                    discovery.skipped.append((target, "no commit in the \(age.description) before \(source.name)'s latest; last on \(Self.day(last)) (backport.maxAge)"))
                    continue
                }
            }
            discovery.targets.append(target)
        }
        return discovery
    }

    private func releases(among branches: [Branch], excluding source: Source) -> [Target] {
        branches.compactMap { branch -> Target? in
            guard branch.name != source.branch.name, !branch.shortName.hasSuffix("/HEAD") else { return nil }
            let target = Target(branch: branch, version: version(ofBranch: branch))
            let local = target.localName
            let matchesPattern = settings.targetPatterns.contains { Self.glob($0, matches: local) }
                || (settings.versionNamedTargets && Self.isVersionName(local))
                || settings.branchTemplates.contains { Self.templateVersion($0, in: local) != nil }
            return matchesPattern ? target : nil
        }
    }

    /// A day as people read it: `2025-05-31` (UTC).
    static func day(_ time: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
    }

    /// The version of a branch: from the first branch template that matches its name, else
    /// the last run of dot-separated numbers in it.
    public func version(ofBranch branch: Branch) -> Version? {
        let local = Target(branch: branch, version: nil).localName
        for template in settings.branchTemplates {
            if let v = Self.templateVersion(template, in: local) { return v }
        }
        return Version(inBranchName: local)
    }

    /// A local branch, a remote-tracking branch, or (with a remote set) that remote's branch.
    func branch(named name: String) throws -> Branch? {
        var candidates = ["refs/heads/\(name)", "refs/remotes/\(name)"]
        if let remote = settings.remote {
            candidates.insert("refs/remotes/\(remote)/\(name)", at: 0)
        } else {
            // An ordinary clone: `v1.6` is `origin/v1.6` when there is no local one.
            candidates.append("refs/remotes/\(Self.defaultRemote)/\(name)")
        }
        if name.hasPrefix("refs/") { candidates = [name] }
        for full in candidates {
            if let (resolvedName, tip) = try repository.resolveReference(full) {
                return Self.branch(fullName: resolvedName, tip: tip)
            }
        }
        return nil
    }

    static func branch(fullName: String, tip: OID) -> Branch {
        let isRemote = fullName.hasPrefix("refs/remotes/")
        let short = fullName.hasPrefix("refs/heads/") ? String(fullName.dropFirst("refs/heads/".count))
            : isRemote ? String(fullName.dropFirst("refs/remotes/".count)) : fullName
        return Branch(name: fullName, shortName: short, isRemote: isRemote, tip: tip)
    }

    /// Names that are versions themselves: `1.14`, `v1.14`, `7.2`, `5.10.x`. A single number
    /// (`2`) is not enough: it is too often something else.
    static func isVersionName(_ name: String) -> Bool {
        guard let v = Version(parsing: name) else { return false }
        return v.components.count >= 2
    }

    /// fnmatch(3) without FNM_PATHNAME: `*` matches across `/`.
    static func glob(_ pattern: String, matches name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }

    /// The version a template such as `release-{version}` reads from `name`, if it matches.
    static func templateVersion(_ template: String, in name: String) -> Version? {
        guard let range = template.range(of: "{version}") else { return nil }
        let prefix = template[..<range.lowerBound], suffix = template[range.upperBound...]
        guard name.count > prefix.count + suffix.count, name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
        let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
        return Version(parsing: middle)
    }
}
