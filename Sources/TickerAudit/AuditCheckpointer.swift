import Foundation
import Logging
import ServiceLifecycle
import TickerStore

/// Signs the head of the chain every `interval` when it moved, and once more at shutdown. Entries
/// after the last checkpoint are protected by the chain alone (their deletion from the end is not
/// detectable), so the interval bounds what a database editor could drop unseen.
public struct AuditCheckpointer: Service {
    let store: any AuditStore
    let signer: AuditSigner
    let interval: Duration
    let logger: Logger

    public init(store: any AuditStore, signer: AuditSigner, interval: Duration, logger: Logger) {
        self.store = store
        self.signer = signer
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await checkpointQuietly()
        }
    }

    /// Signs the last entry unless it is signed already; returns the checkpoint made, if any.
    @discardableResult
    public func checkpoint() async throws -> AuditCheckpoint? {
        guard let last = try await store.lastAuditEntry() else { return nil }
        if let signed = try await store.lastAuditCheckpoint(), signed.seq >= last.seq { return nil }
        let checkpoint = try signer.checkpoint(at: last)
        try await store.insertAuditCheckpoint(checkpoint)
        return checkpoint
    }

    private func checkpointQuietly() async {
        do {
            try await checkpoint()
        } catch {
            logger.error("audit checkpoint not signed: \(error)")
        }
    }
}
