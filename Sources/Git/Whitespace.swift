extension StringProtocol where UTF8View: BidirectionalCollection {
    /// Without the ASCII whitespace at either end (space, tab, newline, carriage return,
    /// vertical tab, form feed: C's `isspace`, as git trims). Foundation's
    /// `trimmingCharacters(in:)` bridges to `NSString` on every call, and this runs on
    /// every line of every fix and every trailer of every commit walked.
    public func trimmingWhitespace() -> String {
        let utf8 = self.utf8
        let isSpace = { (b: UInt8) in b == 0x20 || (b >= 0x09 && b <= 0x0d) }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
