import Foundation
import Logging
import Metrics
import TickerStore

/// Appends events to the hash chain with group commit (`GroupCommit`): events that arrive while a
/// transaction is writing wait for the next one and share it, so a busy server writes a few large
/// transactions instead of one per request, and each caller still returns only once its line is
/// stored.
public final class AuditLog: Sendable {
    /// At most this many lines per transaction.
    static let batchLimit = 500

    private let store: any AuditStore
    private let lines: GroupCommit<AuditDraft, Void>

    public init(store: any AuditStore, logger: Logger) {
        self.store = store
        let failures = Counter(label: "ticker_audit_append_failures_total")
        lines = GroupCommit(batchLimit: Self.batchLimit) { batch in
            do {
                _ = try await store.appendAudit(batch, link: AuditChain.link)
            } catch {
                failures.increment(by: batch.count)
                logger.error("audit log: \(batch.count) entries not stored: \(error)", metadata: ["actions": "\(Set(batch.map(\.action)).sorted())"])
            }
            // The action each line describes has happened either way; its caller is not told.
            return batch.map { _ in .success(()) }
        }
    }

    /// Stores `event` and returns once it is stored. A failure to store is logged and counted
    /// (`ticker_audit_append_failures_total`), not thrown: the action it describes has happened.
    public func record(_ event: AuditEvent) async {
        _ = try? await lines.submit(event.draft(at: Date()))
    }

    /// Stores events at once, in one transaction, and throws if that fails (for commands, whose
    /// operator should see a missing audit line).
    public func append(_ events: [AuditEvent]) async throws {
        let now = Date()
        _ = try await store.appendAudit(events.map { $0.draft(at: now) }, link: AuditChain.link)
    }
}
