import Foundation
import Testing
import TickerCore

/// Cron syntax, checked through the fire times it produces in UTC (so no daylight saving is
/// involved), plus the errors bad expressions get.
@Suite("Cron parsing")
struct CronParsingTests {
    private func fires(_ expression: String, after: String = "2026-01-01T00:00:00Z", count: Int = 4) throws -> [String] {
        try ScheduleFixtures.fires(expression, after: after, count: count)
    }

    @Test("five fields: minute hour day-of-month month day-of-week")
    func fiveFields() throws {
        #expect(try fires("30 9 * * *", count: 2) == ["2026-01-01T09:30:00Z", "2026-01-02T09:30:00Z"])
    }

    @Test("six fields start with seconds")
    func sixFields() throws {
        let cron = try CronExpression("15 30 9 * * *")
        #expect(cron.hasSeconds)
        #expect(try fires("15 30 9 * * *", count: 2) == ["2026-01-01T09:30:15Z", "2026-01-02T09:30:15Z"])
        #expect(try fires("*/20 * * * * *", count: 4)
            == ["2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z", "2026-01-01T00:01:20Z"])
    }

    @Test("lists, ranges and steps")
    func listsRangesSteps() throws {
        #expect(try fires("1,2 * * * *", count: 3) == ["2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z", "2026-01-01T01:01:00Z"])
        #expect(try fires("0 1-3 * * *", count: 4)
            == ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z", "2026-01-02T01:00:00Z"])
        #expect(try fires("*/15 * * * *", count: 4)
            == ["2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:00:00Z"])
        #expect(try fires("10-50/20 * * * *", count: 4)
            == ["2026-01-01T00:10:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:50:00Z", "2026-01-01T01:10:00Z"])
        #expect(try fires("5/25 * * * *", count: 3) == ["2026-01-01T00:05:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:55:00Z"])
        #expect(try fires("0,30-31,45 0 * * *", count: 5)
            == ["2026-01-01T00:30:00Z", "2026-01-01T00:31:00Z", "2026-01-01T00:45:00Z", "2026-01-02T00:00:00Z", "2026-01-02T00:30:00Z"])
    }

    @Test("month names, case-insensitive, also in ranges")
    func monthNames() throws {
        #expect(try fires("0 0 1 mar-May *", count: 4)
            == ["2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z", "2027-03-01T00:00:00Z"])
        #expect(try fires("0 0 1 JAN,jul *", count: 2) == ["2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"])
    }

    @Test("day names, and 0 and 7 both mean Sunday")
    func dayNames() throws {
        // 2026-01-01 is a Thursday.
        #expect(try fires("0 9 * * mon-WED", count: 3)
            == ["2026-01-05T09:00:00Z", "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z"])
        let sunday = ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]
        #expect(try fires("0 0 * * 0", count: 2) == sunday)
        #expect(try fires("0 0 * * 7", count: 2) == sunday)
        #expect(try fires("0 0 * * SUN", count: 2) == sunday)
        #expect(try fires("0 0 * * FRI-SUN", count: 4)
            == ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-09T00:00:00Z"])
        #expect(try fires("0 0 * * 5-7", count: 3)
            == ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"])
    }

    @Test("? stands for * in the day fields")
    func questionMark() throws {
        #expect(try fires("0 0 ? * MON", count: 2) == fires("0 0 * * MON", count: 2))
        #expect(try fires("0 0 1 * ?", count: 2) == fires("0 0 1 * *", count: 2))
    }

    @Test("macros", arguments: [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@hourly", "0 * * * *"),
    ])
    func macros(macro: String, expansion: String) throws {
        #expect(try fires(macro, count: 3) == fires(expansion, count: 3))
        #expect(try CronExpression(macro.uppercased()).description == macro)
    }

    @Test("both day fields restricted: a day matches either")
    func dayFieldsCombineWithOr() throws {
        // The 13th, or any Friday; January 2026 has Fridays on the 2nd, 9th and 16th.
        #expect(try fires("0 0 13 * FRI", count: 4)
            == ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"])
    }

    @Test("a day field starting with * makes both day fields required")
    func dayFieldsCombineWithAnd() throws {
        // Odd days that are Mondays: */2 counts as unrestricted, as in Vixie cron.
        #expect(try fires("0 0 */2 * MON", count: 3)
            == ["2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z"])
        #expect(try fires("0 0 13 * *", count: 2) == ["2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"])
    }

    @Test("leap days fire only in leap years, and 2100 is not one")
    func leapDay() throws {
        #expect(try fires("0 0 29 2 *", count: 2) == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"])
        #expect(try fires("0 0 29 2 *", after: "2096-03-01T00:00:00Z", count: 1) == ["2104-02-29T00:00:00Z"])
    }

    @Test("description is the normalized source text")
    func normalizedDescription() throws {
        #expect(try CronExpression("  0   9 * jan mon-fri ").description == "0 9 * JAN MON-FRI")
        #expect(try CronExpression("@Daily").description == "@daily")
        #expect(try CronExpression("0\t0 1 1 *").description == "0 0 1 1 *")
    }

    @Test("hours covering all 24", arguments: ["*", "0-23", "*/1", "0-11,12-23"])
    func coversAllHours(hour: String) throws {
        #expect(try CronExpression("0 \(hour) * * *").coversAllHours)
    }

    @Test("hours not covering all 24", arguments: ["*/2", "0-22", "2", "1-23"])
    func fixedHours(hour: String) throws {
        #expect(try !CronExpression("0 \(hour) * * *").coversAllHours)
    }

    @Test("expressions that name no existing date cannot fire",
          arguments: ["0 0 31 2 *", "0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 30,31 FEB *"])
    func cannotFire(expression: String) throws {
        let cron = try CronExpression(expression)
        #expect(!cron.canFire)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(cron.nextFire(after: Date(timeIntervalSince1970: 0), in: ScheduleFixtures.zone("Europe/Berlin")) == nil)
        }
        #expect(elapsed < .milliseconds(50))
    }

    @Test("rare but possible dates can fire", arguments: ["0 0 29 2 *", "0 0 31 2 MON", "0 0 31 2,3 *", "0 0 */30 2 SUN"])
    func canFire(expression: String) throws {
        let cron = try CronExpression(expression)
        #expect(cron.canFire)
        #expect(cron.nextFire(after: Date(timeIntervalSince1970: 0), in: ScheduleFixtures.zone("UTC")) != nil)
    }

    struct BadInput: Sendable, CustomStringConvertible {
        var expression: String
        var field: String?
        var token: String
        var column: Int
        var says: String
        var description: String { expression }
    }

    @Test("errors point at the field and column", arguments: [
        BadInput(expression: "0 25 * * *", field: "hour", token: "25", column: 3, says: "out of range 0-23"),
        BadInput(expression: "60 * * * *", field: "minute", token: "60", column: 1, says: "out of range 0-59"),
        BadInput(expression: "61 0 0 * * *", field: "second", token: "61", column: 1, says: "out of range 0-59"),
        BadInput(expression: "0 0 32 * *", field: "day-of-month", token: "32", column: 5, says: "out of range 1-31"),
        BadInput(expression: "0 0 0 * *", field: "day-of-month", token: "0", column: 5, says: "out of range 1-31"),
        BadInput(expression: "0 0 * 13 *", field: "month", token: "13", column: 7, says: "out of range 1-12 or JAN-DEC"),
        BadInput(expression: "0 0 * * 8", field: "day-of-week", token: "8", column: 9, says: "out of range 0-7 or SUN-SAT"),
        BadInput(expression: "0 0 * FOO *", field: "month", token: "FOO", column: 7, says: "not a valid value"),
        BadInput(expression: "0 0 * * MON-FOO", field: "day-of-week", token: "FOO", column: 13, says: "not a valid value"),
        BadInput(expression: "0 0 * JAN-MON *", field: "month", token: "MON", column: 11, says: "not a valid value"),
        BadInput(expression: "*/0 * * * *", field: "minute", token: "0", column: 3, says: "step"),
        BadInput(expression: "0 */25 * * *", field: "hour", token: "25", column: 5, says: "from 1 to 24"),
        BadInput(expression: "0 1-2/x * * *", field: "hour", token: "x", column: 7, says: "step"),
        BadInput(expression: "0 5-2 * * *", field: "hour", token: "5-2", column: 3, says: "backwards"),
        BadInput(expression: "1,,2 * * * *", field: "minute", token: "1,,2", column: 1, says: "empty list item"),
        BadInput(expression: "0 -5 * * *", field: "hour", token: "-5", column: 3, says: "not a valid range"),
        BadInput(expression: "0 1/2/3 * * *", field: "hour", token: "1/2/3", column: 3, says: "more than one '/'"),
        BadInput(expression: "? 0 * * *", field: "minute", token: "?", column: 1, says: "only allowed in day-of-month and day-of-week"),
        BadInput(expression: "0 0 L * *", field: "day-of-month", token: "L", column: 5, says: "'L' (last day)"),
        BadInput(expression: "0 0 * * 5L", field: "day-of-week", token: "5L", column: 9, says: "not supported"),
        BadInput(expression: "0 0 15W * *", field: "day-of-month", token: "15W", column: 5, says: "'W' (nearest weekday)"),
        BadInput(expression: "0 0 * * MON#2", field: "day-of-week", token: "MON#2", column: 9, says: "'#' (nth weekday"),
        BadInput(expression: "H 0 * * *", field: "minute", token: "H", column: 1, says: "not supported"),
        BadInput(expression: "* * * *", field: nil, token: "* * * *", column: 1, says: "expected 5 fields"),
        BadInput(expression: "0 0 0 0 * * * *", field: nil, token: "0 0 0 0 * * * *", column: 13, says: "found 8"),
        BadInput(expression: "   ", field: nil, token: "   ", column: 1, says: "empty"),
        BadInput(expression: "@reboot", field: nil, token: "@reboot", column: 1, says: "@reboot is not supported"),
        BadInput(expression: "@fortnightly", field: nil, token: "@fortnightly", column: 1, says: "unknown macro"),
        BadInput(expression: "@daily 5", field: nil, token: "5", column: 8, says: "takes no fields"),
    ])
    func errors(input: BadInput) {
        let error = #expect(throws: CronError.self) { try CronExpression(input.expression) }
        #expect(error?.field == input.field)
        #expect(error?.token == input.token)
        #expect(error?.column == input.column)
        #expect(error?.message.contains(input.says) == true, "\(error?.message ?? "no error")")
        #expect(error?.expression == input.expression)
    }

    @Test("errors read as one line, with a caret rendering for terminals")
    func errorDescription() {
        do {
            _ = try CronExpression("0 25 * * *")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == #"hour: "25" is out of range 0-23 (column 3)"#)
            #expect(error.message == #""25" is out of range 0-23"#)
            #expect(error.caretDiagnostic == "0 25 * * *\n  ^^")
        }
    }
}
