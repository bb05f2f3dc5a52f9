import Foundation

/// Renders rows as an aligned text table for people; `--json` output uses `printJSON` instead.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }

    func render() -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }

    func print() {
        if rows.isEmpty {
            Swift.print("(none)")
        } else {
            Swift.print(render())
        }
    }
}

/// Prints any Encodable as pretty JSON with ISO 8601 dates, for scripts.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

extension Date {
    /// `2026-03-29T03:00:00Z`: what tables show.
    var iso: String { formatted(.iso8601) }

    /// An ISO 8601 timestamp with the offset of `zone`, such as `2026-03-29T03:00:00+02:00`.
    func iso(in zone: TimeZone) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: zone)
        style = style.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
        return formatted(style)
    }
}

/// Parses the ISO 8601 forms people type: with or without seconds and offset (UTC if none), or
/// a plain date (midnight UTC).
func parseTime(_ text: String) -> Date? {
    let candidates = [text, text + "Z", text + ":00Z", text + "T00:00:00Z"]
    for candidate in candidates {
        if let date = try? Date(candidate, strategy: .iso8601) { return date }
    }
    let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    return try? fractional.parse(text)
}

/// Shortens durations for tables: `850ms`, `12.3s`, `4m05s`.
func humanDuration(_ seconds: Double) -> String {
    if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
    if seconds < 60 { return String(format: "%.1fs", seconds) }
    let total = Int(seconds.rounded())
    if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
    return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
}
