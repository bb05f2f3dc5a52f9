import Foundation
import Logging
import Metrics
import ServiceLifecycle
import TickerStore

/// Samples the work waiting in the store into gauges, every `interval`.
///
/// The counts are cluster-wide (every node reads the same store), so with several nodes take
/// `max` over instances rather than `sum`.
public struct QueueGauges: Service {
    private let store: any SchedulerStore
    private let interval: Duration
    private let logger: Logger
    private let ready = Gauge(label: "ticker_queue_depth")
    private let delayed = Gauge(label: "ticker_tasks_delayed")
    private let queuedRuns = Gauge(label: "ticker_runs_queued")
    private let running = Gauge(label: "ticker_attempts_running")

    public init(store: any SchedulerStore, interval: Duration = .seconds(10), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.sampleUntilCancelled() }
    }

    /// One sample; public so that a test or a one-off export can take it without the loop.
    public func sample(now: Date = Date()) async throws {
        let depth = try await store.queueDepth(now: now)
        ready.record(depth.readyTasks)
        delayed.record(depth.delayedTasks)
        queuedRuns.record(depth.queuedRuns)
        running.record(depth.runningAttempts)
    }

    private func sampleUntilCancelled() async {
        while !Task.isCancelled {
            do {
                try await sample()
            } catch {
                logger.warning("sampling the queue depth failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
