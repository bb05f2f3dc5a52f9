import Foundation

/// Strict ISO 8601 instants for schedule `start`, `end` and `anchor`.
///
/// Foundation's parsers accept a prefix and ignore the rest (`2026-01-01T25:99` parses), which
/// would silently shift a schedule; this accepts exactly `YYYY-MM-DD` (midnight UTC) or a date
/// and time with a UTC offset, and checks every field's range.
enum ISO8601Text {
    static let example = "2026-01-01T06:00:00Z"

    enum Failure: Error, Equatable {
        case malformed
        case missingOffset
        case outOfRange
    }

    static func parse(_ text: String) -> Result<Date, Failure> {
        let pattern = #/(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?/#
        guard let match = text.wholeMatch(of: pattern) else { return .failure(.malformed) }
        let out = match.output
        if out.4 != nil, out.8 == nil { return .failure(.missingOffset) }
        var parts = DateComponents()
        parts.year = Int(out.1)
        parts.month = Int(out.2)
        parts.day = Int(out.3)
        parts.hour = out.4.flatMap { Int($0) } ?? 0
        parts.minute = out.5.flatMap { Int($0) } ?? 0
        parts.second = out.6.flatMap { Int($0) } ?? 0
        var offset = 0
        if let written = out.8 {
            guard let seconds = offsetSeconds(String(written)) else { return .failure(.outOfRange) }
            offset = seconds
        }
        guard let date = utcDate(parts) else { return .failure(.outOfRange) }
        let fraction = out.7.flatMap { Double("0" + $0) } ?? 0
        return .success(date.addingTimeInterval(fraction - TimeInterval(offset)))
    }

    /// Builds the date only if the calendar keeps every field as given (no rollover of Feb 30).
    private static func utcDate(_ parts: DateComponents) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        guard let date = calendar.date(from: parts) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.year == parts.year, back.month == parts.month, back.day == parts.day,
              back.hour == parts.hour, back.minute == parts.minute, back.second == parts.second else { return nil }
        return date
    }

    /// `Z`, `+01:00`, `-0530` as seconds east of UTC; nil when out of range.
    private static func offsetSeconds(_ text: String) -> Int? {
        guard text != "Z" else { return 0 }
        let sign = text.hasPrefix("-") ? -1 : 1
        let digits = text.dropFirst().filter(\.isNumber)
        guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)),
              hours <= 23, minutes <= 59 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}
