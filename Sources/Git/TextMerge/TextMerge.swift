// A port of git v2.39's xdiff (LibXDiff by Davide Libenzi, LGPL-2.1+): `xdl_merge` of
// xdiff/xmerge.c, called as git's merge (merge-ort through ll-merge.c's `ll_xdl_merge`)
// calls it: histogram diff, level `XDL_MERGE_ZEALOUS`, no whitespace flags.

import Foundation

/// git's three-way merge of a text file, byte for byte: what `git merge`, `git
/// cherry-pick` and `git merge-tree` (merge-ort) write for a file both sides changed.
///
/// libgit2's `git_merge_file` diffs with Myers' algorithm; git's merge diffs with the
/// histogram algorithm (falling back to Myers in regions whose lines all repeat more than
/// 64 times), so on some files the two merge differently. This is a port of git v2.39's
/// xdiff merge path (`xdl_merge`), read from git's source:
/// - ``Records.swift``, ``Preparation.swift``: lines, their classes (xprepare.c, xutils.c);
/// - ``HistogramDiff.swift``: the diff (xhistogram.c) and ``ClassicDiff.swift`` its
///   fallback (xdiffi.c);
/// - ``ChangeScript.swift``: sliding changes and listing hunks (xdiffi.c);
/// - ``ThreeWayMerge.swift``, ``MergeOutput.swift``: the merge and the merged file
///   (xmerge.c).
///
/// Whitespace-ignoring options are not supported (git's merge passes none by default).
public enum TextMerge {
    /// How conflicts are written (git's `merge.conflictStyle`).
    public enum Style: Sendable {
        /// Ours and theirs between `<<<<<<<`, `=======` and `>>>>>>>`.
        case merge
        /// Also the base, after `|||||||`; conflicts are not refined.
        case diff3
        /// Like `diff3`, with lines both sides share at a conflict's ends moved out of it.
        case zdiff3
    }

    /// How conflicts are settled (git's `-X ours`, `-X theirs`, the `union` merge driver).
    public enum Favor: Sendable {
        /// Conflicts stay, with markers.
        case none
        /// A conflict takes our side.
        case ours
        /// A conflict takes their side.
        case theirs
        /// A conflict takes both sides, ours first, without markers.
        case union

        /// The hunk mode a conflict takes (`XDL_MERGE_FAVOR_*`), nil for none.
        var mode: Int? {
            switch self {
            case .none: nil
            case .ours: 1
            case .theirs: 2
            case .union: 3
            }
        }
    }

    /// The merged file and how many conflicts it has (0: it merged cleanly).
    public struct Result: Sendable, Equatable {
        public let content: [UInt8]
        public let conflicts: Int
    }

    /// Thrown where git's merge fails (xdiff returns -1): histogram diff gives up on a
    /// region where 64 distinct lines share one slot of its hash table.
    public struct Failure: Error, Sendable {}

    /// git's default conflict marker size (`DEFAULT_CONFLICT_MARKER_SIZE`).
    public static let defaultMarkerSize = 7

    /// Merges `ours` and `theirs`, two versions of `base`, as git's merge does
    /// (`xdl_merge`). A file added on both sides merges against an empty `base`.
    ///
    /// - Parameters:
    ///   - labels: the names on the markers: `<<<<<<< ours`, `>>>>>>> theirs`, and
    ///     `||||||| base` in the `diff3` styles (only the bars when nil).
    ///   - markerSize: the length of the markers (the `conflict-marker-size` attribute);
    ///     7 when not positive.
    /// - Returns: the merged bytes, with conflict markers where it did not merge, and the
    ///   number of conflicts (0 whenever `favor` is not `.none`).
    /// - Throws: ``Failure`` where git's merge fails too.
    public static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8],
                             labels: (ours: String, theirs: String, base: String?),
                             style: Style = .merge, favor: Favor = .none,
                             markerSize: Int = defaultMarkerSize) throws -> Result {
        var theirChanges: [Change]?
        return try merge(base: base, ours: ours, theirs: theirs, labels: labels, style: style, favor: favor,
                         markerSize: markerSize, theirChanges: &theirChanges)
    }

    /// The same, with the diff from `base` to `theirs` given when the caller has it (a fix
    /// merged onto several targets: its side is the same on each), and handed back when
    /// computed here.
    static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8],
                      labels: (ours: String, theirs: String, base: String?),
                      style: Style, favor: Favor, markerSize: Int = defaultMarkerSize,
                      theirChanges known: inout [Change]?) throws -> Result {
        try base.withUnsafeBufferPointer { base in
            try ours.withUnsafeBufferPointer { oursBytes in
                try theirs.withUnsafeBufferPointer { theirsBytes in
                    let merge = ThreeWayMerge(base: TextLines(base), ours: TextLines(oursBytes),
                                              theirs: TextLines(theirsBytes), style: style)
                    let ourChanges = try changes(from: merge.base, to: merge.ours)
                    let theirChanges = try known ?? changes(from: merge.base, to: merge.theirs)
                    known = theirChanges
                    // One side left the base as it was: the other side is the result.
                    if ourChanges.isEmpty { return Result(content: theirs, conflicts: 0) }
                    if theirChanges.isEmpty { return Result(content: ours, conflicts: 0) }
                    let hunks = try merge.hunks(ourChanges: ourChanges, theirChanges: theirChanges)
                    let output = MergeOutput(merge: merge, labels: labels, favor: favor, markerSize: markerSize)
                    let (content, conflicts) = output.write(hunks)
                    return Result(content: content, conflicts: conflicts)
                }
            }
        }
    }

    /// The hunks of the histogram diff from `a` to `b` as the merge uses them:
    /// `xdl_do_diff`, `xdl_change_compact` both ways, `xdl_build_script`.
    static func changes(from a: TextLines, to b: TextLines) throws -> [Change] {
        var env = try HistogramDiff.diff(a, b)
        env.compactChanges()
        return env.script()
    }
}

/// The diffs from a file's base to one side that merges made, by the two blobs, kept for
/// the next merges of the same change: a fix picked onto several targets merges the same
/// base and fix blobs against each target's version, and this side's diff is the same
/// every time. Shared by the merges of every thread; bounded.
public final class SideDiffs: @unchecked Sendable {
    // Safe: `diffs` is read and written only under `lock`.
    private let lock = NSLock()
    private var diffs: [Key: [Change]] = [:]
    private var kept = 0

    struct Key: Hashable {
        let base: OID?
        let side: OID
    }

    public init() {}

    func diff(from base: OID?, to side: OID) -> [Change]? {
        lock.withLock { diffs[Key(base: base, side: side)] }
    }

    func keep(_ diff: [Change], from base: OID?, to side: OID) {
        lock.withLock {
            // About 32 bytes a change: forgotten all at once past a million.
            kept += diff.count + 1
            if kept > 1_000_000 {
                diffs.removeAll(keepingCapacity: true)
                kept = diff.count + 1
            }
            diffs[Key(base: base, side: side)] = diff
        }
    }
}
