extension StringProtocol where UTF8View: BidirectionalCollection {
    /// Without the ASCII whitespace at either end (space, tab, newline, carriage return,
    /// vertical tab, form feed: C's `isspace`, as git trims). Foundation's
    /// `trimmingCharacters(in:)` bridges to `NSString` on every call, and this runs on
    /// every line of every fix and every trailer of every commit walked.
    public func trimmingWhitespace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { !$0.isASCIIWhitespace }) else { return "" }
        let last = utf8.lastIndex(where: { !$0.isASCIIWhitespace })!
        return String(self[first...last])
    }
}

extension UInt8 {
    /// Space, tab, newline, vertical tab, form feed or carriage return (C's `isspace`).
    @inline(__always) public var isASCIIWhitespace: Bool { self == 0x20 || (self >= 0x09 && self <= 0x0d) }
}
