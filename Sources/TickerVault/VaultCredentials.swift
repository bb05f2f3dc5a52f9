import Crypto
import Foundation
import TickerStore
import TickerVaultFormat

/// New credentials as a client sends them: parameters and their MAC, the new `auth_key` and
/// the User Key wrapped under the new password-derived key.
public struct NewCredentials: Sendable {
    public var kdf: KDFParameters
    public var kdfMAC: [UInt8]
    public var authKey: [UInt8]
    public var wrappedUserKey: [UInt8]

    public init(kdf: KDFParameters, kdfMAC: [UInt8], authKey: [UInt8], wrappedUserKey: [UInt8]) {
        self.kdf = kdf
        self.kdfMAC = kdfMAC
        self.authKey = authKey
        self.wrappedUserKey = wrappedUserKey
    }
}

extension VaultAccounts {
    /// How long a recovery token may be used to complete the recovery.
    static let recoveryLifetime: Duration = .seconds(15 * 60)

    /// `POST /v1/accounts/password`: proves the current password, then replaces it. Other
    /// sessions end; this one stays.
    public func changePassword(
        _ account: VaultAccountRecord, currentAuthKey: [UInt8], new: NewCredentials, session: [UInt8]
    ) async throws {
        try VaultInput.bytes(currentAuthKey, 32, field: "auth_key")
        guard Self.constantTimeEqual(try Verifier.of(userID: account.userID, key: currentAuthKey), account.authVerifier) else {
            throw VaultAuthError.badCredentials
        }
        try await replace(account, with: new, recovery: nil, keeping: session, field: "new")
    }

    /// `POST /v1/recovery/start`: the Recovery Key's `auth` proves the user; the answer is a
    /// short-lived token good only for completing the recovery. Unknown e-mails cost the same.
    public func startRecovery(email: String, recoveryAuthKey: [UInt8]) async throws -> (token: String, account: VaultAccountRecord) {
        try VaultInput.bytes(recoveryAuthKey, 32, field: "recovery_auth_key")
        let email = try VaultInput.email(email)
        let account = try await store.account(email: email)
        let presented = try Verifier.of(userID: account?.userID ?? fake(email: email).userID, key: recoveryAuthKey)
        guard let account, Self.constantTimeEqual(presented, account.recoveryVerifier) else { throw VaultAuthError.badCredentials }
        let token = RandomBytes.make(32)
        let at = now()
        try await store.createSession(
            VaultSessionRecord(tokenHash: Self.tokenHash(token), userID: account.userID, kind: .recovery, createdAt: at, expiresAt: at + Self.recoveryLifetime))
        return (Base64URL.encode(token), account)
    }

    /// `POST /v1/recovery/complete`: new password material and a new Recovery Key. Every session
    /// ends, the recovery token with them.
    public func completeRecovery(token: String, new: NewCredentials, newRecovery: (wrappedUserKey: [UInt8], authKey: [UInt8])) async throws {
        let (account, _) = try await authenticate(token: token, kind: .recovery)
        try VaultInput.bytes(newRecovery.authKey, 32, field: "new_recovery.auth_key")
        try VaultInput.envelope(newRecovery.wrappedUserKey, plaintext: 32, kid: 0, field: "new_recovery.wrapped_user_key")
        let recovery = (newRecovery.wrappedUserKey, try Verifier.of(userID: account.userID, key: newRecovery.authKey))
        try await replace(account, with: new, recovery: recovery, keeping: nil, field: "new")
    }

    /// Checks new credentials (parameters never go below the stored ones) and stores them.
    private func replace(
        _ account: VaultAccountRecord, with new: NewCredentials, recovery: (wrappedUserKey: [UInt8], verifier: [UInt8])?, keeping: [UInt8]?,
        field: String
    ) async throws {
        do { try new.kdf.checkSafe() } catch { throw VaultInputError("\(field).kdf", "\(error)") }
        let stored = account.kdf
        let current = KDFParameters(kdf: stored.kdf, iterations: stored.iterations, memoryKiB: stored.memoryKiB, parallelism: stored.parallelism, seed: stored.seed)
        guard new.kdf.isAtLeastAsStrong(as: current) else { throw VaultInputError("\(field).kdf", "must not be weaker than the current parameters") }
        try VaultInput.bytes(new.kdfMAC, 32, field: "\(field).kdf_mac")
        try VaultInput.bytes(new.authKey, 32, field: "\(field).auth_key")
        try VaultInput.envelope(new.wrappedUserKey, plaintext: 32, kid: 0, field: "\(field).wrapped_user_key")
        defer { sessions.forget(userID: account.userID) }
        try await store.replaceCredentials(
            VaultCredentialChange(
                userID: account.userID,
                kdf: VaultKDFSettings(kdf: new.kdf.kdf, iterations: new.kdf.iterations, memoryKiB: new.kdf.memoryKiB, parallelism: new.kdf.parallelism, seed: new.kdf.seed),
                kdfMAC: new.kdfMAC, authVerifier: try Verifier.of(userID: account.userID, key: new.authKey), wrappedUserKey: new.wrappedUserKey,
                recovery: recovery, keepingSession: keeping),
            now: now())
    }
}
