import Foundation
import Logging
import ServiceLifecycle
import TickerCore
import TickerStore

/// Keeps this process's row in the node table: a beat at start and every heartbeat interval,
/// a goodbye once the engine has drained. It is the first service of the group, so a graceful
/// shutdown stops it last and the node is reported alive while it drains.
struct NodePresence: Service {
    let store: any NodeStore
    let node: NodeRecord
    let interval: Duration
    let logger: Logger
    /// Nodes silent for this long are forgotten.
    static let retention: Duration = .seconds(7 * 86_400)

    func run() async throws {
        await cancelWhenGracefulShutdown { await beatLoop() }
        do {
            try await store.leave(nodeID: node.id, now: Date())
        } catch {
            logger.warning("could not record this node's shutdown in the node table", metadata: ["error": "\(error)"])
        }
    }

    private func beatLoop() async {
        var failing = false
        var nextPrune = ContinuousClock.now
        while !Task.isCancelled {
            var beat = node
            beat.heartbeatAt = Date()
            do {
                try await store.beat(beat)
                if failing { logger.info("node heartbeats recorded again") }
                failing = false
                if ContinuousClock.now >= nextPrune {
                    _ = try await store.pruneNodes(heartbeatBefore: beat.heartbeatAt.addingTimeInterval(-Double(Self.retention.components.seconds)))
                    nextPrune = ContinuousClock.now + .seconds(3600)
                }
            } catch {
                // Said once per outage: the store's own probes report the outage itself.
                if !failing { logger.warning("recording this node's heartbeat failed", metadata: ["error": "\(error)"]) }
                failing = true
            }
            try? await Task.sleep(for: interval)
        }
    }
}

extension NodeRecord {
    /// This process, as the engine that runs under `owner` with `config`.
    static func current(owner: String, config: EngineConfiguration, now: Date = Date()) -> NodeRecord {
        var roles: Set<NodeRole> = []
        if config.runsScheduler { roles.insert(.scheduler) }
        if config.runsWorker { roles.insert(.worker) }
        return NodeRecord(
            id: owner, host: ProcessInfo.processInfo.hostName, pid: Int(ProcessInfo.processInfo.processIdentifier), roles: roles,
            version: TickerVersion.current, startedAt: now, heartbeatAt: now)
    }
}
