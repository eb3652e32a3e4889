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

    public static let defaultTargetPatterns = ["release/*", "release-*", "stable/*", "maint/*", "*-stable"]
    public static let defaultBackportKeys = ["Backport-To", "Backport"]
    public static let defaultStableAddresses = ["stable@vger.kernel.org", "stable@kernel.org"]

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
    ///
    /// `.backportconfig` is taken from the working tree when there is one, else from the
    /// tree of HEAD (bare clones of bots). `git config backport.*` overrides it key by key.
    /// Multi-valued keys (`backport.target`, `backport.trailer`, `backport.branchTemplate`,
    /// `backport.stableAddress`) replace the defaults when set; `backport.trailer` adds to
    /// `Backport-To`/`Backport`.
    public static func load(from repository: Repository) throws -> Settings {
        var layers: [Config] = [try repository.config()]
        if let committed = try committedConfig(in: repository) { layers.append(committed) }
        func string(_ key: String) throws -> String? {
            for layer in layers { if let v = try layer.string(key), !v.isEmpty { return v } }
            return nil
        }
        func strings(_ key: String) throws -> [String]? {
            for layer in layers {
                let v = try layer.strings(key).filter { !$0.isEmpty }
                if !v.isEmpty { return v }
            }
            return nil
        }
        var settings = Settings()
        settings.source = try string("backport.source")
        settings.remote = try string("backport.remote")
        if let patterns = try strings("backport.target") { settings.targetPatterns = patterns }
        if let keys = try strings("backport.trailer") { settings.backportKeys = defaultBackportKeys + keys }
        settings.branchTemplates = try strings("backport.branchTemplate") ?? []
        if let addresses = try strings("backport.stableAddress") { settings.stableAddresses = addresses }
        return settings
    }

    private static func committedConfig(in repository: Repository) throws -> Config? {
        if let workdir = repository.workDirectory {
            let path = workdir + ".backportconfig"
            if FileManager.default.fileExists(atPath: path) { return try Config.open(file: path) }
            return nil
        }
        guard let head = try? repository.resolveCommit("HEAD"),
              let bytes = try repository.blobContent(at: ".backportconfig", inCommit: head) else { return nil }
        return try Config.parse(bytes)
    }
}
