import Crypto
import Foundation

/// Everything a new account needs, made on the device: the secrets the user keeps, and the body
/// of `POST /v1/accounts`, which holds only wrapped keys, public keys and verifier inputs.
public struct Registration: Sendable {
    /// Shown once and written to the Emergency Kit; never sent.
    public let secretKey: SecretKey
    /// Shown once; never sent.
    public let recoveryKey: RecoveryKey
    public let request: AccountRequest
    /// Kept on the device: the parameters this account must never go below.
    public let pin: ParametersPin
    public let account: UnlockedAccount

    public init(email: String, password: String, parameters: KDFParameters = .fresh(), userID: String = Ids.make(), vaultID: String = Ids.make()) throws {
        let secretKey = SecretKey.random()
        let recoveryKey = RecoveryKey.random()
        let userKey = SymmetricKey(size: .bits256)
        let identity = IdentityKeys.random()
        let email = EmailAddress.canonical(email)
        let keys = try PasswordKeys(password: password, email: email, secretKey: secretKey, parameters: parameters)
        let recovery = try RecoveryKeys(recoveryKey: recoveryKey, userID: userID)
        let bundle = try identity.bundle(userID: userID, epoch: 1)
        let userKeyBytes = userKey.withUnsafeBytes { Array($0) }
        request = AccountRequest(
            userID: userID, email: email, vaultID: vaultID, kdf: parameters,
            kdfMAC: try ParametersMAC.mac(secretKey: secretKey, email: email, userID: userID, parameters: parameters),
            authKey: keys.authKey,
            wrappedUserKey: try Envelope.seal(userKeyBytes, key: keys.wrapKey, kid: 0, context: .userKey(owner: userID, epoch: 1, purpose: .userKeyPassword)),
            userKeyEpoch: 1,
            recovery: .init(
                wrappedUserKey: try Envelope.seal(userKeyBytes, key: recovery.wrapKey, kid: 0, context: .userKey(owner: userID, epoch: 1, purpose: .userKeyRecovery)),
                authKey: recovery.authKey),
            identity: try .init(bundle: bundle, wrappedPrivate: Envelope.seal(identity.privateBundle, key: userKey, kid: 1, context: .identity(owner: userID, epoch: 1))))
        self.secretKey = secretKey
        self.recoveryKey = recoveryKey
        pin = ParametersPin(userID: userID, parameters: parameters, userKeyEpoch: 1)
        account = UnlockedAccount(userID: userID, email: email, vaultID: vaultID, userKey: userKey, userKeyEpoch: 1, identity: identity, identityEpoch: 1)
    }
}

/// Random lower-case UUIDv4 text, the form every id of the protocol takes.
public enum Ids {
    public static func make() -> String { UUID().uuidString.lowercased() }
}

extension EnvelopeContext {
    static func userKey(owner: String, epoch: UInt32, purpose: Purpose) -> EnvelopeContext {
        EnvelopeContext(purpose: purpose, owner: owner, vault: "", objectID: "user-key", version: UInt64(epoch))
    }

    static func identity(owner: String, epoch: UInt32) -> EnvelopeContext {
        EnvelopeContext(purpose: .identityKeys, owner: owner, vault: "", objectID: "identity", version: UInt64(epoch))
    }
}
