/// Byte-level tests on XML names, so that element names are never turned into `String`s just to be
/// compared.
enum XMLNames {
    /// Whether `byte` can be in a name. Every byte of a non-ASCII character is accepted: the ASCII
    /// punctuation that ends names is what matters to the tokenizer, and XML's full table of name
    /// characters would say nothing about whether this is a FIRDS file.
    @inline(__always)
    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return byte >= 0x80
        }
    }

    /// Whether `byte` may start a name: not a digit, `-` or `.`.
    static func isNameStartByte(_ byte: UInt8) -> Bool {
        isNameByte(byte) && !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            && byte != UInt8(ascii: "-") && byte != UInt8(ascii: ".")
    }

    /// XML's white space: space, tab, LF, CR.
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Whether `bytes` are exactly `name`.
    @inline(__always)
    static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let expected = name.utf8Start
        for i in 0..<count where bytes[i] != expected[i] { return false }
        return true
    }

    /// Whether `a` and `b` hold the same bytes.
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress else { return true }
        for i in 0..<a.count where left[i] != right[i] { return false }
        return true
    }

    /// Whether `bytes` start with `prefix`.
    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return matches(UnsafeBufferPointer(rebasing: bytes[..<count]), prefix)
    }

    /// Whether `uri` is an auth.017 namespace, of any version: `…:auth.017.001.` and digits.
    static func isAuth017(_ uri: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix: StaticString = "urn:iso:std:iso:20022:tech:xsd:auth.017.001."
        guard hasPrefix(uri, prefix), uri.count > prefix.utf8CodeUnitCount else { return false }
        return uri[prefix.utf8CodeUnitCount...].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// For messages: printable ASCII in quotes, anything else as a hex byte.
    static func show(_ byte: UInt8) -> String {
        if (0x21...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" : "") + digits
    }
}
