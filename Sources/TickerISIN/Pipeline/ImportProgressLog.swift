import Synchronization

/// Turns an import's progress into log lines, at most one a second plus a final one:
/// `12.3 MB of 73.0 MB (16%), 9.1 MB/s, ETA 7 s; 210,000 rows`.
final class ImportProgressLog: Sendable {
    private final class RowCount: Sendable {
        let value = Atomic<Int64>(0)
    }

    private let meter: Mutex<ProgressMeter>
    private let rows = RowCount()

    init(clock: @escaping ProgressMeter.Clock = ProgressMeter.continuousClock, log: @escaping @Sendable (String) -> Void) {
        let rows = self.rows
        meter = Mutex(ProgressMeter(unit: .bytes, clock: clock) { report in
            log("\(report); \(QuantityText.grouped(rows.value.load(ordering: .relaxed))) rows")
        })
    }

    func update(_ progress: ISINImporter.Progress) {
        rows.value.store(Int64(progress.rows), ordering: .relaxed)
        meter.withLock {
            $0.total = progress.totalBytes
            $0.update(to: progress.bytes)
        }
    }

    func finish() {
        meter.withLock { $0.finish() }
    }
}
