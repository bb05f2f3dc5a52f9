import Foundation

/// A parsed cron expression: 5 fields (minute hour day-of-month month day-of-week), or 6 with a
/// leading seconds field, or one of the macros `@yearly`, `@annually`, `@monthly`, `@weekly`,
/// `@daily`, `@midnight`, `@hourly`.
///
/// Parsing happens once; the fields are kept as bit sets so that computing fire times is cheap.
/// See `nextFire(after:in:)` for how wall times map to instants around daylight saving changes.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression normalized: fields separated by single spaces, names upper-cased,
    /// macros lower-cased.
    public let description: String
    /// Whether the expression has the leading seconds field.
    public let hasSeconds: Bool

    let seconds: CronValueSet
    let minutes: CronValueSet
    let hours: CronValueSet
    let daysOfMonth: CronValueSet
    let months: CronValueSet
    /// 0 = Sunday ... 6 = Saturday (7 has been folded into 0).
    let daysOfWeek: CronValueSet
    /// Day-of-month and day-of-week combine with AND when either starts with `*` or `?`,
    /// and with OR when both are restricted.
    let daysCombineWithOr: Bool

    public init(_ text: String) throws(CronError) {
        do {
            self = try Self.parse(text)
        } catch var error {
            error.expression = text
            throw error
        }
    }

    /// Whether the hour field matches all 24 hours (fire-at-every-matching-instant semantics).
    public var coversAllHours: Bool { hours.covers(0...23) }

    /// Whether any date at all matches (`0 0 31 2 *` never does).
    ///
    /// Only the day fields can rule out every date. When both are restricted they combine with
    /// OR and some weekday always comes; otherwise some allowed day must exist in some allowed
    /// month (February counted with 29 days). A date that exists then eventually falls on every
    /// weekday, so a weekday restriction on top cannot make the expression impossible.
    public var canFire: Bool {
        if daysCombineWithOr { return true }
        return (1...12).contains { month in
            months.contains(month)
                && daysOfMonth.first(atOrAfter: 1).map { $0 <= CivilDate.maximumDays(inMonth: month) } == true
        }
    }

    /// Assembles an expression from parsed fields (see `CronExpression+Parsing.swift`).
    init(fields: [CronField], description: String) {
        let byKind = Dictionary(uniqueKeysWithValues: fields.map { ($0.kind, $0) })
        let dayOfMonth = byKind[.dayOfMonth]!
        let dayOfWeek = byKind[.dayOfWeek]!
        self.description = description
        hasSeconds = byKind[.second] != nil
        seconds = byKind[.second]?.values ?? CronValueSet(0...0)
        minutes = byKind[.minute]!.values
        hours = byKind[.hour]!.values
        daysOfMonth = dayOfMonth.values
        months = byKind[.month]!.values
        daysOfWeek = dayOfWeek.values
        daysCombineWithOr = !dayOfMonth.startsWithStar && !dayOfWeek.startsWithStar
    }
}
