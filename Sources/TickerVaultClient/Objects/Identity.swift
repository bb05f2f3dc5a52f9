import Crypto

/// A user's long-term keys for sharing: an Ed25519 key that signs and an X25519 key that
/// receives. The public halves, with a self-signature, are the identity bundle anyone may fetch;
/// the private halves travel wrapped under the User Key.
public struct IdentityKeys: Sendable {
    public let signing: Curve25519.Signing.PrivateKey
    public let agreement: Curve25519.KeyAgreement.PrivateKey

    public init(signingSeed: [UInt8], agreementKey: [UInt8]) throws {
        signing = try Curve25519.Signing.PrivateKey(rawRepresentation: signingSeed)
        agreement = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: agreementKey)
    }

    public static func random() -> IdentityKeys {
        try! IdentityKeys(signingSeed: RandomBytes.make(32), agreementKey: RandomBytes.make(32))
    }

    /// `0x01 ‖ ed25519 seed ‖ x25519 secret` (65 bytes): what is wrapped under the User Key.
    public var privateBundle: [UInt8] { [0x01] + Array(signing.rawRepresentation) + Array(agreement.rawRepresentation) }

    public init(privateBundle: [UInt8]) throws {
        guard privateBundle.count == 65, privateBundle[0] == 0x01 else { throw VaultError.malformed("identity private keys are 0x01 and 64 bytes") }
        try self.init(signingSeed: Array(privateBundle[1..<33]), agreementKey: Array(privateBundle[33...]))
    }

    /// The public bundle for `userID` at `epoch`, signed by these keys.
    public func bundle(userID: String, epoch: UInt32) throws -> IdentityBundle {
        var bundle = IdentityBundle(
            userID: userID, epoch: epoch, signingKey: Array(signing.publicKey.rawRepresentation),
            agreementKey: Array(agreement.publicKey.rawRepresentation), selfSignature: [])
        bundle.selfSignature = Array(try signing.signature(for: try bundle.statement()))
        return bundle
    }
}

/// A user's public identity as the server serves it. Nothing in it is trusted until the
/// self-signature verifies and the fingerprint matches the one the reader pinned.
public struct IdentityBundle: Sendable, Hashable {
    public var userID: String
    public var epoch: UInt32
    public var signingKey: [UInt8]
    public var agreementKey: [UInt8]
    public var selfSignature: [UInt8]

    public init(userID: String, epoch: UInt32, signingKey: [UInt8], agreementKey: [UInt8], selfSignature: [UInt8]) {
        self.userID = userID
        self.epoch = epoch
        self.signingKey = signingKey
        self.agreementKey = agreementKey
        self.selfSignature = selfSignature
    }

    /// `"TKID1" ‖ lp(user_id) ‖ u32(epoch) ‖ lp(sign_pk) ‖ lp(enc_pk)`.
    public func statement() throws -> [UInt8] {
        var w = ByteWriter("TKID1")
        try w.lp(userID)
        w.u32(epoch)
        try w.lp(signingKey)
        try w.lp(agreementKey)
        return w.bytes
    }

    public func verifySelfSignature() throws {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: signingKey),
            key.isValidSignature(selfSignature, for: try statement())
        else { throw VaultError.integrity("the identity of \(userID) is not signed by its own key") }
    }

    /// The first 20 bytes of `SHA256("TKFPR1" ‖ lp(user_id) ‖ lp(sign_pk) ‖ lp(enc_pk))`.
    public func fingerprint() throws -> Fingerprint {
        var w = ByteWriter("TKFPR1")
        try w.lp(userID)
        try w.lp(signingKey)
        try w.lp(agreementKey)
        return Fingerprint(bytes: Array(SHA256.hash(data: w.bytes).prefix(20)))
    }
}

/// What two people compare out of band before trusting each other's keys.
public struct Fingerprint: Sendable, Hashable {
    public let bytes: [UInt8]

    /// 32 Crockford characters in groups of 4.
    public var text: String { Crockford.grouped(Crockford.encode(bytes), sizes: [4]) }

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public init(text: String) throws {
        bytes = try Crockford.decode(text, byteCount: 20, what: "the fingerprint")
    }
}
