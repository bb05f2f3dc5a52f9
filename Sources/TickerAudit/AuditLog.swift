import Foundation
import Logging
import Metrics
import Synchronization
import TickerStore

/// Appends events to the hash chain with group commit: events that arrive while a transaction is
/// writing wait for the next one and share it, so a busy server writes a few large transactions
/// instead of one per request, and each caller still returns only once its line is stored.
public final class AuditLog: Sendable {
    private struct Waiting {
        var draft: AuditDraft
        var done: CheckedContinuation<Void, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var writing = false
    }

    /// At most this many lines per transaction.
    static let batchLimit = 500

    private let store: any AuditStore
    private let logger: Logger
    private let state = Mutex(State())
    private let failures = Counter(label: "ticker_audit_append_failures_total")

    public init(store: any AuditStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Stores `event` and returns once it is stored. A failure to store is logged and counted
    /// (`ticker_audit_append_failures_total`), not thrown: the action it describes has happened.
    public func record(_ event: AuditEvent) async {
        let draft = event.draft(at: Date())
        await withCheckedContinuation { done in
            let startWriter = state.withLock { state in
                state.waiting.append(Waiting(draft: draft, done: done))
                if state.writing { return false }
                state.writing = true
                return true
            }
            if startWriter { Task { await self.writeWaiting() } }
        }
    }

    /// Stores events at once, in one transaction, and throws if that fails (for commands, whose
    /// operator should see a missing audit line).
    public func append(_ events: [AuditEvent]) async throws {
        let now = Date()
        _ = try await store.appendAudit(events.map { $0.draft(at: now) }, link: AuditChain.link)
    }

    private func writeWaiting() async {
        while true {
            let batch = state.withLock { state in
                let batch = Array(state.waiting.prefix(Self.batchLimit))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                _ = try await store.appendAudit(batch.map(\.draft), link: AuditChain.link)
            } catch {
                failures.increment(by: batch.count)
                logger.error("audit log: \(batch.count) entries not stored: \(error)", metadata: ["actions": "\(Set(batch.map(\.draft.action)).sorted())"])
            }
            for waiting in batch { waiting.done.resume() }
        }
    }
}
