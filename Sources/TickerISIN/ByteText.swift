/// How error messages name a byte: `0xE9`, or printable ASCII in quotes.
enum ByteText {
    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" : "") + digits
    }

    /// Printable ASCII in quotes, anything else as a hex byte.
    static func show(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "\"\(Character(Unicode.Scalar(byte)))\"" : hex(byte)
    }
}
