import ArgumentParser
import Foundation
import TickerCore

struct NextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Print the next fire times of a cron expression, one ISO 8601 time with offset per line.",
        discussion: """
            Examples:
              ticker next "*/15 * * * *" --tz Europe/Berlin --count 4
              ticker next "30 2 * * *" --tz America/New_York --after 2026-03-07T00:00:00Z --json
            """)

    @Argument(help: "A cron expression (5 fields, or 6 with leading seconds) or a macro such as @daily.")
    var expression: String

    @Option(help: "IANA time zone the expression is read in.") var tz = "UTC"
    @Option(help: "Start after this instant (ISO 8601; default now).") var after: String?
    @Option(help: "How many fire times.") var count = 5
    @Flag(help: "Print a JSON array of strings.") var json = false

    func run() async throws {
        guard (1...10_000).contains(count) else { throw ValidationError("--count must be between 1 and 10000") }
        guard let zone = TimeZone(identifier: tz) else {
            throw ValidationError("unknown time zone '\(tz)'; use an IANA name such as Europe/Berlin")
        }
        let start = try after.map { text in
            guard let date = parseTime(text) else { throw ValidationError("--after '\(text)' is not an ISO 8601 time") }
            return date
        } ?? Date()
        let cron: CronExpression
        do {
            cron = try CronExpression(expression)
        } catch {
            throw ValidationError(Self.pointAt(error, in: expression))
        }
        guard cron.canFire else {
            throw ValidationError("'\(expression)' never fires: no date matches its day-of-month and month fields")
        }
        var times: [Date] = []
        var cursor = start
        while times.count < count, let next = cron.nextFire(after: cursor, in: zone) {
            times.append(next)
            cursor = next
        }
        let lines = times.map { $0.iso(in: zone) }
        if json { return try printJSON(lines) }
        lines.forEach { print($0) }
    }

    /// The error with a caret under the offending field, as compilers do.
    static func pointAt(_ error: CronError, in expression: String) -> String {
        let caret = String(repeating: " ", count: max(error.column - 1, 0)) + String(repeating: "^", count: max(error.token.count, 1))
        return "\(error)\n  \(expression)\n  \(caret)"
    }
}
