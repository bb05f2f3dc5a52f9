/// Why a text is not an ISIN: the first rule it breaks, in the order the rules are checked.
///
/// Each `description` names its rule, so that a person reading `check digit should be 5, found 4`
/// or `length should be 12, found 11` knows what to fix without reading ISO 6166. Positions are
/// 1-based: for `nonASCII` in the text as given (the text cannot be normalized), for
/// `badCharacter` in the 12 normalized characters.
public enum ISINError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nothing left after trimming whitespace and removing spaces and hyphens.
    case empty
    /// A character outside ASCII, such as a full-width digit or a Cyrillic letter that looks Latin.
    case nonASCII(Character, position: Int)
    /// The normalized text is not 12 characters long; the associated value is its length.
    case badLength(Int)
    /// A character not allowed where it stands: the prefix takes letters, the check digit a digit,
    /// the nine characters between them letters or digits.
    case badCharacter(Character, position: Int)
    /// The first two letters are neither an ISO 3166-1 country code nor an ISIN prefix in use.
    case unknownPrefix(String)
    /// The last digit is not the ISO 6166 check digit of the first eleven characters.
    case checkDigit(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .empty:
            return "empty"
        case let .nonASCII(character, position):
            return "non-ASCII character \(Self.show(character)) at position \(position)"
        case let .badLength(length):
            return "length should be 12, found \(length)"
        case let .badCharacter(character, position):
            return "character \(position) should be \(Self.allowed(at: position)), found \(Self.show(character))"
        case let .unknownPrefix(prefix):
            return "prefix \"\(prefix)\" is not an ISO 3166-1 country code or an ISIN prefix in use"
        case let .checkDigit(expected, found):
            return "check digit should be \(expected), found \(found)"
        }
    }

    private static func allowed(at position: Int) -> String {
        switch position {
        case 1, 2: return "a letter (country prefix)"
        case 12: return "a digit (check digit)"
        default: return "a letter or digit"
        }
    }

    /// Printable ASCII in quotes; anything else also by code point and Unicode name, because the
    /// point of the error is often a character that looks like the one expected (`З` for `3`).
    private static func show(_ character: Character) -> String {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let scalar = scalars.first, (0x21...0x7E).contains(scalar.value) {
            return "\"\(character)\""
        }
        let named = scalars.map { scalar in
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            guard let name = scalar.properties.name ?? scalar.properties.nameAlias else { return code }
            return "\(code) \(name)"
        }.joined(separator: ", ")
        let visible = scalars.allSatisfy { scalar in
            !scalar.properties.isWhitespace && ![.control, .format].contains(scalar.properties.generalCategory)
        }
        return visible ? "\"\(character)\" (\(named))" : named
    }
}
