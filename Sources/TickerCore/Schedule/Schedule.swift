import Foundation

/// A schedule ready to compute fire times: a validated `ScheduleSpec`.
///
/// Fire times lie within `start ... end` (both inclusive, either open). Cron schedules fire at
/// whole seconds in the spec's time zone (see `CronExpression.nextFire(after:in:)` for daylight
/// saving); interval schedules fire every fixed duration from their anchor.
public struct Schedule: Sendable, Hashable {
    public let spec: ScheduleSpec
    private let rule: CompiledRule

    private enum CompiledRule: Sendable {
        case cron(CronExpression, WallClock)
        case interval(IntervalRule)
    }

    /// Validates `spec`; throws `ScheduleError` naming the first problem found.
    public init(spec: ScheduleSpec) throws {
        guard let zone = TimeZone(identifier: spec.timeZone) else {
            throw ScheduleError.unknownTimeZone(spec.timeZone)
        }
        if let start = spec.start, let end = spec.end, end < start {
            throw ScheduleError.endBeforeStart(start: start, end: end)
        }
        self.spec = spec
        switch spec.rule {
        case .cron(let text):
            let expression: CronExpression
            do { expression = try CronExpression(text) } catch { throw ScheduleError.invalidCron(error) }
            guard expression.canFire else { throw ScheduleError.neverFires(expression.description) }
            rule = .cron(expression, WallClock(zone: zone))
        case .interval(let every, let anchor):
            guard every >= .seconds(1) else { throw ScheduleError.intervalTooShort(every) }
            let phase = anchor ?? spec.start ?? Date(timeIntervalSince1970: 0)
            rule = .interval(IntervalRule(every: every, anchor: phase))
        }
    }

    /// The first fire time strictly after `after` and not before `start`; nil once past `end`.
    public func nextFire(after: Date) -> Date? {
        let fire: Date?
        if let start = spec.start, start > after {
            fire = firstFire(atOrAfter: start)
        } else {
            fire = firstFire(after: after)
        }
        guard let fire else { return nil }
        if let end = spec.end, fire > end { return nil }
        return fire
    }

    /// Fire times in `(after, through]`, oldest first, at most `limit` of them.
    public func fireTimes(after: Date, through: Date, limit: Int) -> [Date] {
        var fires: [Date] = []
        var cursor = after
        while fires.count < limit, let fire = nextFire(after: cursor), fire <= through {
            fires.append(fire)
            cursor = fire
        }
        return fires
    }

    private func firstFire(after date: Date) -> Date? {
        switch rule {
        case .cron(let expression, let clock): expression.nextFire(after: date, on: clock)
        case .interval(let interval): interval.firstFire(after: date)
        }
    }

    private func firstFire(atOrAfter date: Date) -> Date? {
        switch rule {
        case .cron(let expression, let clock):
            // Cron fires at whole seconds: at or after `date` means after the whole second before it.
            expression.nextFire(after: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.up) - 1), on: clock)
        case .interval(let interval):
            interval.firstFire(atOrAfter: date)
        }
    }

    public static func == (lhs: Schedule, rhs: Schedule) -> Bool { lhs.spec == rhs.spec }

    public func hash(into hasher: inout Hasher) { hasher.combine(spec) }
}

extension ScheduleSpec {
    /// Validates the spec and returns a `Schedule`; throws `ScheduleError`.
    public func compile() throws -> Schedule { try Schedule(spec: self) }
}
