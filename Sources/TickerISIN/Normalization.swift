/// How people write ISINs that we still accept: surrounding whitespace, spaces or hyphens between
/// groups (`US 0378 3310 05`, `DE-000-BAY-001-7`), lower case. Normalizing trims ASCII whitespace at
/// both ends, removes every space and hyphen, and upper-cases ASCII letters; the rules then judge
/// what is left.
///
/// Anything outside ASCII makes the text invalid, including a no-break space or a full-width
/// letter: we do not guess what a look-alike stood for, since a Cyrillic `З` where a `3` belongs
/// is more likely a forgery or a mangled copy than a typo.
///
/// Works on UTF-8 bytes: an already normalized ISIN is read once, byte by byte, into two integers,
/// with no allocation.
enum Normalization {
    /// What normalizing found.
    enum Outcome {
        /// Exactly twelve ASCII characters after normalizing, not yet checked against the rules.
        case twelve(ISIN)
        /// Some other number of ASCII characters (0 means empty).
        case length(Int)
        /// A byte outside ASCII; `nonASCIIError(in:)` says which character, from the text.
        case nonASCII
    }

    static func normalize<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Outcome {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start != end, isWhitespace(bytes[start]) { bytes.formIndex(after: &start) }
        while start != end {
            let last = bytes.index(end, offsetBy: -1)
            guard isWhitespace(bytes[last]) else { break }
            end = last
        }
        // Characters 1-8 go into `head`, 9-12 into `tail`, first character in the most significant
        // byte, so the integers compare like the text.
        var head: UInt64 = 0
        var tail: UInt32 = 0
        var count = 0
        var index = start
        while index != end {
            var byte = bytes[index]
            bytes.formIndex(after: &index)
            if byte >= 0x80 { return .nonASCII }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") { continue }
            if byte &- UInt8(ascii: "a") < 26 { byte &-= 0x20 }
            if count < 8 {
                head = head << 8 | UInt64(byte)
            } else if count < 12 {
                tail = tail << 8 | UInt32(byte)
            }
            count += 1
        }
        return count == 12 ? .twelve(ISIN(head: head, tail: tail)) : .length(count)
    }

    /// Tab, line feed, vertical tab, form feed, carriage return, space.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (0x09...0x0D).contains(byte)
    }

    /// The first non-ASCII character of `text` and its 1-based position, counted in characters as a
    /// person sees them. The slow path, taken only for text that `normalize` rejected as non-ASCII.
    static func nonASCIIError(in text: String) -> ISINError {
        for (offset, character) in text.enumerated() where !character.isASCII {
            return .nonASCII(character, position: offset + 1)
        }
        // Unreachable for text that `normalize` rejected; kept total rather than trapping.
        return .nonASCII("\u{FFFD}", position: 1)
    }
}
