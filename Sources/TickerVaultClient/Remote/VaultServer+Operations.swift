import Foundation
import NIOHTTP1

/// The vault API's operations, one call each. They move bytes the device already sealed; the
/// checks of what comes back are the callers' (`VaultSession`).
extension VaultServer {
    public func prelogin(email: String) async throws -> PreloginResponse {
        try await call(.POST, "/prelogin", body: ["email": EmailAddress.canonical(email)])
    }

    public func register(_ request: AccountRequest) async throws {
        try await perform(.POST, "/accounts", body: request)
    }

    public func logIn(email: String, authKey: [UInt8]) async throws -> SessionResponse {
        try await call(.POST, "/sessions", body: ["email": EmailAddress.canonical(email), "auth_key": Base64URL.encode(authKey)])
    }

    public func logOut(token: String) async throws {
        try await perform(.DELETE, "/sessions/current", token: token)
    }

    public func vault(_ vaultID: String, token: String) async throws -> VaultResponse {
        try await call(.GET, "/vaults/\(vaultID)", token: token)
    }

    public func item(_ itemID: String, in vaultID: String, token: String) async throws -> ItemRecord {
        try await call(.GET, "/vaults/\(vaultID)/items/\(itemID)", token: token)
    }

    func commit(_ body: CommitBody, to vaultID: String, token: String) async throws -> CommitAnswer {
        try await call(.POST, "/vaults/\(vaultID)/commit", body: body, token: token)
    }

    func changePassword(_ body: PasswordChangeBody, token: String) async throws {
        try await perform(.POST, "/accounts/password", body: body, token: token)
    }

    public func startRecovery(email: String, recoveryAuthKey: [UInt8]) async throws -> RecoveryStartResponse {
        try await call(
            .POST, "/recovery/start", body: ["email": EmailAddress.canonical(email), "recovery_auth_key": Base64URL.encode(recoveryAuthKey)])
    }

    func completeRecovery(_ body: RecoveryCompleteBody) async throws {
        try await perform(.POST, "/recovery/complete", body: body)
    }

    func rotate(_ body: KeyRotationBody, token: String) async throws {
        try await perform(.POST, "/accounts/keys/rotate", body: body, token: token)
    }

    public func identity(of userID: String, token: String) async throws -> IdentityBody {
        try await call(.GET, "/users/\(userID)/identity", token: token)
    }

    public func lookUp(email: String, token: String) async throws -> IdentityBody {
        var query = URLComponents()
        query.queryItems = [URLQueryItem(name: "email", value: EmailAddress.canonical(email))]
        // URLComponents leaves `+` alone, which a form decoder would read as a space.
        let encoded = (query.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return try await call(.GET, "/users/lookup?\(encoded)", token: token)
    }

    func share(_ body: ShareBody, token: String) async throws {
        try await perform(.POST, "/shares", body: body, token: token)
    }

    public func incomingShares(token: String) async throws -> [IncomingShare] {
        try await call(.GET, "/shares/incoming", token: token)
    }

    public func revokeShare(_ shareID: String, token: String) async throws {
        try await perform(.DELETE, "/shares/\(shareID)", token: token)
    }
}
