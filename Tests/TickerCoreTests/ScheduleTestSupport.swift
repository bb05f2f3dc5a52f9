import Foundation
import TickerCore

/// Shared helpers for the schedule tests: instants written as ISO 8601 text, and fire times
/// rendered in the schedule's zone so a failing expectation shows the wall time and the offset.
enum ScheduleFixtures {
    /// Parses `2026-03-29T03:00:00+02:00` or `...Z`, optionally with fractional seconds.
    static func instant(_ text: String) -> Date {
        let fractional = formatter(zone: nil)
        fractional.formatOptions.insert(.withFractionalSeconds)
        guard let date = formatter(zone: nil).date(from: text) ?? fractional.date(from: text) else {
            preconditionFailure("bad ISO 8601 instant in test: \(text)")
        }
        return date
    }

    /// `date` as ISO 8601 with the offset in force in `zone` (`Z` for UTC).
    static func text(_ date: Date, in zone: String) -> String {
        formatter(zone: TimeZone(identifier: zone)).string(from: date)
    }

    static func zone(_ identifier: String) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else { preconditionFailure("unknown zone \(identifier)") }
        return zone
    }

    /// The next `count` fire times of a cron expression after `after`, as text in `zone`.
    static func fires(_ expression: String, in zone: String = "UTC", after: String, count: Int) throws -> [String] {
        let cron = try CronExpression(expression)
        let timeZone = Self.zone(zone)
        var cursor = instant(after)
        var result: [String] = []
        for _ in 0..<count {
            guard let fire = cron.nextFire(after: cursor, in: timeZone) else { break }
            result.append(text(fire, in: zone))
            cursor = fire
        }
        return result
    }

    /// Fire times of a cron expression in `(after, through]`, as text in `zone`.
    static func fires(_ expression: String, in zone: String, after: String, through: String) throws -> [String] {
        let schedule = try Schedule(spec: ScheduleSpec(rule: .cron(expression), timeZone: zone))
        return schedule.fireTimes(after: instant(after), through: instant(through), limit: 1_000)
            .map { text($0, in: zone) }
    }

    private static func formatter(zone: TimeZone?) -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let zone { formatter.timeZone = zone }
        return formatter
    }
}
