import CLibGit2

extension Repository {
    /// The commits reachable from `tips` and not from `hidden`, oldest first, parents
    /// always before their children (`git rev-list --topo-order --reverse`).
    ///
    /// Wraps `git_revwalk` with `GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE`.
    public func walk(from tips: [OID], hiding hidden: [OID] = []) throws -> [OID] {
        var walker: OpaquePointer?
        try call("git_revwalk_new") { git_revwalk_new(&walker, pointer) }
        defer { git_revwalk_free(walker) }
        try call("git_revwalk_sorting") {
            git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue)
        }
        for tip in tips {
            var raw = tip.raw
            try call("git_revwalk_push") { git_revwalk_push(walker, &raw) }
        }
        for hide in hidden {
            var raw = hide.raw
            try call("git_revwalk_hide") { git_revwalk_hide(walker, &raw) }
        }
        var result: [OID] = []
        var next = git_oid()
        while true {
            let status = git_revwalk_next(&next, walker)
            if status == GIT_ITEROVER.rawValue { git_error_clear(); break }
            if status < 0 { throw lastError(code: status, function: "git_revwalk_next") }
            result.append(OID(next))
        }
        return result
    }

    /// A common ancestor of all `commits` (for two, their best common ancestor), or nil when
    /// they have none. Wraps `git_merge_base_octopus`.
    public func commonAncestor(of commits: [OID]) throws -> OID? {
        var out = git_oid()
        let raw = commits.map(\.raw)
        let status = git_merge_base_octopus(&out, pointer, raw.count, raw)
        if status == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        if status < 0 { throw lastError(code: status, function: "git_merge_base_octopus") }
        return OID(out)
    }

    /// True when `ancestor` is `descendant` or one of its ancestors.
    /// Wraps `git_graph_descendant_of`.
    public func isAncestor(_ ancestor: OID, of descendant: OID) throws -> Bool {
        if ancestor == descendant { return true }
        var ra = ancestor.raw, rd = descendant.raw
        return try call("git_graph_descendant_of") { git_graph_descendant_of(pointer, &rd, &ra) } == 1
    }
}
