/// Unpadded base64url (RFC 4648 §5), decoded strictly: padding, characters outside the alphabet,
/// whitespace and non-zero trailing bits are errors, so every value has exactly one text form.
///
/// Every item a server stores or returns passes through here twice, so both directions work on
/// contiguous bytes with lookup tables.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// A character's 6-bit value, or `invalid`.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, char) in alphabet.enumerated() { table[Int(char)] = UInt8(value) }
        return table
    }()
    private static let invalid: UInt8 = 0xFF

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        if let encoded = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0) }) { return encoded }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0) }
    }

    private static func encode(buffer bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = (bytes.count * 4 + 2) / 3
        return alphabet.withUnsafeBufferPointer { alphabet in
            String(unsafeUninitializedCapacity: count) { out in
                var o = 0
                var i = 0
                while i + 3 <= bytes.count {
                    let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                    out[o] = alphabet[Int(n >> 18)]
                    out[o + 1] = alphabet[Int(n >> 12 & 0x3F)]
                    out[o + 2] = alphabet[Int(n >> 6 & 0x3F)]
                    out[o + 3] = alphabet[Int(n & 0x3F)]
                    i += 3
                    o += 4
                }
                let left = bytes.count - i
                if left > 0 {
                    let n = UInt32(bytes[i]) << 16 | (left == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                    out[o] = alphabet[Int(n >> 18)]
                    out[o + 1] = alphabet[Int(n >> 12 & 0x3F)]
                    if left == 2 { out[o + 2] = alphabet[Int(n >> 6 & 0x3F)] }
                    o += left + 1
                }
                return o
            }
        }
    }

    public static func decode(_ text: String, field: String = "value") throws -> [UInt8] {
        var text = text
        return try text.withUTF8 { try decode(utf8: $0, field: field) }
    }

    private static func decode(utf8 chars: UnsafeBufferPointer<UInt8>, field: String) throws -> [UInt8] {
        guard chars.count % 4 != 1 else { throw VaultError.malformed("\(field) is not base64url: impossible length") }
        let count = chars.count * 3 / 4
        var valid = true
        var trailing: UInt32 = 0
        let out = values.withUnsafeBufferPointer { values in
            [UInt8](unsafeUninitializedCapacity: count) { out, written in
                var buffer: UInt32 = 0
                var bits: UInt32 = 0
                var o = 0
                for char in chars {
                    let value = values[Int(char)]
                    if value == invalid {
                        valid = false
                        break
                    }
                    buffer = buffer << 6 | UInt32(value)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        out[o] = UInt8(truncatingIfNeeded: buffer >> bits)
                        o += 1
                    }
                }
                trailing = buffer & ((1 << bits) - 1)
                written = o
            }
        }
        guard valid else { throw VaultError.malformed("\(field) is not unpadded base64url") }
        guard trailing == 0 else { throw VaultError.malformed("\(field) has non-zero trailing bits") }
        return out
    }
}
