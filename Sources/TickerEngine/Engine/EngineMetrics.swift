import Metrics
import Foundation
import TickerCore
import TickerStore

/// What the engine reports through swift-metrics (exported by `ticker serve` at `/metrics`).
/// Names follow Prometheus conventions: `_total` for counters, seconds for durations.
enum EngineMetrics {
    /// Slots recorded by the scheduler, by what became of them.
    static func recorded(_ report: MaterializeReport) {
        if report.runsStarted > 0 { slots("started").increment(by: report.runsStarted) }
        if report.runsQueued > 0 { slots("queued").increment(by: report.runsQueued) }
        if report.skipped > 0 { slots("skipped").increment(by: report.skipped) }
    }

    /// Tick lateness: how long after its slot the first attempt of a scheduled run's root task
    /// started. The figure M1 of `ticker bench` measures from the database.
    static func started(_ claim: ClaimedAttempt, at now: Date = Date()) {
        guard claim.number == 1, claim.run.kind == .scheduled, claim.task.dependsOn.isEmpty else { return }
        let late = max(0, now.timeIntervalSince(claim.run.slotAt))
        Timer(label: "ticker_tick_lateness_seconds").recordNanoseconds(Int64(late * 1e9))
    }

    /// An attempt's end: counted by state, timed, and retries counted apart.
    static func ended(_ claim: ClaimedAttempt, _ end: AttemptEnd, after duration: Duration) {
        Counter(label: "ticker_attempts_total", dimensions: [("state", end.attemptState.rawValue)]).increment()
        Timer(label: "ticker_attempt_duration_seconds").record(duration: duration)
        if claim.number > 1 { Counter(label: "ticker_retries_total").increment() }
    }

    private static func slots(_ decision: String) -> Counter {
        Counter(label: "ticker_slots_total", dimensions: [("decision", decision)])
    }
}
