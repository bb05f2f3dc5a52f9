import Foundation
import Logging
import ServiceLifecycle
import TickerCore
import TickerStore

/// The scheduler and the workers of one process, as a service with a graceful shutdown: on
/// SIGTERM or SIGINT it stops claiming, lets running attempts finish up to the drain timeout and
/// interrupts the rest, which then run again.
public final class Engine: Service, Sendable {
    public let store: any SchedulerStore
    public let owner: String
    private let config: EngineConfiguration
    private let logger: Logger
    private let outbox: Outbox
    private let workers: WorkerPool
    private let schedulerBell = Doorbell()

    public init(store: any SchedulerStore, registry: OperatorRegistry, config: EngineConfiguration, logger: Logger) {
        self.store = store
        self.config = config
        self.logger = logger
        self.owner = Self.makeOwnerID()
        // Written results can make downstream tasks ready: the outbox wakes the claim loop.
        let workBell = Doorbell()
        let outbox = Outbox(store: store, maxLogBytes: config.maxLogBytesPerAttempt, logger: logger) { workBell.ring() }
        self.outbox = outbox
        self.workers = WorkerPool(
            store: store, registry: registry, config: config, owner: owner, outbox: outbox, bell: workBell, logger: logger)
    }

    /// A name for this process in attempt rows: which host and process ran an attempt.
    private static func makeOwnerID() -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    }

    /// Wakes the scheduler and the workers, for example after a manual trigger in this process.
    public func poke() {
        schedulerBell.ring()
        workers.bell.ring()
    }

    /// Another node made tasks ready: idle workers look for them now instead of at their next poll.
    public func workArrived() {
        workers.bell.ring()
    }

    public func run() async throws {
        if config.exclusiveStore {
            let orphans = try await store.abandonAttempts(notOwnedBy: owner, now: Date())
            if orphans > 0 { logger.warning("\(orphans) attempt(s) of a previous process were still marked running; retrying them") }
        }
        logger.info("engine started", metadata: ["owner": "\(owner)", "scheduler": "\(config.runsScheduler)", "worker": "\(config.runsWorker)"])
        let outboxTask = Task { await outbox.run() }
        // Heartbeats go on while draining: an attempt finishing its work must keep its lease.
        let heartbeatTask = Task { if config.runsWorker { await workers.heartbeatLoop() } }
        await cancelWhenGracefulShutdown { await self.runLoops() }
        logger.info("shutting down: no new slots or claims")
        // Graceful shutdown drains; plain cancellation means "stop now". The drain runs in its own
        // task because its waits must not be cut short by this task's cancellation.
        let drainTimeout = Task.isCancelled ? .zero : config.drainTimeout
        await Task { await self.workers.drain(timeout: drainTimeout) }.value
        heartbeatTask.cancel()
        outboxTask.cancel()
        await outboxTask.value
        logger.info("engine stopped")
    }

    /// The loops that create and claim work; they end on graceful shutdown or cancellation.
    private func runLoops() async {
        await withDiscardingTaskGroup { group in
            let workers = self.workers
            if config.runsScheduler {
                let scheduler = SchedulerLoop(
                    store: store, pollInterval: config.pollInterval, logger: logger, bell: schedulerBell, beat: config.schedulerBeat,
                    onRunsStarted: { workers.bell.ring() }, onRunsCancelled: { workers.heartbeatBell.ring() })
                group.addTask { await scheduler.run() }
                let maintenance = MaintenanceLoop(
                    store: store, config: config, logger: logger,
                    onWork: { workers.bell.ring() }, onRunsCancelled: { workers.heartbeatBell.ring() })
                group.addTask { await maintenance.run() }
            }
            if config.runsWorker {
                group.addTask { await workers.claimLoop() }
            }
        }
    }
}
