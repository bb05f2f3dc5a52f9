import Foundation

/// What a token may do. Each role includes the ones before it.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Reads DAGs, runs, logs and ISINs.
    case viewer
    /// Also pauses, unpauses, triggers and backfills.
    case `operator`
    /// Also manages tokens.
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// An API token as stored: never its secret, only the secret's SHA-256.
public struct APIToken: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var role: Role
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(id: Int64, name: String, role: Role, createdAt: Date, lastUsedAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// Storage of API tokens. The secrets themselves are made and hashed by the caller (TickerHTTP's
/// `TokenIssuer`), so a store never sees one.
public protocol APITokenStore: Sendable {
    /// Stores a new token and returns it with its id.
    func createToken(name: String, role: Role, secretHash: [UInt8], now: Date) async throws -> APIToken
    /// The token whose secret hashes to `secretHash`, revoked or not.
    func token(secretHash: [UInt8]) async throws -> APIToken?
    /// Every token, oldest first.
    func tokens() async throws -> [APIToken]
    /// Marks the token revoked; false when there is no such token. Revoking twice keeps the first time.
    func revokeToken(_ id: Int64, now: Date) async throws -> Bool
    /// Records that the token was used (callers throttle this; it is informational).
    func touchToken(_ id: Int64, now: Date) async throws
}
