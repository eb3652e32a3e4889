import CLibGit2
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// Writes `tree`'s files into `directory` (a scratch folder, not the repository's
    /// working tree), objects read through this handle (in memory too). `previous` is the
    /// tree the folder holds now: only the files that differ are written or removed (nil:
    /// an empty folder). Content is written as stored (no filters, drivers or hooks); a
    /// symlink is made as a link; a submodule is an empty folder. A path that would leave
    /// the folder (`..`, `.git`, absolute) is refused.
    public func writeFiles(of tree: OID, into directory: String, replacing previous: OID?) throws {
        let manager = FileManager.default
        for change in try changes(from: previous, to: tree) {
            let path = change.newPath ?? change.oldPath!
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || $0.lowercased() == ".git" }) else {
                throw GitError(code: -1, message: "refusing to write '\(PathCoding.displayed(path))' outside the folder", function: "writeFiles")
            }
            let full = directory + "/" + path
            guard let entry = change.new else {
                if change.old?.isSubmodule == true { try? manager.removeItem(atPath: full) } else { PathCoding.withCString(full) { _ = unlink($0) } }
                continue
            }
            try manager.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try PathCoding.withCString(full) { cPath in
                _ = unlink(cPath)
                if entry.isSubmodule { _ = mkdir(cPath, 0o755); return }
                let content = try blobBytes(entry.blob)
                if entry.isSymlink {
                    let target = content.map { CChar(bitPattern: $0) } + [0]
                    guard symlink(target, cPath) == 0 else { throw GitError(code: -1, message: "cannot make the link \(PathCoding.displayed(full))", function: "symlink") }
                    return
                }
                let fd = open(cPath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, entry.mode == 0o100755 ? 0o755 : 0o644)
                guard fd >= 0 else { throw GitError(code: -1, message: "cannot write \(PathCoding.displayed(full)): \(String(cString: strerror(errno)))", function: "open") }
                defer { close(fd) }
                var offset = 0
                while offset < content.count {
                    let written = content[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                    guard written > 0 else { throw GitError(code: -1, message: "cannot write \(PathCoding.displayed(full))", function: "write") }
                    offset += written
                }
            }
        }
    }
}
