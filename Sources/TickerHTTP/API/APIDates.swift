import Foundation
import OpenAPIRuntime

/// RFC 3339 times: milliseconds out, any valid form in.
///
/// Ticker stores milliseconds, and clients write times in every form RFC 3339 allows (with or
/// without a fraction, `Z` or any offset up to ±23:59, years from 0000), more than Foundation's
/// ISO 8601 parser takes, so they are parsed here.
package struct APIDates: DateTranscoder {
    package init() {}

    package func encode(_ date: Date) throws -> String {
        RFC3339.format(date)
    }

    package func decode(_ text: String) throws -> Date {
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "'\(text.prefix(40))' is not an RFC 3339 time such as 2026-11-23T06:00:00Z"))
        }
        return date
    }
}

/// RFC 3339 date-times, section 5.6.
public enum RFC3339 {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `2026-11-23T06:00:00.000Z`.
    public static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = millis - seconds * 1000
        let parts = utc.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!,
            parts.second!, Int(fraction))
    }

    /// Nil unless `text` is a full RFC 3339 date-time. A leap second (`:60`) is read as the
    /// second after `:59`.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 40 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), bytes[4] == 0x2D, let month = number(5..<7), bytes[7] == 0x2D, let day = number(8..<10),
            [0x54, 0x74, 0x20].contains(bytes[10]), let hour = number(11..<13), bytes[13] == 0x3A, let minute = number(14..<16),
            bytes[16] == 0x3A, let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == 0x2E {
            var scale = 0.1
            index += 1
            let start = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == 0x5A || bytes[index] == 0x7A {
            index += 1
        } else {
            guard [0x2B, 0x2D].contains(bytes[index]), let offsetHour = number(index + 1..<index + 3), index + 3 < bytes.count,
                bytes[index + 3] == 0x3A, let offsetMinute = number(index + 4..<index + 6), offsetHour < 24, offsetMinute < 60
            else { return nil }
            offset = (offsetHour * 60 + offsetMinute) * 60 * (bytes[index] == 0x2D ? -1 : 1)
            index += 6
        }
        guard index == bytes.count else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        guard let base = utc.date(from: components), utc.component(.day, from: base) == day else { return nil }
        return base.addingTimeInterval(TimeInterval(second == 60 ? 1 : 0) + fraction - TimeInterval(offset))
    }
}
