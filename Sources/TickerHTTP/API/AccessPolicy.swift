import Foundation
import HTTPTypes
import OpenAPIRuntime
import TickerAudit
import TickerStore

/// Which role each API operation needs, and the middleware that enforces it.
public struct AccessPolicy: Sendable {
    /// Operations that change what the scheduler does.
    static let operatorOperations: Set<String> = ["pauseDag", "unpauseDag", "triggerDag", "backfillDag"]
    static let adminOperations: Set<String> = ["listTokens", "createToken", "revokeToken"]
    /// Read-only look-ups in public data, which a server may open to anyone.
    static let isinLookups: Set<String> = [
        "searchIsins", "validateIsins", "getIsinBucket", "getIsin", "listSnapshots", "getSnapshot", "diffSnapshot",
    ]

    /// Whether ISIN look-ups need no token (`api.public_isins`).
    public var publicISINs: Bool

    public init(publicISINs: Bool = false) {
        self.publicISINs = publicISINs
    }

    /// The least role for `operationID`; nil when anyone may call it.
    public func requiredRole(_ operationID: String) -> Role? {
        if Self.adminOperations.contains(operationID) { return .admin }
        if Self.operatorOperations.contains(operationID) { return .operator }
        if publicISINs && Self.isinLookups.contains(operationID) { return nil }
        return .viewer
    }
}

/// Authenticates the bearer token and checks its role before the operation runs.
struct AuthMiddleware: ServerMiddleware {
    let policy: AccessPolicy
    let authenticator: Authenticator

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let required = policy.requiredRole(operationID) else { return try await next(request, body, metadata) }
        guard let header = request.headerFields[.authorization] else {
            throw Problem(kind: .unauthorized, detail: "send `Authorization: Bearer <token>`; make one with `ticker admin create-token`")
        }
        guard let secret = Self.bearer(header) else {
            throw Problem(kind: .unauthorized, detail: "the Authorization header must be `Bearer <token>`")
        }
        let token = try await authenticator.authenticate(bearer: secret)
        AuditNote.identify("token:\(token.id)")
        guard token.role >= required else {
            throw Problem(
                kind: .forbidden,
                detail: "\(operationID) needs the \(required.rawValue) role; token '\(token.name)' has \(token.role.rawValue)")
        }
        return try await next(request, body, metadata)
    }

    /// The token of an `Authorization: Bearer <token>` header.
    static func bearer(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }
}
