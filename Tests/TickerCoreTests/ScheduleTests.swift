import Foundation
import Testing
import TickerCore

@Suite("Schedule")
struct ScheduleTests {
    private let at = ScheduleFixtures.instant

    private func schedule(_ rule: ScheduleSpec.Rule, zone: String = "UTC", start: String? = nil, end: String? = nil) throws -> Schedule {
        try Schedule(spec: ScheduleSpec(rule: rule, timeZone: zone, start: start.map(at), end: end.map(at)))
    }

    private func scheduleError(_ spec: ScheduleSpec) -> ScheduleError? {
        #expect(throws: ScheduleError.self) { try spec.compile() }
    }

    // MARK: Validation

    @Test("an unknown time zone is named in the error")
    func unknownZone() {
        let error = scheduleError(ScheduleSpec(rule: .cron("0 0 * * *"), timeZone: "Mars/Olympus_Mons"))
        #expect(error == .unknownTimeZone("Mars/Olympus_Mons"))
        #expect(error?.description.contains("\"Mars/Olympus_Mons\"") == true)
    }

    @Test("cron errors propagate with their field and column")
    func cronErrorPropagates() {
        let error = scheduleError(ScheduleSpec(rule: .cron("0 25 * * *")))
        guard case .invalidCron(let cronError) = error else {
            Issue.record("expected invalidCron, got \(String(describing: error))")
            return
        }
        #expect(cronError.field == "hour")
        #expect(cronError.column == 3)
        #expect(error?.description == #"invalid cron expression "0 25 * * *": hour: "25" is out of range 0-23 (column 3)"#)
    }

    @Test("intervals shorter than a second are rejected",
          arguments: [Duration.milliseconds(500), .zero, .seconds(-5), .nanoseconds(999_999_999)])
    func intervalTooShort(every: Duration) {
        let error = scheduleError(ScheduleSpec(rule: .interval(every: every, anchor: nil)))
        #expect(error == .intervalTooShort(every))
        #expect(error?.description.contains("too short") == true)
    }

    @Test("end before start is rejected; end equal to start is a one-instant window")
    func endBeforeStart() throws {
        let error = scheduleError(ScheduleSpec(
            rule: .cron("* * * * *"), start: at("2026-02-01T00:00:00Z"), end: at("2026-01-01T00:00:00Z")))
        #expect(error == .endBeforeStart(start: at("2026-02-01T00:00:00Z"), end: at("2026-01-01T00:00:00Z")))
        #expect(error?.description.contains("before its start") == true)

        let instant = try schedule(.cron("0 0 * * *"), start: "2026-01-01T00:00:00Z", end: "2026-01-01T00:00:00Z")
        #expect(instant.nextFire(after: at("2025-12-31T00:00:00Z")) == at("2026-01-01T00:00:00Z"))
        #expect(instant.nextFire(after: at("2026-01-01T00:00:00Z")) == nil)
    }

    @Test("an expression naming no existing date never fires")
    func neverFires() {
        let error = scheduleError(ScheduleSpec(rule: .cron("0 0 31 2 *")))
        #expect(error == .neverFires("0 0 31 2 *"))
        #expect(error?.description.contains("never fires") == true)
    }

    @Test("compile() is Schedule(spec:)")
    func compile() throws {
        let spec = ScheduleSpec(rule: .cron("*/5 * * * *"), timeZone: "Europe/Berlin")
        #expect(try spec.compile() == Schedule(spec: spec))
        #expect(try spec.compile().spec == spec)
    }

    // MARK: Window

    @Test("fire times start at start, inclusive")
    func startIsInclusive() throws {
        let hourly = try schedule(.cron("0 * * * *"), start: "2026-01-01T05:00:00Z")
        #expect(hourly.nextFire(after: at("2025-06-01T00:00:00Z")) == at("2026-01-01T05:00:00Z"))
        #expect(hourly.nextFire(after: at("2026-01-01T05:00:00Z")) == at("2026-01-01T06:00:00Z"))

        let offGrid = try schedule(.cron("0 * * * *"), start: "2026-01-01T05:00:00.500Z")
        #expect(offGrid.nextFire(after: at("2025-06-01T00:00:00Z")) == at("2026-01-01T06:00:00Z"))
    }

    @Test("fire times end at end, inclusive")
    func endIsInclusive() throws {
        let hourly = try schedule(.cron("0 * * * *"), end: "2026-01-01T05:00:00Z")
        #expect(hourly.nextFire(after: at("2026-01-01T04:30:00Z")) == at("2026-01-01T05:00:00Z"))
        #expect(hourly.nextFire(after: at("2026-01-01T05:00:00Z")) == nil)
        #expect(hourly.nextFire(after: at("2027-01-01T00:00:00Z")) == nil)
    }

    @Test("fireTimes covers (after, through] up to limit")
    func fireTimesWindow() throws {
        let quarterly = try schedule(.cron("*/15 * * * *"))
        let fires = quarterly.fireTimes(after: at("2026-01-01T00:00:00Z"), through: at("2026-01-01T01:00:00Z"), limit: 10)
        #expect(fires == ["00:15", "00:30", "00:45", "01:00"].map { at("2026-01-01T\($0):00Z") })
        #expect(quarterly.fireTimes(after: at("2026-01-01T00:00:00Z"), through: at("2026-01-01T01:00:00Z"), limit: 2).count == 2)
        #expect(quarterly.fireTimes(after: at("2026-01-01T00:00:00Z"), through: at("2026-01-01T01:00:00Z"), limit: 0).isEmpty)
        #expect(quarterly.fireTimes(after: at("2026-01-01T01:00:00Z"), through: at("2026-01-01T00:00:00Z"), limit: 5).isEmpty)
    }

    @Test("after may have fractions of a second; cron fires at whole seconds")
    func fractionalAfter() throws {
        let everySecond = try schedule(.cron("* * * * * *"))
        #expect(everySecond.nextFire(after: at("2026-01-01T00:00:00Z").addingTimeInterval(0.25)) == at("2026-01-01T00:00:01Z"))
        #expect(everySecond.nextFire(after: at("2026-01-01T00:00:00Z").addingTimeInterval(-0.25)) == at("2026-01-01T00:00:00Z"))
    }

    // MARK: Intervals

    @Test("intervals fire at anchor + k * every")
    func intervalAnchor() throws {
        let every90 = try schedule(.interval(every: .seconds(90), anchor: at("2026-01-01T00:00:10Z")))
        let fires = every90.fireTimes(after: at("2026-01-01T00:00:00Z"), through: at("2026-01-01T00:05:00Z"), limit: 10)
        #expect(fires == ["00:00:10", "00:01:40", "00:03:10", "00:04:40"].map { at("2026-01-01T\($0)Z") })
        // The anchor fixes the phase, not a beginning: fires before it exist too.
        #expect(every90.nextFire(after: at("2026-01-01T00:00:00Z").addingTimeInterval(-100)) == at("2025-12-31T23:58:40Z"))
    }

    @Test("intervals default their anchor to start, else the Unix epoch")
    func intervalDefaultAnchor() throws {
        let fromStart = try schedule(.interval(every: .seconds(3_600), anchor: nil), start: "2026-01-01T00:20:00Z")
        #expect(fromStart.nextFire(after: at("2020-01-01T00:00:00Z")) == at("2026-01-01T00:20:00Z"))
        #expect(fromStart.nextFire(after: at("2026-01-01T00:20:00Z")) == at("2026-01-01T01:20:00Z"))

        let fromEpoch = try schedule(.interval(every: .seconds(7 * 60), anchor: nil))
        let fire = try #require(fromEpoch.nextFire(after: at("2026-01-01T00:00:00Z")))
        #expect(fire.timeIntervalSince1970.truncatingRemainder(dividingBy: 420) == 0)
        #expect(fire > at("2026-01-01T00:00:00Z"))
        #expect(fire.timeIntervalSince(at("2026-01-01T00:00:00Z")) <= 420)
    }

    @Test("an explicit anchor keeps its phase when start is off the grid")
    func intervalAnchorWithStart() throws {
        let grid = try schedule(.interval(every: .seconds(600), anchor: at("2026-01-01T00:00:00Z")),
                                start: "2026-01-01T00:25:00Z", end: "2026-01-01T00:50:00Z")
        let fires = grid.fireTimes(after: at("2026-01-01T00:00:00Z"), through: at("2026-01-02T00:00:00Z"), limit: 10)
        #expect(fires == ["00:30", "00:40", "00:50"].map { at("2026-01-01T\($0):00Z") })
    }

    @Test("intervals with fractional seconds stay on their grid")
    func fractionalInterval() throws {
        let every = try schedule(.interval(every: .milliseconds(1_500), anchor: at("2026-01-01T00:00:00Z")))
        let fires = every.fireTimes(after: at("2026-01-01T00:00:00Z"), through: at("2026-01-01T00:00:06Z"), limit: 10)
        #expect(fires.map { $0.timeIntervalSince(at("2026-01-01T00:00:00Z")) } == [1.5, 3, 4.5, 6])
    }

    @Test("schedules compare by their spec")
    func equality() throws {
        let a = try schedule(.cron("0 0 * * *"), zone: "Europe/Berlin")
        let b = try schedule(.cron("0 0 * * *"), zone: "Europe/Berlin")
        let c = try schedule(.cron("0 0 * * *"), zone: "Europe/London")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != c)
    }
}
