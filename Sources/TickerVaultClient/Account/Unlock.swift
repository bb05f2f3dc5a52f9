import Crypto

/// What a device remembers about an account so that a server cannot weaken it later: the
/// key-derivation parameters and the highest User Key epoch seen.
public struct ParametersPin: Sendable, Codable, Equatable {
    public var userID: String
    public var parameters: KDFParameters
    public var userKeyEpoch: UInt32

    public init(userID: String, parameters: KDFParameters, userKeyEpoch: UInt32) {
        self.userID = userID
        self.parameters = parameters
        self.userKeyEpoch = userKeyEpoch
    }
}

/// An account whose keys are in memory: what a signed-in client works with.
public struct UnlockedAccount: Sendable {
    public let userID: String
    public let email: String
    public let vaultID: String
    public let userKey: SymmetricKey
    public let userKeyEpoch: UInt32
    public let identity: IdentityKeys
    public let identityEpoch: UInt32
}

/// Log-in, in the order the protocol requires: check the server's parameters (range, pin, MAC)
/// before any password work; derive; send `auth_key`; then unwrap what the server returned,
/// building every AAD from what this device expects.
public struct Unlock: Sendable {
    public let email: String
    public let prelogin: PreloginResponse
    public let keys: PasswordKeys

    /// Checks `prelogin` and derives the keys. Throws, without deriving, when the parameters are
    /// unsafe, weaker than `pin`, or not MACed under this Secret Key.
    public init(email: String, password: String, secretKey: SecretKey, prelogin: PreloginResponse, pin: ParametersPin?) throws {
        let email = EmailAddress.canonical(email)
        try prelogin.kdf.checkSafe()
        if let pin {
            guard pin.userID == prelogin.userID else {
                throw VaultError.integrity("the server answered for another account than the one this device knows")
            }
            guard prelogin.kdf.isAtLeastAsStrong(as: pin.parameters) else {
                throw VaultError.unsafeParameters("the server offered weaker key-derivation parameters than this device has seen")
            }
        }
        try ParametersMAC.verify(prelogin.kdfMAC, secretKey: secretKey, email: email, userID: prelogin.userID, parameters: prelogin.kdf)
        self.email = email
        self.prelogin = prelogin
        keys = try PasswordKeys(password: password, email: email, secretKey: secretKey, parameters: prelogin.kdf)
    }

    /// What to send to `POST /v1/sessions`.
    public var authKey: [UInt8] { keys.authKey }

    /// Opens the session's keys. The returned pin is what the device stores after a successful
    /// log-in.
    public func open(_ session: SessionResponse, pin: ParametersPin?) throws -> (UnlockedAccount, ParametersPin) {
        let userID = prelogin.userID
        guard session.userID == userID else { throw VaultError.integrity("the session belongs to another account") }
        if let pin, session.userKeyEpoch < pin.userKeyEpoch {
            throw VaultError.integrity("the server returned an older User Key (epoch \(session.userKeyEpoch) < \(pin.userKeyEpoch))")
        }
        let userKeyBytes = try Envelope.open(
            session.wrappedUserKey, key: keys.wrapKey, context: .userKey(owner: userID, epoch: session.userKeyEpoch, purpose: .userKeyPassword))
        guard userKeyBytes.count == 32 else { throw VaultError.malformed("a User Key is 32 bytes") }
        let userKey = SymmetricKey(data: userKeyBytes)
        let bundle = session.identity.bundle(userID: userID)
        try bundle.verifySelfSignature()
        let identity = try IdentityKeys(
            privateBundle: try Envelope.open(session.identity.wrappedPrivate, key: userKey, context: .identity(owner: userID, epoch: bundle.epoch)))
        guard Array(identity.signing.publicKey.rawRepresentation) == bundle.signingKey,
            Array(identity.agreement.publicKey.rawRepresentation) == bundle.agreementKey
        else { throw VaultError.integrity("the identity's public keys do not match its private keys") }
        let account = UnlockedAccount(
            userID: userID, email: email, vaultID: session.vaultID, userKey: userKey, userKeyEpoch: session.userKeyEpoch, identity: identity,
            identityEpoch: bundle.epoch)
        return (account, ParametersPin(userID: userID, parameters: prelogin.kdf, userKeyEpoch: max(session.userKeyEpoch, pin?.userKeyEpoch ?? 0)))
    }
}
