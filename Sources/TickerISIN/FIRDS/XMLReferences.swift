/// Entity and character references: the five entities XML predefines, and `&#…;` / `&#x…;`.
/// With no DTD read, no other entity exists, so nothing can expand to more than one character.
enum XMLReferences {
    /// What is wrong with a reference; the caller knows where it is.
    struct Failure: Error {
        var kind: FIRDSError.Kind
    }

    /// The character `input[from..<to]` stands for: the text between `&` and `;`.
    static func resolve(_ input: UnsafeBufferPointer<UInt8>, from: Int, to: Int) throws(Failure) -> Unicode.Scalar {
        guard from < to else { throw Failure(kind: .malformed("\"&;\" names no entity; a literal & is written &amp;")) }
        let name = UnsafeBufferPointer(rebasing: input[from..<to])
        guard input[from] == UInt8(ascii: "#") else {
            if XMLNames.matches(name, "amp") { return "&" }
            if XMLNames.matches(name, "lt") { return "<" }
            if XMLNames.matches(name, "gt") { return ">" }
            if XMLNames.matches(name, "quot") { return "\"" }
            if XMLNames.matches(name, "apos") { return "'" }
            throw Failure(kind: .undefinedEntity(String(decoding: name, as: UTF8.self)))
        }
        var i = from + 1
        let hex = i < to && input[i] == UInt8(ascii: "x")
        if hex { i += 1 }
        guard i < to else { throw Failure(kind: notACharacter(name)) }
        var value: UInt32 = 0
        while i < to {
            guard let digit = digit(input[i], hex: hex) else { throw Failure(kind: notACharacter(name)) }
            // Saturates past U+10FFFF, so that long runs of digits cannot overflow.
            value = min(value * (hex ? 16 : 10) + digit, 0x11_0000)
            i += 1
        }
        guard isXMLCharacter(value), let scalar = Unicode.Scalar(value) else { throw Failure(kind: notACharacter(name)) }
        return scalar
    }

    /// An attribute value with its references resolved.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(Failure) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        var i = range.lowerBound
        while i < range.upperBound {
            let byte = input[i]
            guard byte == UInt8(ascii: "&") else {
                decoded.append(byte)
                i += 1
                continue
            }
            var end = i + 1
            while end < range.upperBound, input[end] != UInt8(ascii: ";") { end += 1 }
            guard end < range.upperBound else {
                throw Failure(kind: .malformed("'&' in an attribute value starts no reference; a literal & is written &amp;"))
            }
            UTF8.encode(try resolve(input, from: i + 1, to: end)) { decoded.append($0) }
            i = end + 1
        }
        return decoded
    }

    /// Whether `byte` can be part of what follows `&`: a name, or `#` and digits.
    static func isReferenceByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "#") || XMLNames.isNameByte(byte)
    }

    /// XML 1.0's `Char`: tab, LF, CR, and everything from space up but surrogates, U+FFFE and U+FFFF.
    static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x1_0000...0x10_FFFF: return true
        default: return false
        }
    }

    private static func digit(_ byte: UInt8, hex: Bool) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static func notACharacter(_ name: UnsafeBufferPointer<UInt8>) -> FIRDSError.Kind {
        .malformed("&\(String(decoding: name, as: UTF8.self)); is not a character XML allows")
    }
}
