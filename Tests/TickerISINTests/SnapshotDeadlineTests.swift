import Foundation
import Logging
import Synchronization
import Testing
import TickerISIN
import TickerStore

@Suite("ISIN deadline")
struct SnapshotDeadlineTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let deadline = SnapshotDeadline()

    @Test func ageCountsFromTheLastConfirmationOrFromTheStart() {
        let hour: TimeInterval = 3600
        let fresh = deadline.status(lastConfirmed: start, watchingSince: start, now: start.addingTimeInterval(25 * hour))
        #expect(fresh.age == 25 * hour && !fresh.missed)
        let exactly = deadline.status(lastConfirmed: start, watchingSince: start, now: start.addingTimeInterval(26 * hour))
        #expect(!exactly.missed)
        let late = deadline.status(lastConfirmed: start, watchingSince: start, now: start.addingTimeInterval(26 * hour + 1))
        #expect(late.missed)
        let never = deadline.status(lastConfirmed: nil, watchingSince: start, now: start.addingTimeInterval(27 * hour))
        #expect(never.missed && never.lastConfirmed == nil)
    }

    @Test func theWatchLogsAnErrorOnceWhenMissedAndAgainAfterTheRepeatInterval() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-deadline-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try DataDirectory(path: folder.path).openISINStore()
        let records = LogRecords()
        let logger = Logger(label: "test") { _ in RecordingHandler(records: records) }
        // A clock that jumps an hour per reading: 26 h pass after 26 checks.
        let clock = SteppingClock(start: start, step: 3600)
        let watch = SnapshotDeadlineWatch(store: store, interval: .milliseconds(1), repeatEvery: 5 * 3600, logger: logger)
        let task = Task { await watch.run(now: { clock.next() }) }
        try await waitFor { records.errors.count >= 2 }
        task.cancel()
        await task.value
        let errors = records.errors
        #expect(errors[0].hasPrefix("ISIN list deadline missed: no snapshot published or confirmed for 2"))
        // The second error comes only after the repeat interval, not on every check.
        #expect(records.checksBetweenFirstTwoErrors(clock) >= 5)
    }

    private func waitFor(_ condition: () -> Bool) async throws {
        for _ in 0..<2000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
        #expect(condition())
    }
}

/// Each reading is `step` seconds after the previous one.
final class SteppingClock: Sendable {
    private let readings = Mutex<Int>(0)
    let start: Date
    let step: TimeInterval

    init(start: Date, step: TimeInterval) {
        self.start = start
        self.step = step
    }

    func next() -> Date {
        readings.withLock { count in
            defer { count += 1 }
            return start.addingTimeInterval(Double(count) * step)
        }
    }

    var count: Int { readings.withLock { $0 } }
}

final class LogRecords: Sendable {
    private let lines = Mutex<[(Logger.Level, String)]>([])

    func append(_ level: Logger.Level, _ message: String) {
        lines.withLock { $0.append((level, message)) }
    }

    var errors: [String] { lines.withLock { $0.filter { $0.0 == .error }.map(\.1) } }

    /// How many hours passed between the first two errors, read from their "for N h" text.
    func checksBetweenFirstTwoErrors(_ clock: SteppingClock) -> Int {
        let hours = errors.prefix(2).compactMap { text -> Double? in
            guard let range = text.range(of: "for ") else { return nil }
            return Double(text[range.upperBound...].prefix { $0 != " " })
        }
        guard hours.count == 2 else { return 0 }
        return Int(hours[1] - hours[0])
    }
}

struct RecordingHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        records.append(event.level, "\(event.message)")
    }
}
