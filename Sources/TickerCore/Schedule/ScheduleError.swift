import Foundation

/// Why a `ScheduleSpec` cannot become a `Schedule`. Each message names the offending value so
/// it can be shown to the DAG author as is.
public enum ScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The cron expression does not parse.
    case invalidCron(CronError)
    /// `TimeZone(identifier:)` does not know the name.
    case unknownTimeZone(String)
    /// Intervals must be at least one second.
    case intervalTooShort(Duration)
    /// `end` is earlier than `start`.
    case endBeforeStart(start: Date, end: Date)
    /// The cron expression parses but names no date that exists, such as `0 0 31 2 *`.
    case neverFires(String)

    public var description: String {
        switch self {
        case .invalidCron(let error):
            let expression = error.expression.map { " \"\($0)\"" } ?? ""
            return "invalid cron expression\(expression): \(error)"
        case .unknownTimeZone(let name):
            return "unknown time zone \"\(name)\"; use an IANA name such as \"Europe/Berlin\" or \"UTC\""
        case .intervalTooShort(let every):
            return "interval \(DurationText.format(every)) is too short; the smallest interval is 1s"
        case .endBeforeStart(let start, let end):
            return "schedule end \(end.formatted(.iso8601)) is before its start \(start.formatted(.iso8601))"
        case .neverFires(let expression):
            return "cron expression \"\(expression)\" never fires: none of its months has any of its days of the month"
        }
    }
}
