import Crypto

/// `{kdf, kdf_mac, auth_key, wrapped_user_key}`: new password material, as a password change and
/// a recovery send it.
public struct CredentialsBody: Sendable, Codable, Equatable {
    public var kdf: KDFParameters
    @B64 public var kdfMAC: [UInt8]
    @B64 public var authKey: [UInt8]
    @B64 public var wrappedUserKey: [UInt8]

    enum CodingKeys: String, CodingKey {
        case kdf
        case kdfMAC = "kdf_mac"
        case authKey = "auth_key"
        case wrappedUserKey = "wrapped_user_key"
    }
}

extension UnlockedAccount {
    /// New password material for this account's User Key, under `password` and `secretKey`
    /// (the current Secret Key, or a new one). The parameters get a fresh seed and are never
    /// weaker than `current`.
    public func newCredentials(password: String, secretKey: SecretKey, current: KDFParameters) throws -> (body: CredentialsBody, pin: ParametersPin) {
        var parameters = current
        parameters.seed = KDFParameters.fresh().seed
        parameters.iterations = max(current.iterations, KDFParameters.defaultIterations)
        let keys = try PasswordKeys(password: password, email: email, secretKey: secretKey, parameters: parameters)
        let wrapped = try Envelope.seal(
            userKey.withUnsafeBytes { Array($0) }, key: keys.wrapKey, kid: 0,
            context: .userKey(owner: userID, epoch: userKeyEpoch, purpose: .userKeyPassword))
        let body = CredentialsBody(
            kdf: parameters, kdfMAC: try ParametersMAC.mac(secretKey: secretKey, email: email, userID: userID, parameters: parameters),
            authKey: keys.authKey, wrappedUserKey: wrapped)
        return (body, ParametersPin(userID: userID, parameters: parameters, userKeyEpoch: userKeyEpoch))
    }

    /// The User Key wrapped under a new Recovery Key, with that key's `auth` value: what a
    /// completed recovery (or a new Recovery Key) sends.
    public func recoveryMaterial(_ recoveryKey: RecoveryKey) throws -> AccountRequest.Recovery {
        let keys = try RecoveryKeys(recoveryKey: recoveryKey, userID: userID)
        let wrapped = try Envelope.seal(
            userKey.withUnsafeBytes { Array($0) }, key: keys.wrapKey, kid: 0,
            context: .userKey(owner: userID, epoch: userKeyEpoch, purpose: .userKeyRecovery))
        return AccountRequest.Recovery(wrappedUserKey: wrapped, authKey: keys.authKey)
    }
}

/// Opening the User Key with the Recovery Key, after `POST /v1/recovery/start`.
public enum Recovery {
    public static func openUserKey(
        recoveryKey: RecoveryKey, userID: String, wrappedUserKey: [UInt8], userKeyEpoch: UInt32
    ) throws -> SymmetricKey {
        let keys = try RecoveryKeys(recoveryKey: recoveryKey, userID: userID)
        let bytes = try Envelope.open(wrappedUserKey, key: keys.wrapKey, context: .userKey(owner: userID, epoch: userKeyEpoch, purpose: .userKeyRecovery))
        guard bytes.count == 32 else { throw VaultError.malformed("a User Key is 32 bytes") }
        return SymmetricKey(data: bytes)
    }
}
