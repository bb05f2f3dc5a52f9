import Crypto
import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing
import TickerAudit
import TickerKeys
@testable import TickerStore

/// The audit log on both stores: appends that chain without gaps under concurrency, checkpoints
/// signed by a sealed key, and every kind of tampering with the tables caught at the right entry.
@Suite("Audit log")
struct AuditLogTests {
    typealias Store = any DataKeyStore & AuditStore

    func event(_ n: Int) -> AuditEvent {
        AuditEvent(actor: "user:u\(n % 3)", action: "vault.item.write", target: "/v1/vaults/v/items/i\(n)", outcome: .ok, source: "127.0.0.1")
    }

    /// The test's own key folder (the cases of a parametrized test run at once).
    let keyFolder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-audit-\(UUID().uuidString)")

    func signer(_ store: Store) async throws -> AuditSigner {
        let keys = DataKeys(keeper: FileKeyWrapper(folder: keyFolder), store: store)
        _ = try await keys.initialise()
        return try await AuditSigner.openOrCreate(store: store, atRest: AtRest(keys: keys))
    }

    func verify(_ store: Store, _ signer: AuditSigner) async throws -> AuditReport {
        try await AuditVerifier.verify(store, keys: [signer.keyID: signer.publicKey], pageSize: 7)
    }

    /// Runs SQL on the store's database directly, as someone with the database's password would.
    func tamper(_ store: Store, _ statements: String...) async throws {
        switch store {
        case let sqlite as SQLiteStore:
            try await sqlite.pool.write { db in for sql in statements { try db.execute(sql: sql) } }
        case let postgres as PostgresStore:
            for sql in statements { try await postgres.client.query(PostgresQuery(unsafeSQL: sql)) }
        default:
            Issue.record("unknown store")
        }
    }

    @Test("concurrent records chain without gaps; checkpoints verify", arguments: StoreKind.available)
    func concurrentAppends(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let log = AuditLog(store: store, logger: Logger(label: "test"))
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask { for n in 0..<50 { await log.record(event(writer * 100 + n)) } }
                }
            }
            let signer = try await signer(store)
            let checkpointer = AuditCheckpointer(store: store, signer: signer, interval: .seconds(60), logger: Logger(label: "test"))
            #expect(try await checkpointer.checkpoint()?.seq == 400)
            #expect(try await checkpointer.checkpoint() == nil, "nothing new to sign")
            let report = try await verify(store, signer)
            #expect(report.isIntact && report.entries == 400 && report.lastSignedSeq == 400, "\(report.problems)")
            // A second signer (another node) opens the same key.
            #expect(try await self.signer(store).publicKey.rawRepresentation == signer.publicKey.rawRepresentation)
        }
    }

    enum Tampering: String, CaseIterable, CustomStringConvertible, Sendable {
        case edit, delete, reorder, insert, rewriteChain, truncate, forgeCheckpoint, replacePublicKey
        var description: String { rawValue }
    }

    /// 20 entries, checkpoints at 10 and 20, then one change made with SQL.
    @Test("tampering is caught at the first bad entry", arguments: StoreKind.available, Tampering.allCases)
    func tampering(_ kind: StoreKind, _ change: Tampering) async throws {
        try await withStore(kind) { store in
            let log = AuditLog(store: store, logger: Logger(label: "test"))
            let signer = try await signer(store)
            let checkpointer = AuditCheckpointer(store: store, signer: signer, interval: .seconds(60), logger: Logger(label: "test"))
            try await log.append((1...10).map(event))
            try await checkpointer.checkpoint()
            try await log.append((11...20).map(event))
            try await checkpointer.checkpoint()
            #expect(try await verify(store, signer).isIntact)

            let expected: (seq: Int64, kind: AuditProblem.Kind)
            switch change {
            case .edit:
                try await tamper(store, "UPDATE audit_log SET target = '/v1/vaults/v/items/other' WHERE seq = 7")
                expected = (7, .edited)
            case .delete:
                try await tamper(store, "DELETE FROM audit_log WHERE seq = 7")
                expected = (7, .missing)
            case .reorder:
                try await tamper(
                    store, "UPDATE audit_log SET seq = 1000 WHERE seq = 6", "UPDATE audit_log SET seq = 6 WHERE seq = 5",
                    "UPDATE audit_log SET seq = 5 WHERE seq = 1000")
                expected = (5, .unlinked)
            case .insert:
                // Room made after 14 and a well-formed entry chained onto 14 put there.
                try await tamper(store, "UPDATE audit_log SET seq = seq + 1000 WHERE seq > 14", "UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000")
                let fourteen = try #require(try await store.auditEntries(after: 13, limit: 1).first)
                let forged = AuditDraft(at: Date(millis: fourteen.at.millis), actor: "user:u9", action: "vault.item.write", target: "/x", outcome: "ok", source: "1.2.3.4")
                let hash = AuditChain.hash(forged, seq: 15, previousHash: fourteen.hash)
                try await tamper(
                    store,
                    "INSERT INTO audit_log (seq, at, actor, action, target, outcome, source, previous_hash, hash) VALUES (15, \(fourteen.at.millis), 'user:u9', 'vault.item.write', '/x', 'ok', '1.2.3.4', \(hex(fourteen.hash, kind)), \(hex(hash, kind)))"
                )
                expected = (11, .rewritten)
            case .rewriteChain:
                // The careful forger: edits entry 3 and recomputes every hash after it.
                try await tamper(store, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 3")
                var previous = try #require(try await store.auditEntries(after: 1, limit: 1).first).hash
                for entry in try await store.auditEntries(after: 2, limit: 100) {
                    let draft = AuditDraft(at: entry.at, actor: entry.actor, action: entry.action, target: entry.target, outcome: entry.outcome, source: entry.source)
                    let hash = AuditChain.hash(draft, seq: entry.seq, previousHash: previous)
                    try await tamper(store, "UPDATE audit_log SET previous_hash = \(hex(previous, kind)), hash = \(hex(hash, kind)) WHERE seq = \(entry.seq)")
                    previous = hash
                }
                expected = (1, .rewritten)
            case .truncate:
                try await tamper(store, "DELETE FROM audit_log WHERE seq > 17")
                expected = (18, .truncated)
            case .forgeCheckpoint:
                try await tamper(store, "UPDATE audit_checkpoints SET seq = 9 WHERE seq = 10")
                expected = (9, .badSignature)
            case .replacePublicKey:
                let other = Curve25519.Signing.PrivateKey().publicKey.rawRepresentation
                try await tamper(store, "UPDATE audit_keys SET public_key = \(hex(Array(other), kind))")
                // The verifier's key comes from opening the sealed private half, which refuses this.
                await #expect(throws: AuditError.self) { _ = try await self.signer(store) }
                return
            }
            let report = try await verify(store, signer)
            let first = try #require(report.firstProblem, "\(change) went unnoticed")
            #expect(first.seq == expected.seq && first.kind == expected.kind, "\(change): \(report.problems)")
        }
    }

    func hex(_ bytes: [UInt8], _ kind: StoreKind) -> String {
        let digits = bytes.map { String(format: "%02x", $0) }.joined()
        return kind == .sqlite ? "X'\(digits)'" : "'\\x\(digits)'::bytea"
    }
}
