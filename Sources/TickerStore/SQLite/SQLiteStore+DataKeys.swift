import Foundation
import GRDB

extension SQLiteStore: DataKeyStore {
    public func currentKEKVersion() async throws -> Int? {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT current_version FROM kek_state WHERE id = 1") }
    }

    public func setCurrentKEKVersion(_ version: Int, now: Date) async throws {
        try await pool.write { db in
            if let current = try Int.fetchOne(db, sql: "SELECT current_version FROM kek_state WHERE id = 1"), current > version {
                throw DataKeyStoreError.kekVersionBackwards(current: current, asked: version)
            }
            try db.execute(
                sql: """
                    INSERT INTO kek_state (id, current_version, updated_at) VALUES (1, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET current_version = excluded.current_version, updated_at = excluded.updated_at
                    """,
                arguments: [version, now.millis])
        }
    }

    public func dataKey(scope: String) async throws -> StoredDataKey? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT scope, kek_version, nonce, sealed FROM data_keys WHERE scope = ?", arguments: [scope]).map(Self.dataKey)
        }
    }

    public func insertDataKey(_ key: StoredDataKey, now: Date) async throws -> StoredDataKey {
        try await pool.write { db in
            let current = try Int.fetchOne(db, sql: "SELECT current_version FROM kek_state WHERE id = 1")
            if let existing = try Row.fetchOne(db, sql: "SELECT scope, kek_version, nonce, sealed FROM data_keys WHERE scope = ?", arguments: [key.scope]) {
                return Self.dataKey(existing)
            }
            guard current == key.kekVersion else { throw DataKeyStoreError.kekVersionChanged(current: current) }
            try db.execute(
                sql: "INSERT INTO data_keys (scope, kek_version, nonce, sealed, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key.scope, key.kekVersion, Data(key.nonce), Data(key.sealed), now.millis])
            return key
        }
    }

    public func dataKeys(sealedBefore version: Int, limit: Int) async throws -> [StoredDataKey] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT scope, kek_version, nonce, sealed FROM data_keys WHERE kek_version < ? ORDER BY scope LIMIT ?",
                arguments: [version, limit]
            ).map(Self.dataKey)
        }
    }

    public func rewrapDataKeys(_ changes: [(old: StoredDataKey, new: StoredDataKey)], now: Date) async throws -> Int {
        try await pool.write { db in
            var changed = 0
            for (old, new) in changes where old.scope == new.scope {
                try db.execute(
                    sql: """
                        UPDATE data_keys SET kek_version = ?, nonce = ?, sealed = ?, rewrapped_at = ?
                        WHERE scope = ? AND kek_version = ? AND nonce = ?
                        """,
                    arguments: [new.kekVersion, Data(new.nonce), Data(new.sealed), now.millis, old.scope, old.kekVersion, Data(old.nonce)])
                changed += db.changesCount
            }
            return changed
        }
    }

    public func dataKeyCounts() async throws -> [Int: Int] {
        try await pool.read { db in
            var counts: [Int: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kek_version, count(*) AS n FROM data_keys GROUP BY kek_version") {
                counts[row["kek_version"]] = row["n"]
            }
            return counts
        }
    }

    private static func dataKey(_ row: Row) -> StoredDataKey {
        StoredDataKey(
            scope: row["scope"], kekVersion: row["kek_version"], nonce: [UInt8](row["nonce"] as Data), sealed: [UInt8](row["sealed"] as Data))
    }
}
