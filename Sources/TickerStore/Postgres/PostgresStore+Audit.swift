import Foundation
import PostgresNIO

extension PostgresStore: AuditStore {
    /// Appends take a transaction-scoped advisory lock: row locks cannot serialize "read the last
    /// entry, then add the next", and two nodes chaining onto the same entry would fork the chain.
    public func appendAudit(_ drafts: [AuditDraft], link: AuditLink) async throws -> [AuditEntry] {
        try await write { tx in
            try await tx.execute("SELECT pg_advisory_xact_lock(\(Self.auditAppendLock))")
            let last = try await tx.rows("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first?.decode((Int64, Data).self)
            var seq = last?.0 ?? 0
            var previous = last.map { [UInt8]($0.1) } ?? AuditGenesis.hash
            var entries: [AuditEntry] = []
            for draft in drafts {
                seq += 1
                let entry = AuditEntry(draft, seq: seq, previousHash: previous, hash: link(draft, seq, previous))
                try await tx.execute(
                    """
                    INSERT INTO audit_log (seq, at, actor, action, target, outcome, source, previous_hash, hash)
                    VALUES (\(entry.seq), \(entry.at.millis), \(entry.actor), \(entry.action), \(entry.target), \(entry.outcome),
                            \(entry.source), \(Data(entry.previousHash)), \(Data(entry.hash)))
                    """)
                previous = entry.hash
                entries.append(entry)
            }
            return entries
        }
    }

    static let auditAppendLock: Int64 = 0x4155_4449_54

    public func auditEntries(after: Int64, limit: Int) async throws -> [AuditEntry] {
        try await read { tx in
            try await tx.rows(
                "SELECT seq, at, actor, action, target, outcome, source, previous_hash, hash FROM audit_log WHERE seq > \(after) ORDER BY seq LIMIT \(limit)"
            )
                .map(Self.auditEntry)
        }
    }

    public func lastAuditEntry() async throws -> AuditEntry? {
        try await read { tx in
            try await tx.rows("SELECT seq, at, actor, action, target, outcome, source, previous_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .first.map(Self.auditEntry)
        }
    }

    public func insertAuditCheckpoint(_ c: AuditCheckpoint) async throws {
        try await write { tx in
            try await tx.execute(
                """
                INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature)
                VALUES (\(c.seq), \(Data(c.hash)), \(c.at.millis), \(c.keyID), \(Data(c.signature))) ON CONFLICT (seq) DO NOTHING
                """)
        }
    }

    public func auditCheckpoints() async throws -> [AuditCheckpoint] {
        try await read { tx in
            try await tx.rows("SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq").map(Self.auditCheckpoint)
        }
    }

    public func lastAuditCheckpoint() async throws -> AuditCheckpoint? {
        try await read { tx in
            try await tx.rows("SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1").first.map(Self.auditCheckpoint)
        }
    }

    private static func auditCheckpoint(_ row: PostgresRow) throws -> AuditCheckpoint {
        let (seq, hash, at, keyID, signature) = try row.decode((Int64, Data, Int64, Int64, Data).self)
        return AuditCheckpoint(seq: seq, hash: [UInt8](hash), at: Date(millis: at), keyID: keyID, signature: [UInt8](signature))
    }

    public func currentAuditKey() async throws -> AuditSigningKey? {
        try await auditKeys().last
    }

    public func insertAuditKey(publicKey: [UInt8], sealedPrivateKey: [UInt8], now: Date) async throws -> AuditSigningKey {
        try await write { tx in
            try await tx.execute(
                """
                INSERT INTO audit_keys (id, public_key, sealed_private_key, created_at)
                VALUES (1, \(Data(publicKey)), \(Data(sealedPrivateKey)), \(now.millis)) ON CONFLICT (id) DO NOTHING
                """)
            return try await tx.rows("SELECT id, public_key, sealed_private_key FROM audit_keys ORDER BY id DESC LIMIT 1").map(Self.auditKey)[0]
        }
    }

    public func auditKeys() async throws -> [AuditSigningKey] {
        try await read { tx in try await tx.rows("SELECT id, public_key, sealed_private_key FROM audit_keys ORDER BY id").map(Self.auditKey) }
    }

    private static func auditEntry(_ row: PostgresRow) throws -> AuditEntry {
        let (seq, at, actor, action, target, outcome, source, previous, hash) = try row.decode(
            (Int64, Int64, String, String, String, String, String, Data, Data).self)
        return AuditEntry(
            seq: seq, at: Date(millis: at), actor: actor, action: action, target: target, outcome: outcome, source: source,
            previousHash: [UInt8](previous), hash: [UInt8](hash))
    }

    private static func auditKey(_ row: PostgresRow) throws -> AuditSigningKey {
        let (id, publicKey, sealed) = try row.decode((Int64, Data, Data).self)
        return AuditSigningKey(id: id, publicKey: [UInt8](publicKey), sealedPrivateKey: [UInt8](sealed))
    }
}
