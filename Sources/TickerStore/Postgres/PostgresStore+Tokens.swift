import Foundation
import PostgresNIO

extension PostgresStore: APITokenStore {
    public func createToken(name: String, role: Role, secretHash: [UInt8], now: Date) async throws -> APIToken {
        try await write { tx in
            let id = try await tx.value(
                """
                INSERT INTO api_tokens (name, role, secret_hash, created_at)
                VALUES (\(name), \(role.rawValue), \(ByteBuffer(bytes: secretHash)), \(now.millis)) RETURNING id
                """, as: Int64.self) ?? 0
            return APIToken(id: id, name: name, role: role, createdAt: Date(millis: now.millis))
        }
    }

    public func token(secretHash: [UInt8]) async throws -> APIToken? {
        try await read { tx in
            try await tx.rows(
                "SELECT \(unescaped: Self.tokenColumns) FROM api_tokens WHERE secret_hash = \(ByteBuffer(bytes: secretHash))"
            ).first.map(Self.token)
        }
    }

    public func tokens() async throws -> [APIToken] {
        try await read { tx in
            try await tx.rows("SELECT \(unescaped: Self.tokenColumns) FROM api_tokens ORDER BY id").map(Self.token)
        }
    }

    public func revokeToken(_ id: Int64, now: Date) async throws -> Bool {
        try await write { tx in
            !(try await tx.rows(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, \(now.millis)) WHERE id = \(id) RETURNING id"
            ).isEmpty)
        }
    }

    public func touchToken(_ id: Int64, now: Date) async throws {
        try await write { tx in try await tx.execute("UPDATE api_tokens SET last_used_at = \(now.millis) WHERE id = \(id)") }
    }

    private static let tokenColumns = "id, name, role, created_at, last_used_at, revoked_at"

    private static func token(_ row: PostgresRow) throws -> APIToken {
        let (id, name, roleText, created, used, revoked) = try row.decode((Int64, String, String, Int64, Int64?, Int64?).self)
        guard let role = Role(rawValue: roleText) else {
            throw StoreError.invalidArgument("token \(id) has an unknown role '\(roleText)'")
        }
        return APIToken(
            id: id, name: name, role: role, createdAt: Date(millis: created), lastUsedAt: used.map(Date.init(millis:)),
            revokedAt: revoked.map(Date.init(millis:)))
    }
}
