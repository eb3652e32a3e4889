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
    /// one, else `main`, `master`, or the remote's HEAD. With a remote set, the remote's
    /// branches are preferred.
    public func source(named name: String? = nil) throws -> Source {
        if let name = name ?? settings.source {
            guard let branch = try branch(named: name) else {
                throw BackportError.unknownBranch(name, role: "source")
            }
            return Source(branch: branch)
        }
        let remote = settings.remote ?? "origin"
        var names = ["refs/heads/main", "refs/heads/master"]
        let remoteNames = ["refs/remotes/\(remote)/main", "refs/remotes/\(remote)/master", "refs/remotes/\(remote)/HEAD"]
        names = settings.remote != nil ? remoteNames + names : names + remoteNames
        for full in names {
            if let (resolvedName, tip) = try repository.resolveReference(full) {
                return Source(branch: Self.branch(fullName: resolvedName, tip: tip))
            }
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
                if found == nil { found = try discoveredTargets(excluding: source) }
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

    /// Every branch (local, or the remote's with a remote set) that matches a target pattern
    /// or a branch template.
    public func discoveredTargets(excluding source: Source) throws -> [Target] {
        let branches: [Branch]
        if let remote = settings.remote {
            branches = try repository.branches(remote: true).filter { $0.shortName.hasPrefix(remote + "/") }
            if branches.isEmpty { throw BackportError.unknownRemote(remote) }
        } else {
            branches = try repository.branches(remote: false)
        }
        return branches.compactMap { branch -> Target? in
            guard branch.name != source.branch.name else { return nil }
            let target = Target(branch: branch, version: version(ofBranch: branch))
            let local = target.localName
            let matchesPattern = settings.targetPatterns.contains { Self.glob($0, matches: local) }
                || Self.isVersionName(local)
                || settings.branchTemplates.contains { Self.templateVersion($0, in: local) != nil }
            return matchesPattern ? target : nil
        }.sorted(by: Target.releaseOrder)
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
