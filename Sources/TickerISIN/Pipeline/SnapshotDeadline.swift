import Foundation
import Logging
import Metrics
import TickerStore

/// The promise the pipeline keeps: the ISIN list is never older than `limit` (26 hours by
/// default: a daily run, plus two hours for a late or retried one).
///
/// "Current" means a snapshot was published, or a download found the source unchanged since, so a
/// source that did not change is no alarm; a run that fails, or a list the shrink guard refuses,
/// lets the age grow until the alert fires. Before the first snapshot, the age counts from when
/// the watch started.
public struct SnapshotDeadline: Sendable, Hashable {
    public var limit: Duration

    public init(limit: Duration = .seconds(26 * 3600)) {
        self.limit = limit
    }

    public struct Status: Sendable, Hashable {
        /// Seconds since the list was last known current (or since the watch started).
        public var age: TimeInterval
        public var missed: Bool
        public var lastConfirmed: Date?
    }

    public func status(lastConfirmed: Date?, watchingSince: Date, now: Date) -> Status {
        let age = now.timeIntervalSince(lastConfirmed ?? watchingSince)
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        return Status(age: max(0, age), missed: age > seconds, lastConfirmed: lastConfirmed)
    }
}

/// Checks the deadline every `interval`, exports it as metrics and logs an error when it is
/// missed: once when it happens, then once an hour while it lasts, so that an alert on the log
/// fires without flooding it.
///
/// Metrics: `ticker_isin_snapshot_age_seconds` (gauge), `ticker_isin_snapshot_deadline_missed`
/// (gauge, 1 while missed) and `ticker_isin_snapshot_instruments` (the current snapshot's size).
public struct SnapshotDeadlineWatch: Sendable {
    public var store: any ISINStore
    public var deadline: SnapshotDeadline
    public var interval: Duration
    public var repeatEvery: TimeInterval
    public var logger: Logger

    public init(
        store: any ISINStore, deadline: SnapshotDeadline = SnapshotDeadline(), interval: Duration = .seconds(60),
        repeatEvery: TimeInterval = 3600, logger: Logger
    ) {
        self.store = store
        self.deadline = deadline
        self.interval = interval
        self.repeatEvery = repeatEvery
        self.logger = logger
    }

    /// Runs until the task is cancelled.
    public func run(now: @Sendable () -> Date = { Date() }) async {
        let started = now()
        let age = Gauge(label: "ticker_isin_snapshot_age_seconds")
        let missed = Gauge(label: "ticker_isin_snapshot_deadline_missed")
        let size = Gauge(label: "ticker_isin_snapshot_instruments")
        var lastAlert: Date?
        while !Task.isCancelled {
            do {
                let status = deadline.status(lastConfirmed: try await store.lastConfirmedCurrent(), watchingSince: started, now: now())
                age.record(status.age)
                if let current = try await store.currentSnapshot() { size.record(current.counts.valid) }
                missed.record(status.missed ? 1 : 0)
                if status.missed, lastAlert.map({ now().timeIntervalSince($0) >= repeatEvery }) ?? true {
                    lastAlert = now()
                    logger.error("ISIN list deadline missed: no snapshot published or confirmed for \(Self.hours(status.age))", metadata: [
                        "last_confirmed": "\(status.lastConfirmed.map { $0.formatted(.iso8601) } ?? "never")",
                        "limit_hours": "\(Self.hours(TimeInterval(deadline.limit.components.seconds)))",
                    ])
                } else if !status.missed {
                    lastAlert = nil
                }
            } catch {
                logger.warning("ISIN deadline check failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }

    static func hours(_ seconds: TimeInterval) -> String {
        String(format: "%.1f h", seconds / 3600)
    }
}
