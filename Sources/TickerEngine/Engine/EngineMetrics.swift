import Foundation
import Metrics
import TickerCore
import TickerStore

/// What the engine reports through swift-metrics (exported by `ticker serve` at `/metrics`).
/// Names follow Prometheus conventions: `_total` for counters, seconds for durations.
///
/// The metric objects are made once, on first use, which comes after `ticker serve` bootstrapped
/// the metrics system: looking a metric up in the registry for every attempt cost about 6% of
/// the no-op throughput.
enum EngineMetrics {
    private static let slotsStarted = slots("started")
    private static let slotsQueued = slots("queued")
    private static let slotsSkipped = slots("skipped")
    private static let attempts = Dictionary(uniqueKeysWithValues: AttemptState.allCases.map {
        ($0, Counter(label: "ticker_attempts_total", dimensions: [("state", $0.rawValue)]))
    })
    private static let attemptDuration = Timer(label: "ticker_attempt_duration_seconds")
    private static let retries = Counter(label: "ticker_retries_total")
    private static let lateness = Timer(label: "ticker_tick_lateness_seconds")

    /// Slots recorded by the scheduler, by what became of them.
    static func recorded(_ report: MaterializeReport) {
        if report.runsStarted > 0 { slotsStarted.increment(by: report.runsStarted) }
        if report.runsQueued > 0 { slotsQueued.increment(by: report.runsQueued) }
        if report.skipped > 0 { slotsSkipped.increment(by: report.skipped) }
    }

    /// Tick lateness: how long after its slot the first attempt of a scheduled run's root task
    /// started. The figure M1 of `ticker bench` measures from the database.
    static func started(_ claim: ClaimedAttempt, at now: Date = Date()) {
        guard claim.number == 1, claim.run.kind == .scheduled, claim.task.dependsOn.isEmpty else { return }
        lateness.recordNanoseconds(Int64(max(0, now.timeIntervalSince(claim.run.slotAt)) * 1e9))
    }

    /// An attempt's end: counted by state, timed, and retries counted apart.
    static func ended(_ claim: ClaimedAttempt, _ end: AttemptEnd, after duration: Duration) {
        attempts[end.attemptState]?.increment()
        attemptDuration.record(duration: duration)
        if claim.number > 1 { retries.increment() }
    }

    private static func slots(_ decision: String) -> Counter {
        Counter(label: "ticker_slots_total", dimensions: [("decision", decision)])
    }
}
