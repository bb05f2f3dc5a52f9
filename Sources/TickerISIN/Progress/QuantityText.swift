import Foundation

/// Byte counts, row counts and durations as an operator reads them in a log line: decimal units
/// (1 MB = 1,000,000 bytes, as download tools and disk vendors count), thousands separated by
/// commas, and the same text whatever the machine's locale.
public enum QuantityText {
    private static let byteUnits = ["kB", "MB", "GB", "TB", "PB"]

    /// `512 bytes`, `1.5 kB`, `12.3 MB`, `80.0 MB`: always one decimal, so a progress line keeps
    /// its shape as the number grows.
    public static func bytes(_ count: Int64) -> String {
        guard abs(count) >= 1000 else { return count == 1 ? "1 byte" : "\(count) bytes" }
        var value = Double(count) / 1000
        var unit = 0
        // 999,960 bytes is "1.0 MB", not "1000.0 kB".
        while abs(value) >= 999.95, unit < byteUnits.count - 1 {
            value /= 1000
            unit += 1
        }
        return String(format: "%.1f %@", value, byteUnits[unit])
    }

    /// Like `bytes`, without a trailing `.0`: `100 MB`, for limits a person wrote down.
    public static func roundBytes(_ count: Int64) -> String {
        let text = bytes(count)
        return text.replacingOccurrences(of: ".0 ", with: " ")
    }

    /// `12,345`.
    public static func grouped(_ number: Int64) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return number < 0 ? "-" + result : result
    }

    /// `0.5 s`, `5 s`, `2.5 s`, `2 min 5 s`, `1 h 3 min`: exact where it is short, coarser where
    /// the seconds no longer matter.
    public static func duration(_ duration: Duration) -> String {
        let seconds = max(0, Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        if seconds < 60 {
            let tenths = (seconds * 10).rounded()
            if tenths.truncatingRemainder(dividingBy: 10) == 0 { return "\(Int(tenths / 10)) s" }
            return String(format: "%.1f s", tenths / 10)
        }
        let whole = Int(seconds.rounded())
        if whole < 3600 {
            let (minutes, rest) = whole.quotientAndRemainder(dividingBy: 60)
            return rest == 0 ? "\(minutes) min" : "\(minutes) min \(rest) s"
        }
        let (hours, rest) = whole.quotientAndRemainder(dividingBy: 3600)
        let minutes = rest / 60
        return minutes == 0 ? "\(hours) h" : "\(hours) h \(minutes) min"
    }
}
