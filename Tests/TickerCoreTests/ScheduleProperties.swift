import Foundation
import PropertyBased
import Testing
import TickerCore

/// Properties of cron fire times over random expressions, zones and start instants.
///
/// The expected behaviour is computed independently of the engine: the generator knows which
/// values each field allows, and wall times come from `Calendar`, so the engine's own parser and
/// civil-date arithmetic are not used to judge themselves.
@Suite("Schedule properties")
struct ScheduleProperties {
    @Test("fire times strictly increase, are whole seconds, and show a matching wall time")
    func increasingAndMatching() async {
        await propertyCheck(count: 300, input: Scenario.generator(.anyExpression)) { scenario in
            let expression = try CronExpression(scenario.cron.text)
            let reader = WallReader(scenario.zone)
            guard expression.canFire else {
                #expect(expression.nextFire(after: scenario.start, in: scenario.zone) == nil)
                return
            }
            let fires = scenario.fires(of: expression, count: 8)
            #expect(fires.count == 8, "\(scenario)")
            var previous = scenario.start
            for fire in fires {
                #expect(fire > previous)
                #expect(fire.timeIntervalSince1970 == fire.timeIntervalSince1970.rounded(), "\(fire)")
                let shows = scenario.cron.matches(reader.parts(of: fire))
                if expression.coversAllHours {
                    #expect(shows, "\(fire) in \(scenario)")
                } else {
                    #expect(shows || reader.skippedWallTimeMatches(at: fire, scenario.cron), "\(fire) in \(scenario)")
                }
                previous = fire
            }
        }
    }

    @Test("asking from anywhere between two fire times gives the later one")
    func consistentBetweenFires() async {
        await propertyCheck(count: 150, input: Scenario.generator(.anyExpression)) { scenario in
            let expression = try CronExpression(scenario.cron.text)
            let fires = scenario.fires(of: expression, count: 6)
            for (earlier, later) in zip(fires, fires.dropFirst()) {
                let middle = earlier.addingTimeInterval(later.timeIntervalSince(earlier) / 2 + 0.25)
                guard middle < later else { continue }
                #expect(expression.nextFire(after: middle, in: scenario.zone) == later, "\(scenario)")
                #expect(expression.nextFire(after: later.addingTimeInterval(-0.5), in: scenario.zone) == later)
            }
        }
    }

    @Test("all-hours expressions fire at exactly the instants whose wall time matches")
    func allHoursSkipNothing() async {
        await propertyCheck(count: 150, input: Scenario.generator(.everyHour)) { scenario in
            let expression = try CronExpression(scenario.cron.text)
            #expect(expression.coversAllHours)
            let fires = scenario.fires(of: expression, count: 12)
            guard let last = fires.last else {
                Issue.record("no fire times for \(scenario)")
                return
            }
            let reader = WallReader(scenario.zone)
            let matching = wholeMinutes(after: scenario.start, through: last).filter {
                scenario.cron.matches(reader.parts(of: $0))
            }
            #expect(matching == fires, "\(scenario)")
        }
    }

    @Test("fixed-hour expressions fire once per matching wall time, skipped ones at the gap's end")
    func fixedHoursSkipNothing() async {
        await propertyCheck(count: 60, input: Scenario.generator(.fixedHours)) { scenario in
            let expression = try CronExpression(scenario.cron.text)
            #expect(!expression.coversAllHours)
            let through = scenario.start.addingTimeInterval(3 * 86_400)
            var fires: [Date] = []
            var cursor = scenario.start
            while let fire = expression.nextFire(after: cursor, in: scenario.zone), fire <= through {
                fires.append(fire)
                cursor = fire
            }
            let reader = WallReader(scenario.zone)
            let expected = wholeMinutes(after: scenario.start, through: through).filter { minute in
                let shows = scenario.cron.matches(reader.parts(of: minute)) && reader.isFirstOccurrence(minute)
                return shows || reader.skippedWallTimeMatches(at: minute, scenario.cron)
            }
            #expect(fires == expected, "\(scenario)")
        }
    }

    @Test("schedules keep fire times inside start ... end")
    func windowRespected() async {
        let input = zip(Scenario.generator(.everyHour), Gen.int(in: 0...7_200), Gen.int(in: 0...20_000))
        await propertyCheck(count: 100, input: input) { generated in
            try checkWindow(generated.0, startDelay: generated.1, length: generated.2)
        }
    }

    private func checkWindow(_ scenario: Scenario, startDelay: Int, length: Int) throws {
        let start = scenario.start.addingTimeInterval(Double(startDelay))
        let end = start.addingTimeInterval(Double(length))
        let schedule = try Schedule(spec: ScheduleSpec(
            rule: .cron(scenario.cron.text), timeZone: scenario.zone.identifier, start: start, end: end))
        let fires = schedule.fireTimes(
            after: scenario.start.addingTimeInterval(-1), through: end.addingTimeInterval(86_400), limit: 500)
        let inside = fires.allSatisfy { $0 >= start && $0 <= end }
        #expect(inside, "\(scenario)")
        let unbounded = try CronExpression(scenario.cron.text)
        let expected = Scenario(cron: scenario.cron, zone: scenario.zone, start: start.addingTimeInterval(-1))
            .fires(of: unbounded, count: 500).filter { $0 >= start && $0 <= end }
        #expect(fires == expected, "\(scenario)")
    }

    private func wholeMinutes(after start: Date, through end: Date) -> [Date] {
        let first = (start.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
        return stride(from: first, through: end.timeIntervalSince1970, by: 60).map { Date(timeIntervalSince1970: $0) }
    }
}

// MARK: - Random expressions

/// One random field: its text and the values it allows, decided while generating the text.
struct RandomCronField: Sendable {
    var text: String
    var values: Set<Int>
    var startsWithStar: Bool
}

/// A random valid cron expression with an oracle for which wall times it matches.
struct RandomCron: Sendable, CustomStringConvertible {
    /// Seconds (optional), minute, hour, day-of-month, month, day-of-week.
    var second: RandomCronField?
    var minute: RandomCronField
    var hour: RandomCronField
    var dayOfMonth: RandomCronField
    var month: RandomCronField
    var dayOfWeek: RandomCronField

    var text: String {
        ([second].compactMap { $0 } + [minute, hour, dayOfMonth, month, dayOfWeek]).map(\.text).joined(separator: " ")
    }

    var description: String { text }

    func matches(_ wall: WallParts) -> Bool {
        guard (second?.values ?? [0]).contains(wall.second), minute.values.contains(wall.minute),
              hour.values.contains(wall.hour), month.values.contains(wall.month) else { return false }
        let byDate = dayOfMonth.values.contains(wall.day)
        let byWeekday = dayOfWeek.values.contains(wall.weekday)
        return dayOfMonth.startsWithStar || dayOfWeek.startsWithStar ? byDate && byWeekday : byDate || byWeekday
    }
}

/// Builds random fields from the grammar the documentation describes.
struct RandomCronBuilder {
    var rng: any SeededRandomNumberGenerator

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

    /// A field over `bounds`; `star` is what `*` means (differs for day-of-week, where 7 = 0).
    mutating func field(_ bounds: ClosedRange<Int>, star: ClosedRange<Int>, names: [String] = []) -> RandomCronField {
        let fold: (Int) -> Int = { names == Self.dayNames && $0 == 7 ? 0 : $0 }
        switch int(0...6) {
        case 0:
            return RandomCronField(text: "*", values: Set(star), startsWithStar: true)
        case 1:
            let step = int(1...star.count)
            return RandomCronField(text: "*/\(step)", values: Set(stride(from: star.lowerBound, through: star.upperBound, by: step)),
                                   startsWithStar: true)
        case 2:
            let start = int(star)
            let step = int(1...star.count)
            return RandomCronField(text: "\(start)/\(step)",
                                   values: Set(stride(from: start, through: star.upperBound, by: step)), startsWithStar: false)
        case 3:
            let (low, high) = orderedPair(bounds)
            let step = int(1...star.count)
            return RandomCronField(text: "\(low)-\(high)/\(step)",
                                   values: Set(stride(from: low, through: high, by: step).map(fold)), startsWithStar: false)
        default:
            var parts: [String] = []
            var values: Set<Int> = []
            for _ in 0..<int(1...3) {
                if chance(50) {
                    let value = int(bounds)
                    parts.append(spell(value, bounds: bounds, names: names))
                    values.insert(fold(value))
                } else {
                    let (low, high) = orderedPair(bounds)
                    parts.append("\(spell(low, bounds: bounds, names: names))-\(spell(high, bounds: bounds, names: names))")
                    values.formUnion((low...high).map(fold))
                }
            }
            return RandomCronField(text: parts.joined(separator: ","), values: values, startsWithStar: false)
        }
    }

    private mutating func orderedPair(_ bounds: ClosedRange<Int>) -> (Int, Int) {
        let a = int(bounds), b = int(bounds)
        return (min(a, b), max(a, b))
    }

    /// A number, or sometimes its name in random letter case.
    private mutating func spell(_ value: Int, bounds: ClosedRange<Int>, names: [String]) -> String {
        let index = value - bounds.lowerBound
        guard names.indices.contains(index), chance(40) else { return "\(value)" }
        return chance(50) ? names[index] : names[index].lowercased()
    }

    mutating func minute() -> RandomCronField { field(0...59, star: 0...59) }
    mutating func second() -> RandomCronField { field(0...59, star: 0...59) }
    mutating func hour() -> RandomCronField { field(0...23, star: 0...23) }
    mutating func dayOfMonth() -> RandomCronField { field(1...31, star: 1...31) }
    mutating func month() -> RandomCronField { field(1...12, star: 1...12, names: Self.monthNames) }
    mutating func dayOfWeek() -> RandomCronField { field(0...7, star: 0...6, names: Self.dayNames) }
}

/// A random expression, zone and start instant; half the starts sit just before a transition.
struct Scenario: Sendable, CustomStringConvertible {
    enum Kind: Sendable { case anyExpression, everyHour, fixedHours }

    var cron: RandomCron
    var zone: TimeZone
    var start: Date

    var description: String {
        "\"\(cron.text)\" in \(zone.identifier) after \(ScheduleFixtures.text(start, in: zone.identifier))"
    }

    static let zones = [
        "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham", "Europe/London",
        "Australia/Lord_Howe", "America/Santiago", "America/Havana", "Asia/Kathmandu", "America/St_Johns", "UTC",
    ]

    static func generator(_ kind: Kind) -> Generator<Scenario, Shrink.None<Scenario>> {
        Generator { rng in
            var builder = RandomCronBuilder(rng: rng)
            let cron = randomCron(kind, &builder)
            let zone = ScheduleFixtures.zone(zones[builder.int(0...zones.count - 1)])
            let from = ScheduleFixtures.instant("2020-01-01T00:00:00Z").timeIntervalSince1970
            let to = ScheduleFixtures.instant("2035-12-31T00:00:00Z").timeIntervalSince1970
            var start = Date(timeIntervalSince1970: Double(builder.int(Int(from)...Int(to))) + Double(builder.int(0...999)) / 1_000)
            if builder.chance(50), let transition = zone.nextDaylightSavingTimeTransition(after: start) {
                start = transition.addingTimeInterval(-Double(builder.int(0...6 * 3_600)))
            }
            rng = builder.rng
            return Scenario(cron: cron, zone: zone, start: start)
        }
    }

    private static func randomCron(_ kind: Kind, _ builder: inout RandomCronBuilder) -> RandomCron {
        let star = RandomCronField(text: "*", values: [], startsWithStar: true)
        switch kind {
        case .anyExpression:
            return RandomCron(
                second: builder.chance(30) ? builder.second() : nil, minute: builder.minute(), hour: builder.hour(),
                dayOfMonth: builder.dayOfMonth(), month: builder.month(), dayOfWeek: builder.dayOfWeek())
        case .everyHour:
            let hourText = ["*", "0-23", "*/1", "0-11,12-23"][builder.int(0...3)]
            return RandomCron(
                second: nil, minute: builder.minute(),
                hour: RandomCronField(text: hourText, values: Set(0...23), startsWithStar: hourText.hasPrefix("*")),
                dayOfMonth: all(star, 1...31), month: all(star, 1...12), dayOfWeek: all(star, 0...6))
        case .fixedHours:
            var hour = builder.hour()
            while hour.values.count == 24 { hour = builder.hour() }
            return RandomCron(
                second: nil, minute: builder.minute(), hour: hour,
                dayOfMonth: all(star, 1...31), month: all(star, 1...12), dayOfWeek: all(star, 0...6))
        }
    }

    private static func all(_ star: RandomCronField, _ values: ClosedRange<Int>) -> RandomCronField {
        RandomCronField(text: star.text, values: Set(values), startsWithStar: true)
    }

    func fires(of expression: CronExpression, count: Int) -> [Date] {
        var fires: [Date] = []
        var cursor = start
        while fires.count < count, let fire = expression.nextFire(after: cursor, in: zone) {
            fires.append(fire)
            cursor = fire
        }
        return fires
    }
}

// MARK: - Wall clock oracle

/// A wall time broken into the parts cron looks at; weekday 0 = Sunday.
struct WallParts: Sendable {
    var year, month, day, hour, minute, second, weekday: Int
}

/// Reads wall times with `Calendar`, independently of the engine's own arithmetic.
struct WallReader {
    let zone: TimeZone
    private let calendar: Calendar
    private let utcCalendar: Calendar

    init(_ zone: TimeZone) {
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        utcCalendar = utc
    }

    func parts(of date: Date) -> WallParts {
        Self.parts(calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date))
    }

    /// Whether no earlier instant showed the same wall time (false in the second pass of a fold).
    func isFirstOccurrence(_ date: Date) -> Bool {
        let offset = zone.secondsFromGMT(for: date)
        let earlierOffset = zone.secondsFromGMT(for: date.addingTimeInterval(-86_400))
        guard earlierOffset > offset else { return true }
        let twin = date.addingTimeInterval(-Double(earlierOffset - offset))
        return zone.secondsFromGMT(for: twin) != earlierOffset
    }

    /// Whether `date` is the instant a forward change ends and a wall time it skipped matches.
    func skippedWallTimeMatches(at date: Date, _ cron: RandomCron) -> Bool {
        let before = zone.secondsFromGMT(for: date.addingTimeInterval(-1))
        let after = zone.secondsFromGMT(for: date)
        guard after > before else { return false }
        let firstSkipped = date.timeIntervalSince1970 + Double(before)
        let step: Double = cron.second == nil ? 60 : 1
        return stride(from: firstSkipped, to: date.timeIntervalSince1970 + Double(after), by: step).contains { wall in
            cron.matches(Self.parts(utcCalendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second, .weekday], from: Date(timeIntervalSince1970: wall))))
        }
    }

    private static func parts(_ components: DateComponents) -> WallParts {
        WallParts(year: components.year!, month: components.month!, day: components.day!, hour: components.hour!,
                  minute: components.minute!, second: components.second!, weekday: components.weekday! - 1)
    }
}
