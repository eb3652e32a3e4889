import Foundation
import Git

/// Where a pick writes the objects it makes (merged blobs, trees).
public enum ObjectStore: Sendable, Hashable {
    /// An in-memory object database (libgit2's mempack): nothing reaches the repository.
    /// `plan` and `preview` pick here.
    case memory
    /// The repository's object database, as `apply` needs for the commits it writes.
    case repository
}

/// One cherry-pick as three trees: a pick of commit C onto T is the merge of C's change
/// (its parent's tree to its tree) into T's tree.
struct PickInput: Sendable {
    /// The tree the fix was made on (its mainline parent's); nil for a root commit.
    var base: OID?
    /// The tree picked onto (the target's, plus earlier picks when stacking).
    var onto: OID
    /// The fix's tree.
    var fix: OID
    /// The names on the conflict markers (`<<<<<<< ours`, `>>>>>>> theirs`).
    var labels: (ours: String, theirs: String)
    /// The name on a conflict's base (`||||||| base`, diff3 and zdiff3 styles).
    var baseLabel: String?
    /// How conflicted text is written (git's `merge.conflictStyle`).
    var conflictStyle: TextMerge.Style = .merge
    /// The tree whose `.gitattributes` apply (merge drivers, `binary`): `git cherry-pick`
    /// reads the checkout's, which is the target's.
    var attributes: OID
    /// What the fix changes (`base` to `fix`), when the caller already has it (shared by
    /// every target); computed otherwise.
    var fixChanges: [PathChange]?
    /// Paths (glob patterns) merged with git's union strategy whatever the attributes say
    /// (`backport.union`).
    var unionPaths: [String] = []
}

extension PickInput {
    /// True when `path` is one of ``unionPaths``: a pattern with a `/` matches the whole
    /// path, one without matches the file's name in any folder (as in `.gitattributes`).
    func mergesByUnion(_ path: String) -> Bool {
        guard !unionPaths.isEmpty else { return false }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return unionPaths.contains { pattern in
            pattern.contains("/") ? fnmatch(pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern, path, FNM_PATHNAME) == 0
                : fnmatch(pattern, name, 0) == 0
        }
    }
}

/// What a pick produced.
struct PickOutput: Sendable {
    /// The merged tree, written to the store the call named; nil when there are conflicts.
    var tree: OID?
    /// Every conflicted path, in path order.
    var conflicts: [PathConflict]
    /// The fix's files that the pick found under another name on the target (rename
    /// detection): the fix's path and the target's.
    var renamedPaths: [(fix: String, target: String)]
}

/// One conflicted path of a pick, as the merge left it.
struct PathConflict: Sendable {
    var kind: ConflictReport.Kind
    /// Where the conflict is left: the target's name for the file.
    var path: String
    var ancestor: ConflictSide?
    var ours: ConflictSide?
    var theirs: ConflictSide?
    /// True when the file merges as binary (its content, or a `merge`/`binary` attribute).
    var binary: Bool
    /// For a text conflict: the file with `<<<<<<<`/`=======`/`>>>>>>>` markers, as
    /// `git cherry-pick` leaves it.
    var mergedText: [UInt8]?
}

/// The pick primitive: three trees in, a merge out, objects written where the caller says.
///
/// Every command that picks calls it. Most picks are settled path by path (``PathMerge``:
/// the files the fix changes, with renames looked for only where they matter, as git's
/// merge-ort does); the merge of whole trees (`git_merge_trees`) is the fallback for what
/// that does not cover (file/folder and type changes, merge drivers).
///
/// A picker owns its repository handles (opened bare on the git directory, one per
/// object store, each with the attributes of the last tree it was asked for), so a
/// parallel worker makes its own picker. Objects written to memory are seen only through
/// the memory handle: a stack of picks lives in one store.
final class Picker {
    let gitDirectory: String
    let renames: RenameOptions
    /// Merge only the fix's paths when that settles the pick (false: always whole trees,
    /// for comparison; hidden `--no-fast-path`).
    let pathByPath: Bool
    private var handles: [ObjectStore: Handle] = [:]
    /// What the targets' side of the last merge changed (base to onto), for rename
    /// detection: computed when a pick first needs it.
    private var sideChanges: (base: OID?, onto: OID, changes: [PathChange])?
    /// This picker's index of the files its rename searches met, over the plan's signatures.
    let similarity: SimilarityIndex
    /// The fixes' sides of text merges, shared by every picker of the plan.
    let sideDiffs: SideDiffs

    private final class Handle {
        let repository: Repository
        /// The tree whose `.gitattributes` the handle's merges read.
        var attributes: OID?
        init(_ repository: Repository) { self.repository = repository }
    }

    /// The rename limit of the whole-tree fallback (libgit2's default).
    static let wholeTreeRenameLimit = 200

    init(gitDirectory: String, renames: RenameOptions = RenameOptions(), pathByPath: Bool = true,
         similarity: SimilarityCache = SimilarityCache(), sideDiffs: SideDiffs = SideDiffs()) {
        self.sideDiffs = sideDiffs
        self.gitDirectory = gitDirectory
        self.similarity = SimilarityIndex(cache: similarity)
        self.renames = renames
        self.pathByPath = pathByPath
    }

    /// The handle that reads and writes `store`: evidence steps read through the memory
    /// one, which also sees the repository's objects.
    func repository(_ store: ObjectStore = .memory) throws -> Repository {
        try handle(store).repository
    }

    private func handle(_ store: ObjectStore) throws -> Handle {
        if let handle = handles[store] { return handle }
        let repository = try Repository.openBare(gitDirectory: gitDirectory)
        if store == .memory { try repository.useInMemoryObjectStore() }
        let handle = Handle(repository)
        handles[store] = handle
        return handle
    }

    /// Merges the fix's change into `input.onto`, writing merged objects to `store`.
    func pick(_ input: PickInput, writingTo store: ObjectStore) throws -> PickOutput {
        // Objects written into the repository are never left half-written by Ctrl-C.
        guard store == .memory else {
            do {
                return try Interruption.critical { try merge(input, writingTo: store) }
            } catch let error as GitError where error.isWriteFailure {
                // The repository cannot take the pick's objects: no later pick could either.
                throw BackportError.cannotWrite(error)
            } catch let error as PathError where error.error.isWriteFailure {
                throw BackportError.cannotWrite(error.error)
            }
        }
        return try merge(input, writingTo: store)
    }

    private func merge(_ input: PickInput, writingTo store: ObjectStore) throws -> PickOutput {
        let handle = try handle(store)
        try useAttributes(of: input.attributes, on: handle)
        let repository = handle.repository
        if pathByPath {
            let changes = try input.fixChanges ?? repository.changes(from: input.base, to: input.fix)
            let merge = PathMerge(repository: repository, input: input, fixChanges: changes, renames: renames,
                                  similarity: similarity, sideDiffs: sideDiffs, targetSide: { try self.targetSideChanges(input, repository) })
            if let output = try merge.run() { return output }
        }
        // libgit2 compares every added file with every deleted one: on long-diverged trees a
        // limit of thousands costs seconds a merge, so the fallback keeps libgit2's own 200.
        var wholeTreeRenames = renames
        wholeTreeRenames.limit = min(renames.limit, Self.wholeTreeRenameLimit)
        let merged = try Trace.accumulate("merging whole trees") {
            try repository.mergeTrees(ancestor: input.base, ours: input.onto, theirs: input.fix, labels: input.labels,
                                      renames: wholeTreeRenames)
        }
        let conflicts = try merged.conflicts.filter { !PathConflict.isLeftAtOldName($0, renames: merged.renames) }
            .map { try PathConflict($0, renames: merged.renames, input: input, in: repository) }
        return PickOutput(tree: merged.tree, conflicts: PathConflict.distinctTypes(conflicts, labels: input.labels), renamedPaths: [])
    }

    /// Forgets the objects written to memory and the attributes loaded (a finished
    /// target's picks, or an independent pick nothing builds on).
    func forgetMemory() throws {
        try handles[.memory]?.repository.resetInMemoryObjectStore()
        sideChanges = nil
    }

    /// Lets go of everything: handles, objects in memory, attributes, caches.
    func close() throws {
        try forgetMemory()
        handles = [:]
    }

    /// Points the handle's attributes at `tree`'s `.gitattributes` files, reading them
    /// again only when some of them differ from the tree read last (a stacked pick changes
    /// the tree at every step, rarely its attributes).
    private func useAttributes(of tree: OID, on handle: Handle) throws {
        guard handle.attributes != tree else { return }
        if let loaded = handle.attributes,
           try !handle.repository.changes(from: loaded, to: tree).paths.contains(where: Self.isAttributesFile) {
            handle.attributes = tree
            return
        }
        try handle.repository.useAttributes(fromTree: tree)
        handle.attributes = tree
    }

    static func isAttributesFile(_ path: String) -> Bool {
        path == ".gitattributes" || path.hasSuffix("/.gitattributes")
    }

    /// What the target's side changed (base to onto): where renames on the target are
    /// looked for. Kept for the next pick with the same two trees.
    /// What the target's side of `input` changed (base to onto), as the last pick that
    /// looked for renames on it saw it (read through the memory handle).
    func targetSide(of input: PickInput) throws -> [PathChange] {
        try targetSideChanges(input, try repository(.memory))
    }

    private func targetSideChanges(_ input: PickInput, _ repository: Repository) throws -> [PathChange] {
        if let cached = sideChanges, cached.base == input.base, cached.onto == input.onto { return cached.changes }
        let changes = try repository.changes(from: input.base, to: input.onto)
        sideChanges = (input.base, input.onto, changes)
        return changes
    }
}
