import PropertyBased
import TickerISIN

/// A deliberately plain ISO 6166 validator to judge the fast one by: it spells the digit string out
/// ("US037833100" → "3028037833100") and runs Luhn over it exactly as the standard describes, on
/// `String`s and `Character`s, sharing no code with `TickerISIN` but the prefix list.
enum Reference {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let digits = Array("0123456789")
    static let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// ISO 6166's number for a character: 0-9, A=10 … Z=35.
    static func number(_ character: Character) -> Int { alphabet.firstIndex(of: character)! }

    /// The check digit of eleven characters of `alphabet`.
    static func checkDigit(_ first11: some StringProtocol) -> Int {
        let digitString = first11.map { String(number($0)) }.joined()
        var sum = 0
        for (offsetFromRight, digit) in digitString.reversed().enumerated() {
            let value = Int(String(digit))!
            let weighted = offsetFromRight % 2 == 0 ? 2 * value : value
            sum += weighted / 10 + weighted % 10
        }
        return (10 - sum % 10) % 10
    }

    /// Eleven characters plus their check digit.
    static func complete(_ first11: String) -> String { first11 + String(checkDigit(first11)) }

    /// Whether the check digit of the (12-character, alphanumeric) `isin` is right, ignoring the prefix.
    static func checkDigitHolds(_ isin: String) -> Bool {
        guard let last = isin.last, let found = last.wholeNumberValue, last.isASCII else { return false }
        return checkDigit(isin.dropLast()) == found
    }

    /// The rules in the order the documentation gives them, on the text as a person reads it.
    static func validate(_ text: String) -> Result<String, ISINError> {
        for (offset, character) in text.enumerated() where !character.isASCII {
            return .failure(.nonASCII(character, position: offset + 1))
        }
        // All ASCII from here on: one scalar per character, even for "\r\n".
        var ascii = ArraySlice(text.unicodeScalars.map(Character.init))
        let whitespace: Set<Character> = [" ", "\t", "\n", "\u{0B}", "\u{0C}", "\r"]
        while let first = ascii.first, whitespace.contains(first) { ascii.removeFirst() }
        while let last = ascii.last, whitespace.contains(last) { ascii.removeLast() }
        let normalized = ascii.filter { $0 != " " && $0 != "-" }.map { $0.isLowercase ? Character($0.uppercased()) : $0 }
        guard !normalized.isEmpty else { return .failure(.empty) }
        guard normalized.count == 12 else { return .failure(.badLength(normalized.count)) }
        for (offset, character) in normalized.enumerated() {
            let allowed: Bool = switch offset {
            case 0, 1: letters.contains(character)
            case 11: digits.contains(character)
            default: alphabet.contains(character)
            }
            if !allowed { return .failure(.badCharacter(character, position: offset + 1)) }
        }
        let prefix = String(normalized.prefix(2))
        let isin = String(normalized)
        guard ISINPrefixes.all.contains(prefix) else { return .failure(.unknownPrefix(prefix)) }
        let expected = checkDigit(isin.prefix(11))
        let found = normalized.last!.wholeNumberValue!
        guard expected == found else { return .failure(.checkDigit(expected: expected, found: found)) }
        return .success(isin)
    }
}

/// Real ISINs of well-known securities, each checked against python-stdnum as well.
enum KnownISINs {
    static let valid: [(isin: String, what: String)] = [
        ("US0378331005", "Apple Inc."),
        ("US5949181045", "Microsoft Corp."),
        ("DE000BAY0017", "Bayer AG"),
        ("GB0002634946", "BAE Systems plc"),
        ("AU0000XVGZA3", "Treasury Corporation of Victoria bond"),
        ("FR0000120271", "TotalEnergies SE"),
        ("CH0012032048", "Roche Holding (Genussschein)"),
        ("JP3633400001", "Toyota Motor Corp."),
        ("IE00B4L5Y983", "iShares Core MSCI World UCITS ETF"),
        ("XS2021832634", "Eurobond, from the issue that asked for this validator"),
        ("EU000A1G0AB4", "European Financial Stability Facility bond"),
        ("EU000A283859", "European Union SURE bond"),
        ("AN8068571086", "Schlumberger (SLB), a Netherlands Antilles ISIN"),
    ]
}

/// Random ISIN-shaped inputs.
enum ISINGen {
    static let prefixes = ISINPrefixes.all.sorted()

    /// A valid ISIN: a known prefix, nine characters from `alphabet` with a random share of letters
    /// (none, as in most CUSIPs, up to all), and the reference check digit.
    static let valid = Generator<String, Shrink.None<String>> { rng in
        let letterShare = [0, 0.1, 0.5, 1.0].randomElement(using: &rng)!
        var first11 = prefixes.randomElement(using: &rng)!
        for _ in 0..<9 {
            let pool = Double.random(in: 0..<1, using: &rng) < letterShare ? Reference.letters : Reference.digits
            first11.append(pool.randomElement(using: &rng)!)
        }
        return Reference.complete(first11)
    }

    /// Characters edits draw from: ASCII that normalizing removes or rejects, and non-ASCII look-alikes.
    static let noise: [Character] = [
        " ", "-", "\t", "\r", "\n", "#", ".", "_", "/", "0", "9", "A", "z",
        "З", "О", "Ｕ", "０", "\u{00A0}", "\u{FEFF}", "é", "\u{301}", "\u{200B}",
    ]

    /// A valid ISIN after zero to four random edits: insertions, deletions, replacements, case
    /// changes, drawn from `noise` and the ISIN alphabet. Some stay valid, most do not.
    static let messy = Generator<String, Shrink.None<String>> { rng in
        var characters = Array(valid.run(using: &rng))
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            let pool = Bool.random(using: &rng) ? noise : Reference.alphabet
            let character = pool.randomElement(using: &rng)!
            let at = Int.random(in: 0...characters.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: characters.insert(character, at: at)
            case 1 where at < characters.count: characters.remove(at: at)
            case 2 where at < characters.count: characters[at] = character
            default: characters = characters.map { Bool.random(using: &rng) ? Character($0.lowercased()) : $0 }
            }
        }
        return String(characters)
    }
}

/// Validates `text` through the byte-level entry point, as `ticker isin validate` does.
func validateUTF8(_ text: String) -> Result<ISIN, ISINError> {
    Array(text.utf8).withUnsafeBufferPointer { ISIN.validate(utf8: $0) }
}

func isValidUTF8(_ text: String) -> Bool {
    Array(text.utf8).withUnsafeBufferPointer { ISIN.isValid(utf8: $0) }
}

extension Result where Success == ISIN {
    /// The ISIN's text or the error, for comparing with `Reference.validate`.
    var asText: Result<String, Failure> { map(\.description) }
}
