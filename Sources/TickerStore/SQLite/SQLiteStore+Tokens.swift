import Foundation
import GRDB

extension SQLiteStore: APITokenStore {
    public func createToken(name: String, role: Role, secretHash: [UInt8], now: Date) async throws -> APIToken {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO api_tokens (name, role, secret_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, role.rawValue, Data(secretHash), now.millis])
            return APIToken(id: db.lastInsertedRowID, name: name, role: role, createdAt: Date(millis: now.millis))
        }
    }

    public func token(secretHash: [UInt8]) async throws -> APIToken? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_tokens WHERE secret_hash = ?", arguments: [Data(secretHash)]).map(Self.token)
        }
    }

    public func tokens() async throws -> [APIToken] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_tokens ORDER BY id").map(Self.token)
        }
    }

    public func revokeToken(_ id: Int64, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
                arguments: [now.millis, id])
            return db.changesCount > 0
        }
    }

    public func touchToken(_ id: Int64, now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", arguments: [now.millis, id])
        }
    }

    private static func token(_ row: Row) throws -> APIToken {
        let roleText: String = row["role"]
        guard let role = Role(rawValue: roleText) else {
            throw StoreError.invalidArgument("token \(row["id"] as Int64) has an unknown role '\(roleText)'")
        }
        return APIToken(
            id: row["id"], name: row["name"], role: role, createdAt: Date(millis: row["created_at"]),
            lastUsedAt: (row["last_used_at"] as Int64?).map(Date.init(millis:)),
            revokedAt: (row["revoked_at"] as Int64?).map(Date.init(millis:)))
    }
}
