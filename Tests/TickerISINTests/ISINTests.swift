import Foundation
import Testing
import TickerISIN

@Suite("ISIN validation")
struct ISINTests {
    static let errorCases: [(String, ISINError)] = [
        // empty
        ("", .empty),
        ("   ", .empty),
        ("\t\r\n", .empty),
        ("- -", .empty),
        // non-ASCII, positioned in the text as given
        ("ＵＳ0378331005", .nonASCII("Ｕ", position: 1)),
        ("US03783З1005", .nonASCII("З", position: 8)),
        ("US0378331005\u{00A0}", .nonASCII("\u{00A0}", position: 13)),
        ("US 0378\u{00A0}331005", .nonASCII("\u{00A0}", position: 8)),
        ("\u{FEFF}US0378331005", .nonASCII("\u{FEFF}", position: 1)),
        ("U\u{301}S0378331005", .nonASCII("U\u{301}", position: 1)),
        ("US037833100５", .nonASCII("５", position: 12)),
        ("ＵＳ03", .nonASCII("Ｕ", position: 1)),  // non-ASCII comes before length
        // length, after normalizing
        ("US037833100", .badLength(11)),
        ("US03783310055", .badLength(13)),
        ("US\t0378331005", .badLength(13)),  // a tab inside is not a separator
        ("US#", .badLength(3)),  // length comes before characters
        // characters, positioned in the normalized text
        ("U50378331005", .badCharacter("5", position: 2)),
        ("1S0378331005", .badCharacter("1", position: 1)),
        ("US037833100X", .badCharacter("X", position: 12)),
        ("US03783#1005", .badCharacter("#", position: 8)),
        ("us 0378.31005", .badCharacter(".", position: 7)),
        ("Z10378331005", .badCharacter("1", position: 2)),  // characters come before the prefix
        // prefix
        ("ZZ0378331005", .unknownPrefix("ZZ")),
        ("zz0378331004", .unknownPrefix("ZZ")),  // prefix comes before the check digit
        ("XK0378331005", .unknownPrefix("XK")),
        ("SU0378331005", .unknownPrefix("SU")),
        // check digit
        ("US0378331004", .checkDigit(expected: 5, found: 4)),
        ("DE000BAY0010", .checkDigit(expected: 7, found: 0)),
    ]

    static let descriptionCases: [(ISINError, String)] = [
        (.empty, "empty"),
        (.nonASCII("З", position: 8), "non-ASCII character \"З\" (U+0417 CYRILLIC CAPITAL LETTER ZE) at position 8"),
        (.nonASCII("Ｕ", position: 1), "non-ASCII character \"Ｕ\" (U+FF35 FULLWIDTH LATIN CAPITAL LETTER U) at position 1"),
        (.nonASCII("\u{00A0}", position: 13), "non-ASCII character U+00A0 NO-BREAK SPACE at position 13"),
        (.badLength(11), "length should be 12, found 11"),
        (.badCharacter("5", position: 2), "character 2 should be a letter (country prefix), found \"5\""),
        (.badCharacter("#", position: 8), "character 8 should be a letter or digit, found \"#\""),
        (.badCharacter("X", position: 12), "character 12 should be a digit (check digit), found \"X\""),
        (.badCharacter("\t", position: 3), "character 3 should be a letter or digit, found U+0009"),
        (.unknownPrefix("ZZ"), "prefix \"ZZ\" is not an ISO 3166-1 country code or an ISIN prefix in use"),
        (.checkDigit(expected: 5, found: 4), "check digit should be 5, found 4"),
    ]

    @Test("real ISINs validate", arguments: KnownISINs.valid)
    func realISINs(_ known: (isin: String, what: String)) throws {
        let isin = try ISIN(validating: known.isin)
        #expect(isin.description == known.isin, "\(known.what)")
        #expect(ISIN.isValid(known.isin))
        #expect(isValidUTF8(known.isin))
    }

    @Test("the issue's EU000A1G0AQ9 has a wrong check digit; EU000A1G0AQ2 is right")
    func issueExample() {
        #expect(ISIN.validate("EU000A1G0AQ9") == .failure(.checkDigit(expected: 2, found: 9)))
        #expect(ISIN.isValid("EU000A1G0AQ2"))
    }

    @Test("parts of an ISIN")
    func parts() throws {
        let apple = try ISIN(validating: "US0378331005")
        #expect(apple.prefix == "US")
        #expect(apple.nsin == "037833100")
        #expect(apple.checkDigit == 5)
        #expect("\(apple)" == "US0378331005")
    }

    @Test("normalizing trims whitespace, removes spaces and hyphens, upper-cases", arguments: [
        ("US0378331005", "US0378331005"),
        ("us0378331005", "US0378331005"),
        ("  US0378331005 ", "US0378331005"),
        ("\tUS0378331005\r\n", "US0378331005"),
        ("\u{0B}\u{0C}US0378331005\n", "US0378331005"),
        ("US 0378 3310 05", "US0378331005"),
        ("US-037833-100-5", "US0378331005"),
        ("de-000-bay-001-7", "DE000BAY0017"),
        ("U S 0 3 7 8 3 3 1 0 0 5", "US0378331005"),
        ("-US0378331005-", "US0378331005"),
        ("Gb 000 263 494 6", "GB0002634946"),
    ])
    func normalizing(_ input: String, _ expected: String) throws {
        #expect(try ISIN(validating: input).description == expected)
        #expect(try validateUTF8(input).get().description == expected)
    }

    @Test("each rule has its error, in order", arguments: ISINTests.errorCases)
    func errors(_ input: String, _ expected: ISINError) {
        #expect(ISIN.validate(input) == .failure(expected))
        #expect(validateUTF8(input) == .failure(expected))
        #expect(throws: expected) { try ISIN(validating: input) }
        #expect(!ISIN.isValid(input))
        #expect(!isValidUTF8(input))
    }

    @Test("each error names its rule", arguments: ISINTests.descriptionCases)
    func errorDescriptions(_ error: ISINError, _ text: String) {
        #expect(error.description == text)
    }

    @Test("ISINs compare and hash by their normalized text")
    func equalityAndOrder() throws {
        let spellings = ["US0378331005", "us 0378 3310 05", "US-0378331005"]
        let values = try spellings.map { try ISIN(validating: $0) }
        #expect(Set(values).count == 1)
        let texts = KnownISINs.valid.map(\.isin)
        let sorted = try texts.map { try ISIN(validating: $0) }.sorted().map(\.description)
        #expect(sorted == texts.sorted())
    }

    @Test("an ISIN encodes as its text and decoding validates")
    func codable() throws {
        let isin = try ISIN(validating: "us0378331005")
        let data = try JSONEncoder().encode([isin])
        #expect(String(decoding: data, as: UTF8.self) == #"["US0378331005"]"#)
        #expect(try JSONDecoder().decode([ISIN].self, from: data) == [isin])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ISIN].self, from: Data(#"["US0378331004"]"#.utf8)) }
    }
}

@Suite("ISIN prefixes")
struct ISINPrefixTests {
    @Test("249 country codes plus the ISIN-specific ones, all two capital letters")
    func counts() {
        let specific = ISINPrefixes.isinSpecific.map(\.code)
        #expect(specific.sorted() == ["AN", "EU", "QS", "QT", "XA", "XB", "XC", "XD", "XS"])
        #expect(ISINPrefixes.all.count == 249 + specific.count)
        for code in ISINPrefixes.all {
            #expect(code.count == 2 && code.allSatisfy { ("A"..."Z").contains($0) }, "\(code)")
        }
    }

    @Test("the bitmap answers like the set for all 676 letter pairs")
    func bitmap() {
        for first in Reference.letters {
            for second in Reference.letters {
                let code = String([first, second])
                #expect(ISINPrefixes.isKnown(code) == ISINPrefixes.all.contains(code), "\(code)")
            }
        }
        #expect(!ISINPrefixes.isKnown("U"))
        #expect(!ISINPrefixes.isKnown("USA"))
        #expect(!ISINPrefixes.isKnown("us"))
    }

    @Test("examples in and out", arguments: [
        ("US", true), ("DE", true), ("GB", true), ("CW", true), ("SS", true), ("XS", true), ("EU", true),
        ("XA", true), ("XD", true), ("QS", true), ("QT", true), ("AN", true),
        ("UK", false), ("EL", false), ("XK", false), ("XF", false), ("ZZ", false), ("CS", false), ("YU", false),
        ("SU", false), ("AA", false), ("XE", false),
    ])
    func examples(_ code: String, _ known: Bool) {
        #expect(ISINPrefixes.isKnown(code) == known)
    }

    /// Catches drift when the machine has Debian's iso-codes (the list is kept by hand).
    @Test("the country codes are exactly ISO 3166-1 as Debian's iso-codes lists it",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/iso-codes/json/iso_3166-1.json")))
    func matchesIsoCodes() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/usr/share/iso-codes/json/iso_3166-1.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: [[String: String]]]
        let system = Set((object?["3166-1"] ?? []).compactMap { $0["alpha_2"] })
        let countries = ISINPrefixes.all.subtracting(ISINPrefixes.isinSpecific.map(\.code))
        #expect(countries == system)
    }
}
