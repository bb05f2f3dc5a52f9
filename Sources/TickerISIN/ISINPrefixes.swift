/// The two-letter prefixes an ISIN may start with: the officially assigned ISO 3166-1 alpha-2
/// codes, plus the few codes that are not countries but that real ISINs carry.
///
/// ISO 6166 says the prefix is the country code of the issuing numbering agency, but international
/// bonds, EU institutions and substitute numbering agencies use codes that ISO 3166-1 never assigned
/// to a country, and an ISIN keeps its prefix for the life of the security even when the code is
/// later withdrawn. `docs/isin.md` says where each extra code comes from and which codes we
/// considered and left out.
public enum ISINPrefixes {
    /// The non-country prefixes we accept, each with what it is used for.
    public static let isinSpecific: [(code: String, use: String)] = [
        ("XS", "international securities numbered by Euroclear and Clearstream (Eurobonds)"),
        ("EU", "securities issued by European Union institutions (EU, EFSF, ESM, EIB)"),
        ("XA", "substitute numbering agency: CUSIP Global Services"),
        ("XB", "substitute numbering agency: NSD, Russia"),
        ("XC", "substitute numbering agency: WM Datenservice, Germany"),
        ("XD", "substitute numbering agency: SIX Financial Information, Switzerland"),
        ("QS", "internal and temporary numbers (Euroclear France; Germany)"),
        ("QT", "internal numbers (Switzerland)"),
        ("AN", "Netherlands Antilles, withdrawn from ISO 3166-1 in 2010; its ISINs live on"),
    ]

    /// Every accepted prefix: 249 country codes and the ISIN-specific ones.
    public static let all: Set<String> = Set(CountryCodes.officiallyAssigned).union(isinSpecific.map(\.code))

    /// Whether `prefix` (two upper-case letters) is a prefix ISINs use.
    public static func isKnown(_ prefix: some StringProtocol) -> Bool {
        let bytes = Array(prefix.utf8)
        return bytes.count == 2 && isKnown(bytes[0], bytes[1])
    }

    /// The byte-level test: one shift and one mask into a 26×26 bitmap, no hashing or allocation.
    @inline(__always)
    static func isKnown(_ first: UInt8, _ second: UInt8) -> Bool {
        let row = first &- UInt8(ascii: "A"), column = second &- UInt8(ascii: "A")
        guard row < 26, column < 26 else { return false }
        return bitmap[Int(row)] & (1 << UInt32(column)) != 0
    }

    /// Row `first letter`, bit `second letter`: set when the pair is in `all`.
    private static let bitmap: [UInt32] = {
        var rows = [UInt32](repeating: 0, count: 26)
        for code in all {
            let letters = Array(code.utf8)
            rows[Int(letters[0] - UInt8(ascii: "A"))] |= 1 << UInt32(letters[1] - UInt8(ascii: "A"))
        }
        return rows
    }()
}
