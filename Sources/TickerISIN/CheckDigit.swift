/// The ISO 6166 check digit: each letter becomes its two-digit number (A=10 … Z=35), digits stay,
/// and the Luhn algorithm runs over the resulting digit string.
///
/// Spelling the digit string out would cost an allocation and up to 22 steps per ISIN. Instead each
/// character's share of the Luhn sum comes from a table indexed by its ASCII byte and by whether
/// its last digit falls on a doubled position. A digit flips that parity for the characters to its
/// left; a letter adds two digits and keeps it. That parity shift is also where the check digit's
/// blind spots come from (`docs/isin.md`).
enum CheckDigit {
    /// Luhn share of each character, at index `byte << 1 | doubled`, where `byte` is the ASCII
    /// digit or upper-case letter and `doubled` (0 or 1) says whether its last, rightmost digit is
    /// on a doubled position. For a letter the tens digit sits one position further left, on the
    /// other parity. Other bytes have no share; the character rules reject them first.
    static let shares: [UInt8] = {
        /// A doubled digit counts with the digit sum of its double: 7 → 14 → 5.
        func doubledDigit(_ digit: Int) -> Int { digit < 5 ? 2 * digit : 2 * digit - 9 }
        var table = [UInt8](repeating: 0, count: 512)
        let characters = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for (value, byte) in characters.enumerated() {
            let (tens, units) = (value / 10, value % 10)
            table[Int(byte) << 1] = UInt8(value < 10 ? units : units + doubledDigit(tens))
            table[Int(byte) << 1 | 1] = UInt8(value < 10 ? doubledDigit(units) : doubledDigit(units) + tens)
        }
        return table
    }()

    /// The check digit for the first eleven bytes of `text`, which must be digits and upper-case
    /// ASCII letters.
    ///
    /// Luhn doubles every second digit counting leftwards from the check digit, so the digit just
    /// left of it is doubled: the scan runs right to left starting on a doubled position.
    @inline(__always)
    static func expected(_ text: UnsafeRawBufferPointer) -> Int {
        shares.withUnsafeBufferPointer { shares in
            var sum = 0
            var doubled = 1
            for index in stride(from: 10, through: 0, by: -1) {
                let byte = text[index]
                sum &+= Int(shares[Int(byte) << 1 | doubled])
                doubled ^= byte < UInt8(ascii: "A") ? 1 : 0
            }
            return (10 - sum % 10) % 10
        }
    }
}
