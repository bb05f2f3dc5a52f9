/// Builds the protocol's byte strings: big-endian integers and length-prefixed fields.
package struct ByteWriter {
    package private(set) var bytes: [UInt8] = []

    package init(_ prefix: String = "") { bytes = Array(prefix.utf8) }

    package mutating func u8(_ value: UInt8) { bytes.append(value) }
    package mutating func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }
    package mutating func u32(_ value: UInt32) { for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) } }
    package mutating func u64(_ value: UInt64) { for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) } }
    package mutating func raw(_ value: some Sequence<UInt8>) { bytes += value }
    package mutating func raw(_ text: String) { bytes += Array(text.utf8) }

    /// `lp(x)`: a two-byte length, then the bytes. Longer fields cannot be encoded.
    package mutating func lp(_ value: some Collection<UInt8>) throws {
        guard value.count <= 65_535 else { throw VaultError.malformed("a field of \(value.count) bytes is longer than 65,535") }
        u16(UInt16(value.count))
        bytes += value
    }

    package mutating func lp(_ text: String) throws { try lp(Array(text.utf8)) }
}

/// Reads what `ByteWriter` wrote; every read checks the length left.
package struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    package var isAtEnd: Bool { offset == bytes.count }

    package mutating func raw(_ count: Int) throws -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw VaultError.malformed("truncated data") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    package mutating func expect(_ prefix: String) throws {
        guard try raw(prefix.utf8.count) == Array(prefix.utf8) else { throw VaultError.malformed("expected \(prefix)") }
    }

    package mutating func u64() throws -> UInt64 { try raw(8).reduce(0) { $0 << 8 | UInt64($1) } }

    package mutating func lp() throws -> [UInt8] {
        let length = try raw(2)
        return try raw(Int(length[0]) << 8 | Int(length[1]))
    }

    package mutating func lpText() throws -> String {
        guard let text = String(validating: try lp(), as: UTF8.self) else { throw VaultError.malformed("a text field is not UTF-8") }
        return text
    }
}
