import Git

extension RenameOptions {
    /// The rename settings of the user's git configuration, as git's merge reads them:
    /// `merge.renames` (false turns detection off; git 2.39's merge ignores it, later
    /// versions honour it), `diff.renameLimit` overridden by `merge.renameLimit`, where 0
    /// or less means git's default of 7,000; `merge.directoryRenames` (`conflict` by
    /// default, true, false).
    init(config: Config) throws {
        self.init()
        // `merge.renames` may be `copies`, which a merge treats as true.
        if let value = try config.string("merge.renames"), value.lowercased() != "copies" {
            enabled = try config.bool("merge.renames") ?? true
        }
        if let value = try config.string("merge.directoryRenames") {
            if value.lowercased() == "conflict" {
                directoryRenames = .conflict
            } else if let move = try? config.bool("merge.directoryRenames") {
                directoryRenames = move ? .move : .off
            }
        }
        if let limit = try config.int("merge.renameLimit") ?? config.int("diff.renameLimit") {
            self.limit = limit > 0 ? limit : RenameOptions.gitDefaultLimit
        }
    }
}
