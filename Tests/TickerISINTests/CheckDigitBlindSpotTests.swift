import PropertyBased
import Testing
import TickerISIN

/// The mistakes ISO 6166's check digit cannot catch, as `docs/isin.md` lists them, checked
/// exhaustively where that is cheap and on a fixed corpus of real-looking ISINs otherwise.
///
/// All of them follow from one fact: each digit of the spelled-out digit string adds to the Luhn
/// sum an amount that depends only on its value and on whether its position is doubled. Any change
/// that keeps the multiset of (digit, doubled) pairs, or trades pairs of equal share, is invisible.
@Suite("Check digit blind spots")
struct CheckDigitBlindSpotTests {
    /// The real ISINs and 3,000 generated ones with a fixed seed.
    static let corpus: [String] = {
        var rng = Xoshiro(seed: (6166, 3166, 2, 12))
        var generated: [String] = []
        for _ in 0..<3_000 { generated.append(ISINGen.valid.run(using: &rng)) }
        return KnownISINs.valid.map(\.isin) + generated
    }()

    @Test("the letter-pair tables follow from the digit string, for both parities")
    func letterPairTables() {
        for unitsDoubled in [true, false] {
            var derived: Set<String> = []
            for first in Reference.letters {
                for second in Reference.letters where first < second {
                    // Put each letter where its units digit is (or is not) doubled: just left of the
                    // check digit position, or one digit further left.
                    let tail = unitsDoubled ? "" : "0"
                    let a = "US" + String(repeating: "0", count: 8 - tail.count) + String(first) + tail
                    let b = "US" + String(repeating: "0", count: 8 - tail.count) + String(second) + tail
                    if Reference.checkDigit(a) == Reference.checkDigit(b) { derived.insert(String([first, second])) }
                }
            }
            #expect(derived == ISINProperties.letterPairs(unitsDoubled: unitsDoubled))
        }
    }

    @Test("one letter of the prefix can change into another valid prefix unnoticed")
    func prefixSubstitutions() {
        let cases: [(String, [String])] = [
            ("US0378331005", ["ES0378331005", "MS0378331005", "UA0378331005"]),
            ("GB0002634946", ["GT0002634946"]),
            ("DE000BAY0017", ["RE000BAY0017"]),
            ("XS2021832634", ["PS2021832634", "XA2021832634"]),
        ]
        for (isin, expected) in cases {
            var passing: [String] = []
            for index in 0..<2 {
                for letter in Reference.letters where letter != Array(isin)[index] {
                    let changed = replacingCharacter(index, of: isin, with: letter)
                    if ISIN.isValid(changed) { passing.append(changed) }
                }
            }
            #expect(passing.sorted() == expected, "\(isin)")
        }
    }

    @Test("swapped prefix letters pass whenever the swapped prefix exists: GB/BG, XS/SX")
    func prefixSwaps() {
        #expect(ISIN.isValid("BG0002634946"))
        #expect(ISIN.isValid("SX2021832634"))
        #expect(ISIN.validate("SU0378331005") == .failure(.unknownPrefix("SU")))
    }

    /// The exhaustive search: every adjacent transposition of every corpus ISIN, judged against the
    /// rule — two letters always pass the check digit, two digits only as 0 and 9, a letter and a
    /// digit only when the letter is B, M or X (11, 22, 33: both digits equal).
    @Test("adjacent transpositions pass exactly as the documented rule predicts")
    func adjacentTranspositions() {
        var missedByKind: [String: Int] = [:]
        for isin in Self.corpus {
            let characters = Array(isin)
            for index in 0..<11 where characters[index] != characters[index + 1] {
                var swapped = characters
                swapped.swapAt(index, index + 1)
                let (left, right) = (characters[index], characters[index + 1])
                let checkPasses: Bool
                let kind: String
                switch (left.isLetter, right.isLetter) {
                case (true, true):
                    checkPasses = true
                    kind = "letter-letter"
                case (false, false):
                    checkPasses = Set([left, right]) == ["0", "9"]
                    kind = "digit-digit"
                default:
                    checkPasses = "BMX".contains(left.isLetter ? left : right)
                    kind = "letter-digit"
                }
                let text = String(swapped)
                let shapeHolds = swapped[0].isLetter && swapped[1].isLetter && swapped[11].isNumber
                let expected = shapeHolds && ISINPrefixes.isKnown(text.prefix(2)) && checkPasses
                #expect(ISIN.isValid(text) == expected, "\(isin) → \(text)")
                if shapeHolds { #expect(Reference.checkDigitHolds(text) == checkPasses, "\(isin) → \(text)") }
                if ISIN.isValid(text) { missedByKind[kind, default: 0] += 1 }
            }
        }
        // Each kind of miss does occur in the corpus.
        #expect(missedByKind.keys.sorted() == ["digit-digit", "letter-digit", "letter-letter"])
    }

    @Test("two digits with a digit between them swap unnoticed, check digit included")
    func jumpTranspositions() async {
        await propertyCheck(count: 300, input: ISINGen.valid) { isin in
            let characters = Array(isin)
            for index in 2...9 where characters[index...(index + 2)].allSatisfy(\.isNumber) {
                var swapped = characters
                swapped.swapAt(index, index + 2)
                #expect(ISIN.isValid(String(swapped)), "\(isin) → \(String(swapped))")
            }
        }
    }

    @Test("a letter moved past an even number of digits (and any letters) goes unnoticed")
    func letterMoves() async {
        await propertyCheck(count: 300, input: ISINGen.valid) { isin in
            let characters = Array(isin)
            for from in 2..<11 where characters[from].isLetter {
                for to in (from + 1)..<11 where characters[(from + 1)...to].filter(\.isNumber).count % 2 == 0 {
                    var moved = characters
                    moved.insert(moved.remove(at: from), at: to)
                    #expect(ISIN.isValid(String(moved)), "\(isin) → \(String(moved))")
                }
            }
        }
        #expect(ISIN.isValid("DE000AY00B17"))  // DE000BAY0017 with the B moved past A, Y, 0, 0
    }

    @Test("twin digits 22↔55, 33↔66, 44↔77 change unnoticed; other digit twins are caught")
    func twinErrors() {
        let unnoticed: Set<Set<Character>> = [["2", "5"], ["3", "6"], ["4", "7"]]
        for base in Self.corpus.prefix(300) {
            for index in 2...9 {
                for a in Reference.digits {
                    var first11 = Array(base.prefix(11))
                    first11[index] = a
                    first11[index + 1] = a
                    let original = Reference.complete(String(first11))
                    for b in Reference.digits where b != a {
                        let changed = replacingCharacter(index + 1, of: replacingCharacter(index, of: original, with: b), with: b)
                        #expect(ISIN.isValid(changed) == unnoticed.contains([a, b]), "\(original) → \(changed)")
                    }
                }
            }
        }
    }

    @Test("examples: Bayer's DE000BAY0017 with its letters or a B moved")
    func bayerExamples() {
        #expect(ISIN.isValid("DE000ABY0017"))  // BA → AB
        #expect(ISIN.isValid("DE000BYA0017"))  // AY → YA
        #expect(ISIN.isValid("DE00B0AY0017"))  // 0B → B0: B is 11, two equal digits
        #expect(ISIN.validate("DE000BA0Y017") == .failure(.checkDigit(expected: 6, found: 7)))  // Y0 → 0Y is caught
    }
}
