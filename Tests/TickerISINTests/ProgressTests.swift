import Synchronization
import Testing
@testable import TickerISIN

@Suite("progress: text")
struct ProgressTextTests {
    @Test func bytesWithTotalShowPercentRateAndTimeLeft() {
        let report = ProgressReport(unit: .bytes, count: 12_300_000, total: 80_000_000, elapsed: .seconds(3))
        #expect(report.description == "12.3 MB of 80.0 MB (15%), 4.1 MB/s, ETA 17 s")
    }

    @Test func bytesWithoutTotalShowTheRate() {
        let report = ProgressReport(unit: .bytes, count: 12_300_000, elapsed: .seconds(3))
        #expect(report.description == "12.3 MB, 4.1 MB/s")
    }

    @Test func rows() {
        let report = ProgressReport(unit: .rows, count: 420_000, elapsed: .seconds(2))
        #expect(report.description == "420,000 rows, 210,000 rows/s")
        let withTotal = ProgressReport(unit: .rows, count: 420_000, total: 1_000_000, elapsed: .seconds(2))
        #expect(withTotal.description == "420,000 of 1,000,000 rows (42%), 210,000 rows/s, ETA 3 s")
    }

    @Test func finalReportSaysHowLongItTook() {
        let done = ProgressReport(unit: .bytes, count: 80_000_000, total: 80_000_000, elapsed: .seconds(19), isFinal: true)
        #expect(done.description == "80.0 MB in 19 s, 4.2 MB/s")
        let short = ProgressReport(unit: .bytes, count: 40_000_000, total: 80_000_000, elapsed: .seconds(10), isFinal: true)
        #expect(short.description == "40.0 MB of 80.0 MB (50%) in 10 s, 4.0 MB/s")
    }

    @Test func noRateBeforeAnyTimeHasPassed() {
        let report = ProgressReport(unit: .bytes, count: 5000, total: 10_000, elapsed: .zero)
        #expect(report.description == "5.0 kB of 10.0 kB (50%)")
        #expect(report.rate == nil && report.estimatedTimeLeft == nil)
    }

    @Test func byteCounts() {
        #expect(QuantityText.bytes(0) == "0 bytes")
        #expect(QuantityText.bytes(1) == "1 byte")
        #expect(QuantityText.bytes(999) == "999 bytes")
        #expect(QuantityText.bytes(1000) == "1.0 kB")
        #expect(QuantityText.bytes(999_960) == "1.0 MB")
        #expect(QuantityText.bytes(1_234_567_890) == "1.2 GB")
        #expect(QuantityText.roundBytes(100_000_000) == "100 MB")
        #expect(QuantityText.roundBytes(104_857_600) == "104.9 MB")
    }

    @Test func groupedNumbers() {
        #expect(QuantityText.grouped(0) == "0")
        #expect(QuantityText.grouped(999) == "999")
        #expect(QuantityText.grouped(12_345) == "12,345")
        #expect(QuantityText.grouped(-1_234_567) == "-1,234,567")
    }

    @Test func durations() {
        #expect(QuantityText.duration(.milliseconds(500)) == "0.5 s")
        #expect(QuantityText.duration(.seconds(5)) == "5 s")
        #expect(QuantityText.duration(.milliseconds(2500)) == "2.5 s")
        #expect(QuantityText.duration(.seconds(125)) == "2 min 5 s")
        #expect(QuantityText.duration(.seconds(120)) == "2 min")
        #expect(QuantityText.duration(.seconds(3780)) == "1 h 3 min")
    }
}

@Suite("progress: meter")
struct ProgressMeterTests {
    /// A clock moved by hand.
    final class ManualClock: Sendable {
        private let now = Mutex<Duration>(.zero)
        func advance(to time: Duration) { now.withLock { $0 = time } }
        var reading: ProgressMeter.Clock { { self.now.withLock { $0 } } }
    }

    final class Reports: Sendable {
        private let list = Mutex<[ProgressReport]>([])
        func append(_ report: ProgressReport) { list.withLock { $0.append(report) } }
        var all: [ProgressReport] { list.withLock { $0 } }
    }

    @Test func reportsAtMostOncePerIntervalAndOnceAtTheEnd() {
        let clock = ManualClock()
        let reports = Reports()
        var meter = ProgressMeter(unit: .bytes, total: 10_000, interval: .seconds(1), clock: clock.reading, report: reports.append)
        clock.advance(to: .milliseconds(500))
        meter.add(1000)
        #expect(reports.all.isEmpty)
        clock.advance(to: .seconds(1))
        meter.add(1000)
        clock.advance(to: .milliseconds(1500))
        meter.add(1000)
        clock.advance(to: .milliseconds(2100))
        meter.add(1000)
        #expect(reports.all.map(\.count) == [2000, 4000])
        clock.advance(to: .milliseconds(2200))
        meter.update(to: 10_000)
        meter.finish()
        meter.finish()
        meter.add(5)
        #expect(reports.all.map(\.count) == [2000, 4000, 10_000])
        #expect(reports.all.map(\.isFinal) == [false, false, true])
        #expect(reports.all.last?.elapsed == .milliseconds(2200))
        #expect(reports.all.first?.description == "2.0 kB of 10.0 kB (20%), 2.0 kB/s, ETA 4 s")
    }
}
