import Crypto

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
