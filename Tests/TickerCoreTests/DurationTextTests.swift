import Testing
import TickerCore

@Suite("Duration text")
struct DurationTextTests {
    @Test("parses units and combinations", arguments: [
        ("500ms", Duration.milliseconds(500)), ("90s", .seconds(90)), ("15m", .seconds(900)),
        ("1h30m", .seconds(5_400)), ("2h", .seconds(7_200)), ("1d", .seconds(86_400)), ("1w", .seconds(604_800)),
        ("30", .seconds(30)), ("0", .zero), ("0s", .zero), ("1h 30m", .seconds(5_400)), (" 45s ", .seconds(45)),
        ("1d2h3m4s5ms", .seconds(93_784) + .milliseconds(5)), ("250us", .microseconds(250)), ("250µs", .microseconds(250)),
        ("10ns", .nanoseconds(10)),
    ])
    func parses(text: String, expected: Duration) throws {
        #expect(try DurationText.parse(text) == expected)
    }

    @Test("rejects bad text with a clear message", arguments: [
        ("", "empty"), ("   ", "empty"), ("-5s", "negative"), ("-30", "negative"), ("5y", "unknown unit \"y\""),
        ("1h30", "needs a unit"), ("30m1h", "largest to smallest"), ("1m1m", "largest to smallest"),
        ("1.5h", "fractions are not supported"), ("2,5s", "fractions"), ("h", "expected a whole number"), ("99999999999999999999s", "too large"),
        ("999999999999w", "too large"),
    ])
    func rejects(text: String, says: String) {
        let error = #expect(throws: DurationTextError.self) { try DurationText.parse(text) }
        #expect(error?.description.contains(says) == true, "\(String(describing: error))")
    }

    @Test("formats as the canonical text", arguments: [
        (Duration.seconds(5_400), "1h30m"), (.milliseconds(500), "500ms"), (.seconds(90), "1m30s"), (.zero, "0s"),
        (.seconds(86_400), "1d"), (.seconds(604_800 + 86_400), "1w1d"), (.seconds(7_200), "2h"),
        (.milliseconds(1_500), "1s500ms"), (.nanoseconds(1_001), "1us1ns"), (.seconds(-90), "-1m30s"),
    ])
    func formats(duration: Duration, expected: String) {
        #expect(DurationText.format(duration) == expected)
    }

    @Test("format and parse round-trip", arguments: [
        Duration.seconds(1), .seconds(59), .seconds(3_601), .seconds(1_000_000), .milliseconds(12_345), .nanoseconds(7),
    ])
    func roundTrip(duration: Duration) throws {
        #expect(try DurationText.parse(DurationText.format(duration)) == duration)
    }
}
