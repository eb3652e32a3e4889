// backport-bench: the benchmark's libgit2 floor, used by Scripts/bench (not installed).
//
// usage: backport-bench cherrypick-loop REPO < pairs
//   pairs: one "<commit> <target-commit>" per line. Picks each with libgit2's plain
//   git_cherrypick_commit (objects written to memory), one pick after another on one
//   thread, and prints {"seconds": ..., "calls": {"<commit> <target>": "clean"|"conflicted"}}.
import Foundation
import Git

let arguments = CommandLine.arguments
guard arguments.count == 3, arguments[1] == "cherrypick-loop" else {
    FileHandle.standardError.write(Data("usage: backport-bench cherrypick-loop REPO < pairs\n".utf8))
    exit(2)
}
do {
    let repository = try Repository.discover(startingAt: arguments[2])
    try repository.useInMemoryObjectStore()
    var pairs: [(OID, OID)] = []
    while let line = readLine() {
        let words = line.split(separator: " ")
        guard words.count == 2, let commit = OID(hex: String(words[0])), let target = OID(hex: String(words[1])) else { continue }
        pairs.append((commit, target))
    }
    let start = Date()
    var calls: [String: String] = [:]
    for (commit, target) in pairs {
        let conflicted = try repository.cherrypickCommitConflicts(commit, onto: target)
        calls["\(commit.hex) \(target.hex)"] = conflicted ? "conflicted" : "clean"
    }
    let seconds = Date().timeIntervalSince(start)
    let output = try JSONSerialization.data(withJSONObject: ["seconds": seconds, "calls": calls], options: [.sortedKeys])
    FileHandle.standardOutput.write(output + Data("\n".utf8))
} catch {
    FileHandle.standardError.write(Data("backport-bench: \(error)\n".utf8))
    exit(128)
}
