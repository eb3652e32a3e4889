/// git's rules for reference names (`check_refname_format` in git's refs.c, and
/// `strbuf_check_branch_ref` for branch names), so that a name that comes from repository
/// content (a trailer, a label, a template filled with one) never becomes a ref git would
/// refuse, never leaves `refs/heads/` and never reads as an option.
///
/// A full name (`refs/heads/release/1.2`) is a list of `/`-separated components. None is
/// empty (no leading, trailing or doubled `/`), begins with `.` or ends with `.lock`. The
/// name has no `..`, no `@{`, no ASCII control character or DEL, none of
/// `space ~ ^ : ? * [ \`, does not end with `.` and is not `@`. A branch name is the part
/// after `refs/heads/`; it also may not begin with `-` or be `HEAD`.
///
/// Names are checked as bytes (UTF-8, or the raw bytes ``PathCoding`` keeps); bytes of
/// 0x80 and above are allowed, as git allows them.
public enum RefName {
    /// True when git would accept `name` as a branch name (`git check-ref-format --branch`),
    /// except `@`: git takes `@` as a branch, but on every command line `@` means HEAD, so
    /// the branch could never be named. See ``problem(_:)``.
    public static func isValidBranchName(_ name: String) -> Bool {
        problem(name) == nil
    }

    /// Why `name` cannot be a branch name, in a few words git would use ("contains '..'"),
    /// or nil when it can.
    public static func problem(_ name: String) -> String? {
        let bytes = PathCoding.encode(name)
        if bytes.isEmpty { return "is empty" }
        if bytes.first == UInt8(ascii: "-") { return "begins with '-'" }
        if name == "HEAD" { return "is 'HEAD'" }
        if name == "@" { return "is '@', which names HEAD" }
        return problem(components: bytes)
    }

    /// Why `name` cannot be a full reference name (`refs/heads/x`, `refs/remotes/o/x`), or nil
    /// when git's `check_refname_format` accepts it (with one-level names allowed).
    public static func problem(fullName name: String) -> String? {
        let bytes = PathCoding.encode(name)
        if bytes.isEmpty { return "is empty" }
        if name == "@" { return "is '@', which names HEAD" }
        return problem(components: bytes)
    }

    /// True when git's `check_refname_format` accepts `name` as a full reference name.
    public static func isValidFullName(_ name: String) -> Bool {
        problem(fullName: name) == nil
    }

    /// The rules on components and characters, common to full names and branch names.
    private static func problem(components bytes: [UInt8]) -> String? {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var previous: UInt8 = 0
        for byte in bytes {
            if byte < 0x20 || byte == 0x7f { return "contains a control character" }
            if let forbidden = forbidden.first(where: { $0.byte == byte }) { return "contains \(forbidden.shown)" }
            if previous == dot, byte == dot { return "contains '..'" }
            if previous == UInt8(ascii: "@"), byte == UInt8(ascii: "{") { return "contains '@{'" }
            if previous == slash, byte == slash { return "contains '//'" }
            previous = byte
        }
        if bytes.first == slash { return "begins with '/'" }
        if bytes.last == slash { return "ends with '/'" }
        if bytes.last == dot { return "ends with '.'" }
        for component in bytes.split(separator: slash, omittingEmptySubsequences: true) {
            if component.first == dot { return "has a component that begins with '.'" }
            if component.count >= 5, Array(component.suffix(5)) == Array(".lock".utf8) {
                return "has a component that ends with '.lock'"
            }
        }
        return nil
    }

    /// The printable characters no reference name may contain.
    private static let forbidden: [(byte: UInt8, shown: String)] = [
        (UInt8(ascii: " "), "a space"), (UInt8(ascii: "~"), "'~'"), (UInt8(ascii: "^"), "'^'"),
        (UInt8(ascii: ":"), "':'"), (UInt8(ascii: "?"), "'?'"), (UInt8(ascii: "*"), "'*'"),
        (UInt8(ascii: "["), "'['"), (UInt8(ascii: "\\"), "'\\'"),
    ]
}
