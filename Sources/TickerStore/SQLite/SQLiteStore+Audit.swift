import Foundation
import GRDB

extension SQLiteStore: AuditStore {
    public func appendAudit(_ drafts: [AuditDraft], link: AuditLink) async throws -> [AuditEntry] {
        try await pool.write { db in
            // Cached statements: every audited request appends here.
            let last = try db.cachedRow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            var seq: Int64 = last?["seq"] ?? 0
            var previous = last.map { [UInt8]($0["hash"] as Data) } ?? AuditGenesis.hash
            var entries: [AuditEntry] = []
            for draft in drafts {
                seq += 1
                let entry = AuditEntry(draft, seq: seq, previousHash: previous, hash: link(draft, seq, previous))
                try db.cachedExecute(
                    "INSERT INTO audit_log (\(AuditSchema.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        entry.seq, entry.at.millis, entry.actor, entry.action, entry.target, entry.outcome, entry.source,
                        Data(entry.previousHash), Data(entry.hash),
                    ])
                previous = entry.hash
                entries.append(entry)
            }
            return entries
        }
    }

    public func auditEntries(after: Int64, limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(AuditSchema.columns) FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit])
                .map(Self.auditEntry)
        }
    }

    public func lastAuditEntry() async throws -> AuditEntry? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(AuditSchema.columns) FROM audit_log ORDER BY seq DESC LIMIT 1").map(Self.auditEntry)
        }
    }

    public func insertAuditCheckpoint(_ c: AuditCheckpoint) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING",
                arguments: [c.seq, Data(c.hash), c.at.millis, c.keyID, Data(c.signature)])
        }
    }

    public func auditCheckpoints() async throws -> [AuditCheckpoint] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq").map(Self.auditCheckpoint)
        }
    }

    public func lastAuditCheckpoint() async throws -> AuditCheckpoint? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1").map(Self.auditCheckpoint)
        }
    }

    private static func auditCheckpoint(_ row: Row) -> AuditCheckpoint {
        AuditCheckpoint(
            seq: row["seq"], hash: [UInt8](row["hash"] as Data), at: Date(millis: row["at"]), keyID: row["key_id"],
            signature: [UInt8](row["signature"] as Data))
    }

    public func currentAuditKey() async throws -> AuditSigningKey? {
        try await auditKeys().last
    }

    public func insertAuditKey(publicKey: [UInt8], sealedPrivateKey: [UInt8], now: Date) async throws -> AuditSigningKey {
        try await pool.write { db in
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_keys") == 0 {
                try db.execute(
                    sql: "INSERT INTO audit_keys (id, public_key, sealed_private_key, created_at) VALUES (1, ?, ?, ?)",
                    arguments: [Data(publicKey), Data(sealedPrivateKey), now.millis])
            }
            return try Row.fetchAll(db, sql: "SELECT id, public_key, sealed_private_key FROM audit_keys ORDER BY id").map(Self.auditKey).last!
        }
    }

    public func auditKeys() async throws -> [AuditSigningKey] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, public_key, sealed_private_key FROM audit_keys ORDER BY id").map(Self.auditKey)
        }
    }

    private static func auditEntry(_ row: Row) -> AuditEntry {
        AuditEntry(
            seq: row["seq"], at: Date(millis: row["at"]), actor: row["actor"], action: row["action"], target: row["target"],
            outcome: row["outcome"], source: row["source"], previousHash: [UInt8](row["previous_hash"] as Data), hash: [UInt8](row["hash"] as Data))
    }

    private static func auditKey(_ row: Row) -> AuditSigningKey {
        AuditSigningKey(id: row["id"], publicKey: [UInt8](row["public_key"] as Data), sealedPrivateKey: [UInt8](row["sealed_private_key"] as Data))
    }
}
