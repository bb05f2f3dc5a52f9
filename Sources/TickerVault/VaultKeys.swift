import Foundation
import TickerStore
import TickerVaultFormat

/// A User Key rotation as the client sends it (`POST /v1/accounts/keys/rotate`, rule 11.10).
public struct UserKeyRotation: Sendable {
    public var authKey: [UInt8]
    public var recoveryAuthKey: [UInt8]
    public var newEpoch: Int
    public var wrappedUserKey: [UInt8]
    public var recoveryWrappedUserKey: [UInt8]
    /// The account's identity, unchanged, with its private keys wrapped under the new User Key.
    public var identity: IdentityBundle
    public var wrappedPrivate: [UInt8]
    public var vaults: [VaultKeyRotation.Vault]

    public init(
        authKey: [UInt8], recoveryAuthKey: [UInt8], newEpoch: Int, wrappedUserKey: [UInt8], recoveryWrappedUserKey: [UInt8], identity: IdentityBundle,
        wrappedPrivate: [UInt8], vaults: [VaultKeyRotation.Vault]
    ) {
        self.authKey = authKey
        self.recoveryAuthKey = recoveryAuthKey
        self.newEpoch = newEpoch
        self.wrappedUserKey = wrappedUserKey
        self.recoveryWrappedUserKey = recoveryWrappedUserKey
        self.identity = identity
        self.wrappedPrivate = wrappedPrivate
        self.vaults = vaults
    }
}

extension VaultAccounts {
    /// Replaces the User Key everywhere it is wrapped, in one transaction. Both the password's and
    /// the Recovery Key's `auth` must verify: a mistyped Recovery Key would otherwise leave a
    /// recovery wrapping nobody can open, and the user would learn it only when recovering.
    public func rotateUserKey(_ account: VaultAccountRecord, _ r: UserKeyRotation, session: [UInt8]) async throws {
        try VaultInput.bytes(r.authKey, 32, field: "auth_key")
        try VaultInput.bytes(r.recoveryAuthKey, 32, field: "recovery_auth_key")
        let password = Self.constantTimeEqual(try Verifier.of(userID: account.userID, key: r.authKey), account.authVerifier)
        let recovery = Self.constantTimeEqual(try Verifier.of(userID: account.userID, key: r.recoveryAuthKey), account.recoveryVerifier)
        guard password && recovery else { throw VaultAuthError.badCredentials }
        guard r.newEpoch == account.userKeyEpoch + 1 else { throw VaultStoreError.epochConflict(current: account.userKeyEpoch) }
        let epoch = UInt32(r.newEpoch)
        try VaultInput.envelope(r.wrappedUserKey, plaintext: 32, kid: 0, field: "wrapped_user_key")
        try VaultInput.envelope(r.recoveryWrappedUserKey, plaintext: 32, kid: 0, field: "recovery_wrapped_user_key")
        try VaultInput.envelope(r.wrappedPrivate, plaintext: 65, kid: epoch, field: "identity.wrapped_private")
        let stored = account.identity
        guard r.identity.userID == account.userID, Int(r.identity.epoch) == stored.epoch, r.identity.signingKey == stored.signPK,
            r.identity.agreementKey == stored.encPK, r.identity.selfSignature == stored.selfSig
        else { throw VaultInputError("identity", "must be the account's current identity: a User Key rotation re-wraps it and changes nothing else") }
        for (index, vault) in r.vaults.enumerated() {
            guard vault.vaultID == account.vaultID else { throw VaultAuthError.forbidden }
            for (itemID, key) in vault.itemKeys.sorted(by: { $0.key < $1.key }) {
                try VaultInput.uuid(itemID, field: "vaults[\(index)].item_keys.item_id")
                try VaultInput.envelope(key, plaintext: 32, kid: epoch, field: "vaults[\(index)].item_keys[\(itemID)].item_key")
            }
            let record = try ManifestInput(json: vault.manifest.body, field: "vaults[\(index)].manifest").record(field: "vaults[\(index)].manifest")
            guard record.counter == vault.manifest.counter else { throw VaultInputError("vaults[\(index)].manifest.counter", "does not match the manifest") }
        }
        defer { sessions.forget(userID: account.userID) }
        try await store.rotateUserKey(
            VaultKeyRotation(
                userID: account.userID, newEpoch: r.newEpoch, wrappedUserKey: r.wrappedUserKey, recoveryWrappedUserKey: r.recoveryWrappedUserKey,
                wrappedPrivate: r.wrappedPrivate, vaults: r.vaults, keepingSession: session),
            now: now())
    }
}
