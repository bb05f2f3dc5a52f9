/// How people write ISINs that we still accept: surrounding whitespace, spaces or hyphens between
/// groups (`US 0378 3310 05`, `DE-000-BAY-001-7`), lower case. Normalizing trims ASCII whitespace at
/// both ends, removes every space and hyphen, and upper-cases ASCII letters; the rules then judge
/// what is left.
///
/// Anything outside ASCII makes the text invalid, including a no-break space or a full-width
/// letter: we do not guess what a look-alike stood for, since a Cyrillic `З` where a `3` belongs
/// is more likely a forgery or a mangled copy than a typo.
///
/// Works on UTF-8 bytes and never allocates: an input that is already twelve digits and capital
/// letters is checked byte by byte and loaded into the `ISIN`'s two integers with two loads.
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

    /// The fast path first: twelve digits and capital letters, nothing to normalize, become the
    /// two big-endian integers in two unaligned loads.
    static func normalize(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        if bytes.count == 12, let base = bytes.baseAddress, isPlain(bytes) {
            let raw = UnsafeRawPointer(base)
            return .twelve(ISIN(
                head: UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
                tail: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            ))
        }
        return normalizeByteByByte(bytes)
    }

    /// Whether every byte is a digit or a capital letter: nothing for normalizing to do.
    @inline(__always)
    private static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var plain = true
        for byte in bytes {
            plain = plain && (byte &- UInt8(ascii: "0") < 10 || byte &- UInt8(ascii: "A") < 26)
        }
        return plain
    }

    /// Any bytes, including the UTF-8 view of a string that has no contiguous storage.
    static func normalize(_ bytes: String.UTF8View) -> Outcome {
        normalizeByteByByte(bytes)
    }

    private static func normalizeByteByByte<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Outcome {
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
