/// An International Securities Identification Number (ISO 6166) that passed every rule: twelve
/// characters, a known two-letter prefix, nine letters or digits, and the right check digit.
///
/// The only ways to get one validate, so holding an `ISIN` means holding a valid one, normalized
/// (`us 0378-3310 05` becomes `US0378331005`). The twelve ASCII characters are kept in two integers
/// rather than a `String`: copying, hashing and comparing them costs no reference counting, and
/// validating an already normalized input allocates nothing.
public struct ISIN: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Characters 1-8 as ASCII bytes, the first in the most significant byte.
    let head: UInt64
    /// Characters 9-12, the same way; together with `head`, integer order is text order.
    let tail: UInt32

    /// Unchecked: only `Normalization` builds candidates, and only validation hands them out.
    init(head: UInt64, tail: UInt32) {
        self.head = head
        self.tail = tail
    }

    /// Normalizes and validates `text`, throwing the first rule it breaks.
    public init(validating text: String) throws(ISINError) {
        self = try Self.validate(text).get()
    }

    /// Normalizes and validates `text`: the ISIN, or the first rule it breaks.
    public static func validate(_ text: String) -> Result<ISIN, ISINError> {
        let outcome = text.utf8.withContiguousStorageIfAvailable { Normalization.normalize($0) }
            ?? Normalization.normalize(text.utf8)
        return judge(outcome) { Normalization.nonASCIIError(in: text) }
    }

    /// `validate(_:)` on UTF-8 bytes, such as a line read from a file, without making a `String`.
    /// Allocates nothing unless the bytes hold a non-ASCII character (then the error names it).
    public static func validate(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Result<ISIN, ISINError> {
        judge(Normalization.normalize(bytes)) { Normalization.nonASCIIError(in: String(decoding: bytes, as: UTF8.self)) }
    }

    /// Whether `text` normalizes to a valid ISIN.
    public static func isValid(_ text: String) -> Bool {
        if case .success = validate(text) { return true }
        return false
    }

    /// Whether the UTF-8 `bytes` normalize to a valid ISIN. Never allocates.
    public static func isValid(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard case let .twelve(candidate) = Normalization.normalize(bytes) else { return false }
        return candidate.firstBrokenRule() == nil
    }

    /// The two-letter prefix: a country code such as `US`, or an ISIN-specific one such as `XS`.
    public var prefix: String { text(0..<2) }

    /// The nine characters of the national securities identifying number, such as a CUSIP.
    public var nsin: String { text(2..<11) }

    /// The last character's value, 0-9.
    public var checkDigit: Int { Int(byte(11) &- UInt8(ascii: "0")) }

    /// The twelve characters, such as `US0378331005`.
    public var description: String { text(0..<12) }

    public static func < (lhs: ISIN, rhs: ISIN) -> Bool {
        (lhs.head, lhs.tail) < (rhs.head, rhs.tail)
    }

    // MARK: - Rules

    private static func judge(_ outcome: Normalization.Outcome, nonASCII: () -> ISINError) -> Result<ISIN, ISINError> {
        switch outcome {
        case let .twelve(candidate):
            if let broken = candidate.firstBrokenRule() { return .failure(broken) }
            return .success(candidate)
        case .length(0):
            return .failure(.empty)
        case let .length(count):
            return .failure(.badLength(count))
        case .nonASCII:
            return .failure(nonASCII())
        }
    }

    /// Characters, then prefix, then check digit; nil when all hold.
    func firstBrokenRule() -> ISINError? {
        withUnsafeBytes(of: (head.bigEndian, tail.bigEndian)) { text in
            func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
            func isLetter(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "A") < 26 }
            func misplaced(_ index: Int) -> ISINError {
                .badCharacter(Character(Unicode.Scalar(text[index])), position: index + 1)
            }
            for index in 0..<2 where !isLetter(text[index]) { return misplaced(index) }
            for index in 2..<11 where !isLetter(text[index]) && !isDigit(text[index]) { return misplaced(index) }
            guard isDigit(text[11]) else { return misplaced(11) }
            guard ISINPrefixes.isKnown(text[0], text[1]) else { return .unknownPrefix(prefix) }
            let expected = CheckDigit.expected(text)
            return expected == checkDigit ? nil : .checkDigit(expected: expected, found: checkDigit)
        }
    }

    /// The ASCII byte of character `index` (0-based).
    func byte(_ index: Int) -> UInt8 {
        index < 8
            ? UInt8(truncatingIfNeeded: head >> UInt64(56 - 8 * index))
            : UInt8(truncatingIfNeeded: tail >> UInt32(24 - 8 * (index - 8)))
    }

    /// Characters `range` as a string; at most 15 ASCII bytes, so a small string with no allocation.
    private func text(_ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            for (slot, index) in range.enumerated() { buffer[slot] = byte(index) }
            return range.count
        }
    }
}
