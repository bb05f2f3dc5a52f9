/// The ISO 6166 check digit: each letter becomes its two-digit number (A=10 … Z=35), digits stay,
/// and the Luhn algorithm runs over the resulting digit string.
///
/// Spelling the digit string out would cost an allocation and up to 22 steps per ISIN. Instead each
/// character's share of the Luhn sum comes from a table indexed by its value (0-35) and by whether
/// its last digit falls on a doubled position. A digit flips that parity for the characters to its
/// left; a letter adds two digits and keeps it. That parity shift is also where the check digit's
/// blind spots come from (`docs/isin.md`).
enum CheckDigit {
    /// Marks a byte that is neither a digit nor an upper-case ASCII letter in `values`.
    static let notAlphanumeric: UInt8 = 0xFF

    /// The ISO 6166 value of each byte: 0-9 for "0"-"9", 10-35 for "A"-"Z", `notAlphanumeric` otherwise.
    static let values: [UInt8] = {
        var table = [UInt8](repeating: notAlphanumeric, count: 256)
        for (offset, byte) in (UInt8(ascii: "0")...UInt8(ascii: "9")).enumerated() { table[Int(byte)] = UInt8(offset) }
        for (offset, byte) in (UInt8(ascii: "A")...UInt8(ascii: "Z")).enumerated() { table[Int(byte)] = UInt8(10 + offset) }
        return table
    }()

    /// Luhn share of the character with value `v` at index `v << 1 | doubled`, where `doubled` says
    /// whether its last (rightmost) digit is on a doubled position. For a letter the tens digit sits
    /// one position further left, on the other parity.
    static let shares: [UInt8] = {
        /// A doubled digit counts with the digit sum of its double: 7 → 14 → 5.
        func doubledDigit(_ digit: Int) -> Int { digit < 5 ? 2 * digit : 2 * digit - 9 }
        var table = [UInt8](repeating: 0, count: 72)
        for value in 0..<36 {
            let (tens, units) = (value / 10, value % 10)
            let plain = value < 10 ? units : units + doubledDigit(tens)
            let doubled = value < 10 ? doubledDigit(units) : doubledDigit(units) + tens
            table[value << 1] = UInt8(plain)
            table[value << 1 | 1] = UInt8(doubled)
        }
        return table
    }()

    /// The check digit for the first eleven characters, given by their ISO 6166 values (0-35),
    /// `value(0)` being the first.
    ///
    /// Luhn doubles every second digit counting leftwards from the check digit, so the digit just
    /// left of it is doubled: the scan runs right to left starting on a doubled position.
    @inline(__always)
    static func expected(_ value: (Int) -> UInt8) -> Int {
        var sum = 0
        var doubled = 1
        var index = 10
        while index >= 0 {
            let character = value(index)
            sum &+= Int(shares[Int(character) << 1 | doubled])
            doubled ^= character < 10 ? 1 : 0
            index -= 1
        }
        return (10 - sum % 10) % 10
    }
}
