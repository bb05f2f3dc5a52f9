/// Crockford base32, the text form of the secrets a person copies by hand: no I, L, O or U, and
/// decoding forgives case, dashes, spaces and the look-alikes O→0, I→1, L→1.
public enum Crockford {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int(buffer >> UInt32(bits) & 0x1F)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { out.append(alphabet[Int(buffer << UInt32(5 - bits) & 0x1F)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `byteCount` bytes; the padding bits of the last character must be zero.
    public static func decode(_ text: String, byteCount: Int, what: String) throws -> [UInt8] {
        var buffer: UInt32 = 0
        var bits = 0
        var out: [UInt8] = []
        var count = 0
        for scalar in text.uppercased().unicodeScalars where scalar != "-" && scalar != " " {
            guard let value = value(of: scalar) else { throw VaultError.malformed("\(what) contains '\(scalar)', which is not in its alphabet") }
            count += 1
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        guard count == (byteCount * 8 + 4) / 5, out.count == byteCount else {
            throw VaultError.malformed("\(what) has \(count) characters; it needs \((byteCount * 8 + 4) / 5)")
        }
        guard buffer == 0 else { throw VaultError.malformed("\(what) is mistyped (its last character does not fit)") }
        return out
    }

    private static func value(of scalar: Unicode.Scalar) -> Int? {
        guard scalar.isASCII else { return nil }
        switch scalar {
        case "O": return 0
        case "I", "L": return 1
        default: return alphabet.firstIndex(of: UInt8(ascii: scalar))
        }
    }

    /// `text` cut into dash-separated groups of the given sizes (the last size repeats).
    package static func grouped(_ text: String, sizes: [Int]) -> String {
        var groups: [Substring] = []
        var rest = Substring(text)
        var index = 0
        while !rest.isEmpty {
            let size = sizes[min(index, sizes.count - 1)]
            groups.append(rest.prefix(size))
            rest = rest.dropFirst(size)
            index += 1
        }
        return groups.joined(separator: "-")
    }
}
