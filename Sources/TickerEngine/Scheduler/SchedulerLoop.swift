import Foundation
import Logging
import TickerStore

/// Turns due slots into runs the moment they come due.
///
/// It sleeps exactly until the earliest watermark of any DAG (or the poll interval, so that
/// changes made by other processes are seen). Correctness never depends on this loop's timing:
/// the store records each slot once, whoever materializes it and however late.
struct SchedulerLoop: Sendable {
    let store: any SchedulerStore
    let pollInterval: Duration
    let logger: Logger
    let bell: Doorbell
    let beat: Heartbeat
    let onRunsStarted: @Sendable () -> Void
    let onRunsCancelled: @Sendable () -> Void

    func run() async {
        while !Task.isCancelled {
            var wait = pollInterval
            do {
                let report = try await store.materializeDueSlots(now: Date())
                EngineMetrics.recorded(report)
                if report.runsStarted > 0 { onRunsStarted() }
                if report.runsCancelled > 0 { onRunsCancelled() }
                if report.slotsRecorded > 0 {
                    logger.debug(
                        "slots recorded",
                        metadata: [
                            "recorded": "\(report.slotsRecorded)", "started": "\(report.runsStarted)",
                            "queued": "\(report.runsQueued)", "skipped": "\(report.skipped)",
                        ])
                }
                if let next = try await store.nextDueSlot() {
                    wait = min(wait, .until(next))
                }
                beat.beat()
            } catch {
                logger.error("scheduling pass failed; retrying: \(error)")
            }
            if wait > .zero { await bell.wait(timeout: wait) }
        }
    }
}

/// Housekeeping that needs no precise timing: lost leases, run timeouts, log retention.
struct MaintenanceLoop: Sendable {
    let store: any SchedulerStore
    let config: EngineConfiguration
    let logger: Logger
    let onWork: @Sendable () -> Void
    let onRunsCancelled: @Sendable () -> Void

    func run() async {
        var lastPrune = Date.distantPast
        while !Task.isCancelled {
            do {
                let now = Date()
                let lost = try await store.expireLeases(now: now)
                if lost > 0 {
                    logger.warning("\(lost) attempt(s) lost their lease (holder died or stalled); retrying them")
                    onWork()
                }
                let timedOut = try await store.timeOutRuns(now: now)
                if timedOut > 0 {
                    logger.warning("\(timedOut) run(s) exceeded their run timeout")
                    onRunsCancelled()
                }
                if now.timeIntervalSince(lastPrune) > 3600 {
                    let cutoff = now.addingTimeInterval(-config.logRetention.seconds)
                    let pruned = try await store.pruneLogs(endedBefore: cutoff)
                    if pruned > 0 { logger.info("deleted \(pruned) log chunks past retention") }
                    lastPrune = now
                }
            } catch {
                logger.error("maintenance pass failed; retrying: \(error)")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
