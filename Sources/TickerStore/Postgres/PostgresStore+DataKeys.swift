import Foundation
import PostgresNIO

extension PostgresStore: DataKeyStore {
    public func currentKEKVersion() async throws -> Int? {
        try await read { tx in try await tx.value("SELECT current_version FROM kek_state WHERE id = 1", as: Int.self) }
    }

    public func setCurrentKEKVersion(_ version: Int, now: Date) async throws {
        try await write { tx in
            if let current = try await tx.value("SELECT current_version FROM kek_state WHERE id = 1 FOR UPDATE", as: Int.self), current > version {
                throw DataKeyStoreError.kekVersionBackwards(current: current, asked: version)
            }
            try await tx.execute(
                """
                INSERT INTO kek_state (id, current_version, updated_at) VALUES (1, \(version), \(now.millis))
                ON CONFLICT (id) DO UPDATE SET current_version = excluded.current_version, updated_at = excluded.updated_at
                """)
        }
    }

    public func dataKey(scope: String) async throws -> StoredDataKey? {
        try await read { tx in
            try await tx.rows("SELECT scope, kek_version, nonce, sealed FROM data_keys WHERE scope = \(scope)").first.map(Self.dataKey)
        }
    }

    /// The KEK state row is read `FOR SHARE`: a rotation that makes a new version current waits
    /// for this insert, and then counts its key among those to re-wrap.
    public func insertDataKey(_ key: StoredDataKey, now: Date) async throws -> StoredDataKey {
        try await write { tx in
            let current = try await tx.value("SELECT current_version FROM kek_state WHERE id = 1 FOR SHARE", as: Int.self)
            if let existing = try await tx.rows("SELECT scope, kek_version, nonce, sealed FROM data_keys WHERE scope = \(key.scope)").first {
                return try Self.dataKey(existing)
            }
            guard current == key.kekVersion else { throw DataKeyStoreError.kekVersionChanged(current: current) }
            try await tx.execute(
                """
                INSERT INTO data_keys (scope, kek_version, nonce, sealed, created_at)
                VALUES (\(key.scope), \(key.kekVersion), \(Data(key.nonce)), \(Data(key.sealed)), \(now.millis))
                ON CONFLICT (scope) DO NOTHING
                """)
            guard let stored = try await tx.rows("SELECT scope, kek_version, nonce, sealed FROM data_keys WHERE scope = \(key.scope)").first else {
                throw StoreError.invalidArgument("data key \(key.scope) vanished")
            }
            return try Self.dataKey(stored)
        }
    }

    public func dataKeys(sealedBefore version: Int, limit: Int) async throws -> [StoredDataKey] {
        try await read { tx in
            try await tx.rows(
                "SELECT scope, kek_version, nonce, sealed FROM data_keys WHERE kek_version < \(version) ORDER BY scope LIMIT \(limit)"
            ).map(Self.dataKey)
        }
    }

    public func rewrapDataKeys(_ changes: [(old: StoredDataKey, new: StoredDataKey)], now: Date) async throws -> Int {
        try await write { tx in
            var changed = 0
            for (old, new) in changes where old.scope == new.scope {
                let updated = try await tx.rows(
                    """
                    UPDATE data_keys SET kek_version = \(new.kekVersion), nonce = \(Data(new.nonce)), sealed = \(Data(new.sealed)), rewrapped_at = \(now.millis)
                    WHERE scope = \(old.scope) AND kek_version = \(old.kekVersion) AND nonce = \(Data(old.nonce))
                    RETURNING scope
                    """)
                changed += updated.count
            }
            return changed
        }
    }

    public func dataKeyCounts() async throws -> [Int: Int] {
        try await read { tx in
            var counts: [Int: Int] = [:]
            for row in try await tx.rows("SELECT kek_version, count(*)::bigint FROM data_keys GROUP BY kek_version") {
                let (version, count) = try row.decode((Int, Int).self)
                counts[version] = count
            }
            return counts
        }
    }

    private static func dataKey(_ row: PostgresRow) throws -> StoredDataKey {
        let (scope, version, nonce, sealed) = try row.decode((String, Int, Data, Data).self)
        return StoredDataKey(scope: scope, kekVersion: version, nonce: [UInt8](nonce), sealed: [UInt8](sealed))
    }
}
