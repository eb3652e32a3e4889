import Git

extension ConflictReport {
    /// The report of one conflicted path of a pick: its kind and names from the merge,
    /// and for a text conflict each region's lines in the file as the pick leaves it.
    init(_ conflict: PathConflict) {
        let paths = [conflict.ancestor?.path, conflict.ours?.path, conflict.theirs?.path].compactMap { $0 }
        let renamed = Set(paths).count > 1
        self.init(
            path: conflict.path,
            kind: conflict.kind,
            regions: conflict.binary ? nil : conflict.mergedText.map(Self.regions),
            binary: conflict.binary,
            ancestorPath: renamed ? conflict.ancestor?.path : nil,
            targetPath: renamed ? conflict.ours?.path : nil,
            fixPath: renamed ? conflict.theirs?.path : nil
        )
    }

    /// Each conflict region of a marked-up file, from its `<<<<<<<` line to its `>>>>>>>`
    /// line (1-based). A marker is seven characters at the start of a line, followed by a
    /// space or the end of the line, as libgit2 writes them.
    static func regions(_ text: [UInt8]) -> [Region] {
        let open = Array("<<<<<<<".utf8), close = Array(">>>>>>>".utf8)
        var regions: [Region] = []
        var first: Int?
        var line = 1, start = 0
        func isMarker(_ marker: [UInt8], at i: Int) -> Bool {
            guard text[i...].starts(with: marker) else { return false }
            let next = i + marker.count
            return next == text.count || text[next] == 0x20 || text[next] == 0x0a || text[next] == 0x0d
        }
        while start < text.count {
            if first == nil, isMarker(open, at: start) {
                first = line
            } else if let opened = first, isMarker(close, at: start) {
                regions.append(Region(first: opened, last: line))
                first = nil
            }
            guard let end = text[start...].firstIndex(of: 0x0a) else { break }
            start = end + 1
            line += 1
        }
        return regions
    }
}
