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
