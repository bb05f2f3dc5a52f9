import Foundation
import Testing
import TickerCore

/// Cron fire times across real daylight saving transitions. Expected instants are written with
/// the zone's offset at that instant, so each line reads as the wall clock shows it.
///
/// Transitions used (all verified against the tz database):
/// - Europe/Berlin 2026: 03-29 02:00 CET -> 03:00 CEST (01:00Z); 10-25 03:00 CEST -> 02:00 CET (01:00Z)
/// - America/New_York 2026: 03-08 02:00 -> 03:00 (07:00Z); 11-01 02:00 -> 01:00 (06:00Z)
/// - Australia/Sydney 2026: 04-05 03:00 -> 02:00 (04-04 16:00Z); 10-04 02:00 -> 03:00 (10-03 16:00Z)
/// - Pacific/Chatham 2026: 04-05 03:45 -> 02:45 (04-04 14:00Z); 09-27 02:45 -> 03:45 (09-26 14:00Z)
/// - Australia/Lord_Howe 2026 (30 minutes): 04-05 02:00 -> 01:30 (04-04 15:00Z); 10-04 02:00 -> 02:30 (10-03 15:30Z)
/// - Europe/London 2025: 03-30 01:00 -> 02:00 (01:00Z); 10-26 02:00 -> 01:00 (01:00Z)
/// - America/Santiago 2025: 04-06 00:00 -> 04-05 23:00 (03:00Z); 09-07 00:00 -> 01:00 (04:00Z)
/// - America/Havana 2026: 03-08 00:00 -> 01:00 (05:00Z)
/// - Asia/Kolkata: no transitions, +05:30 throughout
@Suite("Cron across daylight saving time")
struct CronDSTTests {
    struct Case: Sendable, CustomStringConvertible {
        var zone: String
        var expression: String
        var after: String
        var expected: [String]
        var description: String { "\(expression) in \(zone) after \(after)" }

        init(_ zone: String, _ expression: String, after: String, _ expected: [String]) {
            self.zone = zone; self.expression = expression; self.after = after; self.expected = expected
        }
    }

    static let springForwardCases: [Case] = [
        // Fixed hours: the skipped 02:30 fires once, at the first instant after the gap.
        Case("Europe/Berlin", "30 2 * * *", after: "2026-03-28T12:00:00Z",
             ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"]),
        Case("Europe/Berlin", "0 30 2 * * *", after: "2026-03-28T12:00:00Z",
             ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"]),
        // Several skipped wall times, and 03:00 itself, land on one instant: one fire.
        Case("Europe/Berlin", "0,30 2 * * *", after: "2026-03-28T12:00:00Z",
             ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"]),
        Case("Europe/Berlin", "0 2-3 * * *", after: "2026-03-28T12:00:00Z",
             ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00", "2026-03-30T03:00:00+02:00"]),
        Case("Europe/Berlin", "0 3 * * *", after: "2026-03-28T12:00:00Z",
             ["2026-03-29T03:00:00+02:00", "2026-03-30T03:00:00+02:00"]),
        // Every hour: wall times in the gap simply do not happen; the rhythm stays 15 minutes.
        Case("Europe/Berlin", "*/15 * * * *", after: "2026-03-29T00:20:00Z",
             ["2026-03-29T01:30:00+01:00", "2026-03-29T01:45:00+01:00", "2026-03-29T03:00:00+02:00",
              "2026-03-29T03:15:00+02:00", "2026-03-29T03:30:00+02:00"]),
        Case("Europe/Berlin", "0 * * * *", after: "2026-03-28T23:30:00Z",
             ["2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"]),
        Case("America/New_York", "30 2 * * *", after: "2026-03-07T17:00:00Z",
             ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"]),
        Case("America/New_York", "*/30 * * * *", after: "2026-03-08T06:10:00Z",
             ["2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"]),
        Case("Australia/Sydney", "30 2 * * *", after: "2026-10-03T00:00:00Z",
             ["2026-10-04T03:00:00+11:00", "2026-10-05T02:30:00+11:00"]),
        Case("Pacific/Chatham", "0 3 * * *", after: "2026-09-26T00:00:00Z",
             ["2026-09-27T03:45:00+13:45", "2026-09-28T03:00:00+13:45"]),
        Case("Pacific/Chatham", "*/15 * * * *", after: "2026-09-26T13:20:00Z",
             ["2026-09-27T02:15:00+12:45", "2026-09-27T02:30:00+12:45", "2026-09-27T03:45:00+13:45",
              "2026-09-27T04:00:00+13:45"]),
        // A 30-minute gap: 02:15 is skipped, 02:30 exists; both fire as one at 02:30.
        Case("Australia/Lord_Howe", "15 2 * * *", after: "2026-10-03T00:00:00Z",
             ["2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"]),
        Case("Australia/Lord_Howe", "0,15,30 2 * * *", after: "2026-10-03T00:00:00Z",
             ["2026-10-04T02:30:00+11:00", "2026-10-05T02:00:00+11:00"]),
        Case("Australia/Lord_Howe", "*/15 * * * *", after: "2026-10-03T15:10:00Z",
             ["2026-10-04T01:45:00+10:30", "2026-10-04T02:30:00+11:00", "2026-10-04T02:45:00+11:00"]),
        Case("Europe/London", "30 1 * * *", after: "2025-03-29T12:00:00Z",
             ["2025-03-30T02:00:00+01:00", "2025-03-31T01:30:00+01:00"]),
        // Zones where midnight itself is skipped: midnight fires at 01:00.
        Case("America/Santiago", "0 0 * * *", after: "2025-09-06T12:00:00Z",
             ["2025-09-07T01:00:00-03:00", "2025-09-08T00:00:00-03:00"]),
        Case("America/Santiago", "0 * * * *", after: "2025-09-07T02:30:00Z",
             ["2025-09-06T23:00:00-04:00", "2025-09-07T01:00:00-03:00", "2025-09-07T02:00:00-03:00"]),
        Case("America/Havana", "0 0 * * *", after: "2026-03-07T12:00:00Z",
             ["2026-03-08T01:00:00-04:00", "2026-03-09T00:00:00-04:00"]),
    ]

    static let fallBackCases: [Case] = [
        // Fixed hours: the repeated 02:30 fires once, at its first occurrence (still summer time).
        Case("Europe/Berlin", "30 2 * * *", after: "2026-10-24T12:00:00Z",
             ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"]),
        // ... and not again when asked from inside the repeated hour, in either pass.
        Case("Europe/Berlin", "30 2 * * *", after: "2026-10-25T00:45:00Z", ["2026-10-26T02:30:00+01:00"]),
        Case("Europe/Berlin", "30 2 * * *", after: "2026-10-25T01:10:00Z", ["2026-10-26T02:30:00+01:00"]),
        Case("Europe/Berlin", "0 2 * * *", after: "2026-10-24T12:00:00Z",
             ["2026-10-25T02:00:00+02:00", "2026-10-26T02:00:00+01:00"]),
        Case("Europe/Berlin", "0 3 * * *", after: "2026-10-24T12:00:00Z",
             ["2026-10-25T03:00:00+01:00", "2026-10-26T03:00:00+01:00"]),
        // Every hour: both passes fire.
        Case("Europe/Berlin", "0 * * * *", after: "2026-10-24T22:30:00Z",
             ["2026-10-25T01:00:00+02:00", "2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00",
              "2026-10-25T03:00:00+01:00"]),
        Case("America/New_York", "30 1 * * *", after: "2026-10-31T17:00:00Z",
             ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"]),
        Case("Australia/Sydney", "30 2 * * *", after: "2026-04-04T00:00:00Z",
             ["2026-04-05T02:30:00+11:00", "2026-04-06T02:30:00+10:00"]),
        Case("Pacific/Chatham", "0 3 * * *", after: "2026-04-04T00:00:00Z",
             ["2026-04-05T03:00:00+13:45", "2026-04-06T03:00:00+12:45"]),
        Case("Australia/Lord_Howe", "45 1 * * *", after: "2026-04-04T00:00:00Z",
             ["2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"]),
        Case("Europe/London", "30 1 * * *", after: "2025-10-25T12:00:00Z",
             ["2025-10-26T01:30:00+01:00", "2025-10-27T01:30:00Z"]),
        // Santiago falls back across midnight: 23:xx on 04-05 repeats, and 00:00 on 04-06 only
        // exists after the change.
        Case("America/Santiago", "0 0 * * *", after: "2025-04-05T12:00:00Z",
             ["2025-04-06T00:00:00-04:00", "2025-04-07T00:00:00-04:00"]),
        Case("America/Santiago", "30 23 * * *", after: "2025-04-05T12:00:00Z",
             ["2025-04-05T23:30:00-03:00", "2025-04-06T23:30:00-04:00"]),
        Case("America/Santiago", "*/30 * * * *", after: "2025-04-06T01:45:00Z",
             ["2025-04-05T23:00:00-03:00", "2025-04-05T23:30:00-03:00", "2025-04-05T23:00:00-04:00",
              "2025-04-05T23:30:00-04:00", "2025-04-06T00:00:00-04:00"]),
    ]

    static let noTransitionCases: [Case] = [
        Case("Asia/Kolkata", "30 2 * * *", after: "2026-03-27T18:00:00Z",
             ["2026-03-28T02:30:00+05:30", "2026-03-29T02:30:00+05:30"]),
        Case("Asia/Kolkata", "0 * * * *", after: "2026-03-29T00:00:00Z",
             ["2026-03-29T06:00:00+05:30", "2026-03-29T07:00:00+05:30"]),
        Case("Asia/Kolkata", "*/15 * * * *", after: "2026-10-25T00:50:00Z",
             ["2026-10-25T06:30:00+05:30", "2026-10-25T06:45:00+05:30", "2026-10-25T07:00:00+05:30"]),
    ]

    @Test("spring forward", arguments: springForwardCases)
    func springForward(_ example: Case) throws {
        try check(example)
    }

    @Test("fall back", arguments: fallBackCases)
    func fallBack(_ example: Case) throws {
        try check(example)
    }

    @Test("zones without transitions", arguments: noTransitionCases)
    func noTransitions(_ example: Case) throws {
        try check(example)
    }

    private func check(_ example: Case) throws {
        let fires = try ScheduleFixtures.fires(
            example.expression, in: example.zone, after: example.after, count: example.expected.count)
        #expect(fires == example.expected)
    }

    struct RepeatedStretch: Sendable, CustomStringConvertible {
        var zone: String
        var from: String
        var through: String
        /// Wall-clock prefix of the repeated stretch, such as `2026-10-25T02:`.
        var wallPrefixes: [String]
        var expectedFires: Int
        var description: String { "\(zone) \(from)" }
    }

    @Test("every 15 minutes fires in both passes of a repeated stretch", arguments: [
        RepeatedStretch(zone: "Europe/Berlin", from: "2026-10-24T23:50:00Z", through: "2026-10-25T02:00:00Z",
                        wallPrefixes: ["2026-10-25T02:"], expectedFires: 8),
        RepeatedStretch(zone: "America/New_York", from: "2026-11-01T04:50:00Z", through: "2026-11-01T07:00:00Z",
                        wallPrefixes: ["2026-11-01T01:"], expectedFires: 8),
        RepeatedStretch(zone: "Australia/Sydney", from: "2026-04-04T14:50:00Z", through: "2026-04-04T17:00:00Z",
                        wallPrefixes: ["2026-04-05T02:"], expectedFires: 8),
        RepeatedStretch(zone: "Europe/London", from: "2025-10-25T23:50:00Z", through: "2025-10-26T02:00:00Z",
                        wallPrefixes: ["2025-10-26T01:"], expectedFires: 8),
        RepeatedStretch(zone: "Pacific/Chatham", from: "2026-04-04T12:50:00Z", through: "2026-04-04T15:00:00Z",
                        wallPrefixes: ["2026-04-05T02:45", "2026-04-05T03:00", "2026-04-05T03:15", "2026-04-05T03:30"],
                        expectedFires: 8),
        RepeatedStretch(zone: "Australia/Lord_Howe", from: "2026-04-04T14:00:00Z", through: "2026-04-04T16:00:00Z",
                        wallPrefixes: ["2026-04-05T01:30", "2026-04-05T01:45"], expectedFires: 4),
    ])
    func repeatedStretch(_ stretch: RepeatedStretch) throws {
        let fires = try ScheduleFixtures.fires("*/15 * * * *", in: stretch.zone, after: stretch.from, through: stretch.through)
        let inStretch = fires.filter { fire in stretch.wallPrefixes.contains { fire.hasPrefix($0) } }
        #expect(inStretch.count == stretch.expectedFires, "\(fires)")
        let instants = fires.map(ScheduleFixtures.instant)
        let gaps = Set(zip(instants, instants.dropFirst()).map { $1.timeIntervalSince($0) })
        #expect(gaps == [900], "absolute spacing stays 15 minutes")
    }

    @Test("fixed hours fire once in a repeated hour, all-hours expressions twice")
    func onceVersusTwice() throws {
        let fixed = try ScheduleFixtures.fires("*/15 2 * * *", in: "Europe/Berlin",
                                               after: "2026-10-24T23:50:00Z", through: "2026-10-25T02:00:00Z")
        #expect(fixed == ["2026-10-25T02:00:00+02:00", "2026-10-25T02:15:00+02:00",
                          "2026-10-25T02:30:00+02:00", "2026-10-25T02:45:00+02:00"])
        let everyHour = try ScheduleFixtures.fires("*/15 * * * *", in: "Europe/Berlin",
                                                   after: "2026-10-24T23:50:00Z", through: "2026-10-25T02:00:00Z")
        #expect(everyHour.count == 9)
    }

    @Test("intervals are absolute: daylight saving does not move them")
    func intervalsAcrossTransitions() throws {
        let hourly = try Schedule(spec: ScheduleSpec(
            rule: .interval(every: .seconds(3_600), anchor: ScheduleFixtures.instant("2026-03-29T00:00:00Z")),
            timeZone: "Europe/Berlin"))
        let spring = hourly.fireTimes(after: ScheduleFixtures.instant("2026-03-28T23:30:00Z"),
                                      through: ScheduleFixtures.instant("2026-03-29T02:00:00Z"), limit: 10)
        #expect(spring.map { ScheduleFixtures.text($0, in: "Europe/Berlin") }
            == ["2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T04:00:00+02:00"])

        let daily = try Schedule(spec: ScheduleSpec(
            rule: .interval(every: .seconds(86_400), anchor: ScheduleFixtures.instant("2026-10-24T00:00:00+02:00")),
            timeZone: "Europe/Berlin"))
        let fall = daily.fireTimes(after: ScheduleFixtures.instant("2026-10-24T00:00:00+02:00"),
                                   through: ScheduleFixtures.instant("2026-10-27T00:00:00Z"), limit: 10)
        #expect(fall.map { ScheduleFixtures.text($0, in: "Europe/Berlin") }
            == ["2026-10-25T00:00:00+02:00", "2026-10-25T23:00:00+01:00", "2026-10-26T23:00:00+01:00"])
    }
}
