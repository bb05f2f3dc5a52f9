import Foundation
import Logging
import Synchronization
import TickerCore
import TickerStore

/// Claims ready tasks and runs their attempts, up to `workerSlots` at once, renewing their leases
/// while they run.
final class WorkerPool: Sendable {
    private struct Running {
        var task: Task<Void, Never>
        var stopReason: AttemptRunner.StopReason?
        /// The attempt has ended and its result waits to be written. It no longer takes a worker
        /// slot, but it keeps its lease: a result written late must still count.
        var reporting = false
    }

    private let store: any SchedulerStore
    private let config: EngineConfiguration
    private let owner: String
    private let runner: AttemptRunner
    private let outbox: Outbox
    private let logger: Logger
    /// Rung when there may be work to claim: new runs, written results, a free slot.
    let bell: Doorbell
    /// Rung when runs were cancelled, so their attempts hear it now rather than at the next beat.
    let heartbeatBell = Doorbell()
    private let running = Mutex<[Int64: Running]>([:])
    private let draining = Atomic<Bool>(false)

    init(
        store: any SchedulerStore, registry: OperatorRegistry, config: EngineConfiguration, owner: String, outbox: Outbox,
        bell: Doorbell, logger: Logger
    ) {
        self.store = store
        self.bell = bell
        self.config = config
        self.owner = owner
        self.runner = AttemptRunner(registry: registry)
        self.outbox = outbox
        self.logger = logger
    }

    /// Attempts running or waiting for their result to be written: what a drain waits for.
    var runningCount: Int { running.withLock { $0.count } }

    /// Slots free for new claims. Attempts whose results wait to be written do not take a slot,
    /// but at most three slots' worth may wait: if the store stops taking results, claiming stops
    /// too instead of piling up work nobody can record.
    private var freeSlots: Int {
        running.withLock { running in
            let executing = running.values.count { !$0.reporting }
            return min(config.workerSlots - executing, 4 * config.workerSlots - running.count)
        }
    }

    /// Claims and starts attempts until draining starts.
    func claimLoop() async {
        while !draining.load(ordering: .relaxed) && !Task.isCancelled {
            let free = freeSlots
            var claimedAll = false
            if free > 0 {
                do {
                    let claims = try await store.claim(owner: owner, limit: min(free, 64), lease: config.lease, now: Date())
                    claims.forEach(start)
                    claimedAll = !claims.isEmpty && claims.count == min(free, 64)
                } catch {
                    logger.error("claiming work failed: \(error)")
                }
            }
            if !claimedAll { await bell.wait(timeout: config.pollInterval) }
        }
    }

    private func start(_ claim: ClaimedAttempt) {
        let id = claim.attemptID
        let log = outbox.log(for: id)
        running.withLock { running in
            let task = Task { [self] in
                EngineMetrics.started(claim)
                let started = ContinuousClock.now
                let end = await runner.run(claim, log: log) { [self] in self.stopReason(id) }
                EngineMetrics.ended(claim, end, after: ContinuousClock.now - started)
                // The slot is free as soon as the work is: the next claim need not wait for this
                // result's transaction.
                self.running.withLock { $0[id]?.reporting = true }
                bell.ring()
                await outbox.submit(AttemptResult(attemptID: id, end: end))
                self.running.withLock { _ = $0.removeValue(forKey: id) }
                bell.ring()
            }
            running[id] = Running(task: task, stopReason: nil)
        }
    }

    private func stopReason(_ id: Int64) -> AttemptRunner.StopReason? {
        running.withLock { $0[id]?.stopReason }
    }

    private func stop(_ ids: some Sequence<Int64>, reason: AttemptRunner.StopReason) {
        let tasks = running.withLock { running in
            ids.compactMap { id -> Task<Void, Never>? in
                guard running[id] != nil else { return nil }
                running[id]?.stopReason = reason
                return running[id]?.task
            }
        }
        tasks.forEach { $0.cancel() }
    }

    /// Renews leases every heartbeat; stops attempts whose run was cancelled or lease lost.
    func heartbeatLoop() async {
        while !Task.isCancelled {
            await heartbeatBell.wait(timeout: config.heartbeat)
            let ids = running.withLock { Array($0.keys) }
            guard !ids.isEmpty else { continue }
            do {
                let lost = try await store.renewLeases(owner: owner, attemptIDs: ids, lease: config.lease, now: Date())
                if !lost.isEmpty {
                    logger.info("stopping \(lost.count) attempt(s) whose run was cancelled or lease was lost")
                    stop(lost, reason: .runCancelled)
                }
            } catch {
                logger.error("renewing leases failed: \(error)")
            }
        }
    }

    /// Stops claiming, waits up to the drain timeout for running attempts, then interrupts the rest
    /// so they run again elsewhere or after restart.
    func drain(timeout: Duration) async {
        draining.store(true, ordering: .relaxed)
        bell.ring()
        let deadline = ContinuousClock.now + timeout
        if runningCount > 0 { logger.info("draining \(runningCount) running attempt(s)") }
        while runningCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let left = running.withLock { Array($0.keys) }
        if !left.isEmpty {
            logger.warning("interrupting \(left.count) attempt(s) still running after the drain timeout")
            stop(left, reason: .shutdown)
        }
        while runningCount > 0 { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
