/// Durations as people write them: `90s`, `15m`, `1h30m`, `2d`, `1w`, `500ms`, or plain seconds (`30`).
///
/// Parts go from the largest unit to the smallest, each unit at most once, optionally separated
/// by spaces. Units: `w` (7 days), `d`, `h`, `m`, `s`, `ms`, `us` (or `µs`), `ns`. Only whole
/// numbers are accepted: `1h30m` rather than `1.5h`, so every text has one obvious meaning.
public enum DurationText {
    /// A unit with its length in nanoseconds, largest first.
    private static let units: [(symbol: String, nanoseconds: Int64)] = [
        ("w", 604_800 * 1_000_000_000), ("d", 86_400 * 1_000_000_000), ("h", 3_600 * 1_000_000_000),
        ("m", 60 * 1_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000), ("ns", 1),
    ]

    public static func parse(_ text: String) throws(DurationTextError) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .empty }
        guard !trimmed.hasPrefix("-") else { throw .negative(trimmed) }
        if trimmed.allSatisfy(\.isASCIIDigit) {
            guard let seconds = Int64(trimmed), seconds <= Int64.max / 1_000_000_000 else { throw .tooLarge(trimmed) }
            return .seconds(seconds)
        }
        return .nanoseconds(try parseParts(trimmed))
    }

    /// The canonical text: the largest units first, zero parts left out (`1h30m`, `500ms`, `0s`).
    public static func format(_ duration: Duration) -> String {
        if duration < .zero { return "-" + format(.zero - duration) }
        let (seconds, attoseconds) = duration.components
        var parts = ""
        var rest = seconds
        for (symbol, length) in units.prefix(5) {
            let size = length / 1_000_000_000
            if rest >= size { parts += "\(rest / size)\(symbol)"; rest %= size }
        }
        var nanoseconds = attoseconds / 1_000_000_000
        for (symbol, length) in units.suffix(3) where nanoseconds >= length {
            parts += "\(nanoseconds / length)\(symbol)"
            nanoseconds %= length
        }
        return parts.isEmpty ? "0s" : parts
    }

    private static func parseParts(_ text: String) throws(DurationTextError) -> Int64 {
        var reader = Substring(text)
        var total: Int64 = 0
        var smallestSoFar = Int64.max
        while let first = reader.first {
            if first == " " { reader.removeFirst(); continue }
            let digits = reader.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty else { throw .expectedNumber(text, found: String(first)) }
            reader.removeFirst(digits.count)
            guard reader.first != "." && reader.first != "," else { throw .fraction(text) }
            let symbol = String(reader.prefix(while: { $0.isLetter }))
            reader.removeFirst(symbol.count)
            guard !symbol.isEmpty else { throw .missingUnit(text, number: String(digits)) }
            guard let length = units.first(where: { $0.symbol == symbol || (symbol == "µs" && $0.symbol == "us") })?.nanoseconds else {
                throw .unknownUnit(text, unit: symbol)
            }
            guard length < smallestSoFar else { throw .unitsOutOfOrder(text, unit: symbol) }
            smallestSoFar = length
            guard let count = Int64(digits) else { throw .tooLarge(text) }
            let (part, overflow) = count.multipliedReportingOverflow(by: length)
            let (sum, sumOverflow) = total.addingReportingOverflow(part)
            guard !overflow, !sumOverflow else { throw .tooLarge(text) }
            total = sum
        }
        return total
    }
}

/// Why a duration text could not be read.
public enum DurationTextError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case negative(String)
    case expectedNumber(String, found: String)
    case fraction(String)
    case missingUnit(String, number: String)
    case unknownUnit(String, unit: String)
    case unitsOutOfOrder(String, unit: String)
    case tooLarge(String)

    private static let unitList = "w, d, h, m, s, ms, us or ns"

    public var description: String {
        switch self {
        case .empty:
            "empty duration; write something like 90s, 15m or 1h30m"
        case .negative(let text):
            "duration \"\(text)\" is negative; durations must be zero or more"
        case .expectedNumber(let text, let found):
            "duration \"\(text)\": expected a whole number but found \"\(found)\""
        case .fraction(let text):
            "duration \"\(text)\": fractions are not supported; combine units instead, such as 1h30m"
        case .missingUnit(let text, let number):
            "duration \"\(text)\": \"\(number)\" needs a unit (\(Self.unitList))"
        case .unknownUnit(let text, let unit):
            "duration \"\(text)\": unknown unit \"\(unit)\"; use \(Self.unitList)"
        case .unitsOutOfOrder(let text, let unit):
            "duration \"\(text)\": \"\(unit)\" comes after a smaller or equal unit; write units from largest to smallest, each once"
        case .tooLarge(let text):
            "duration \"\(text)\" is too large"
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
