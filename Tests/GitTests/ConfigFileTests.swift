import Foundation
import Git
import Testing
import TestSupport

@Suite("Config files read from memory (committed configuration)")
struct ConfigFileTests {
    /// git's reading of a file: `key=value` lines (`git config --file F --list`), or nil
    /// when git rejects it.
    static func git(_ text: String) throws -> [String]? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let out = try run("/usr/bin/git", ["config", "--file", file, "--no-includes", "--list"], in: FileManager.default.temporaryDirectory.path)
        guard out.status == 0 else { return nil }
        // A key without a value is true, as we read it.
        return out.stdout.split(separator: "\n", omittingEmptySubsequences: true).map { $0.contains("=") ? String($0) : $0 + "=true" }
    }

    @Test("Entries as git reads them; errors where git errs", arguments: [
        "[backport]\n\ttarget = release/*\n\ttarget = stable-*\n",
        "[Backport]\n\tTarget = x\n",
        "[backport \"Sub.Section\"]\n\tkey = v\n",
        "[backport.old]\n\tkey = v\n",
        "[backport]\n\tverify = \"make  check\" # comment\n\tflag\n",
        "[backport]\n\tmarker = a \\\"quoted\\\" \\\\ back\\tslash ; comment\n",
        "[backport]\n\tlong = one \\\n  two\n",
        "; comment\n# comment\n[backport] key = inline\n",
        "[backport]\n\tkey = \"unterminated\n",
        "[backport\n\tkey = x\n",
        "key = outside\n",
        "[backport]\n\t1key = x\n",
        "[backport]\n\tkey = bad \\q escape\n",
        "[include]\n\tpath = /etc/passwd\n[backport]\n\tkey = x\n",
        "[backport]\n\tempty =\n\tspaces =    \n",
    ])
    func likeGit(text: String) throws {
        let expected = try Self.git(text)
        do {
            let ours = try ConfigFile.parse(Array(text.utf8), name: "f").entries.map { "\($0.key)=\($0.value)" }
            #expect(expected == ours, "\(text.debugDescription)")
        } catch let error as ConfigFile.SyntaxError {
            #expect(expected == nil, "\(text.debugDescription): we said \(error)")
        }
    }

    @Test("A syntax error names the file and the line, as git's does")
    func errorLine() {
        #expect(throws: ConfigFile.SyntaxError(file: ".backportconfig", line: 3)) {
            try ConfigFile.parse(Array("[backport]\n\tok = 1\n\t= no name\n".utf8), name: ".backportconfig")
        }
    }
}
