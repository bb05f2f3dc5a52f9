import Crypto
import Foundation

/// An item key sent to another user: HPKE to the recipient's X25519 key, signed with the
/// sender's Ed25519 key, with a header that binds who, what and when.
public struct Share: Sendable, Hashable {
    public struct Header: Sendable, Hashable {
        public var shareID: String
        public var senderID: String
        public var recipientID: String
        public var ownerID: String
        public var vaultID: String
        public var itemID: String
        public var senderFingerprint: Fingerprint
        public var recipientFingerprint: Fingerprint
        public var createdAt: UInt64

        public init(
            shareID: String, senderID: String, recipientID: String, ownerID: String, vaultID: String, itemID: String,
            senderFingerprint: Fingerprint, recipientFingerprint: Fingerprint, createdAt: UInt64
        ) {
            self.shareID = shareID
            self.senderID = senderID
            self.recipientID = recipientID
            self.ownerID = ownerID
            self.vaultID = vaultID
            self.itemID = itemID
            self.senderFingerprint = senderFingerprint
            self.recipientFingerprint = recipientFingerprint
            self.createdAt = createdAt
        }

        /// `"TKSH1" ‖ lp(share) ‖ lp(sender) ‖ lp(recipient) ‖ lp(owner) ‖ lp(vault) ‖ lp(item)
        /// ‖ lp(sender_fpr) ‖ lp(recipient_fpr) ‖ u64(created_unix_s)`.
        public func encoded() throws -> [UInt8] {
            var w = ByteWriter("TKSH1")
            for field in [shareID, senderID, recipientID, ownerID, vaultID, itemID] { try w.lp(field) }
            try w.lp(senderFingerprint.bytes)
            try w.lp(recipientFingerprint.bytes)
            w.u64(createdAt)
            return w.bytes
        }

        public init(encoded bytes: [UInt8]) throws {
            var r = ByteReader(bytes)
            try r.expect("TKSH1")
            shareID = try r.lpText()
            senderID = try r.lpText()
            recipientID = try r.lpText()
            ownerID = try r.lpText()
            vaultID = try r.lpText()
            itemID = try r.lpText()
            senderFingerprint = Fingerprint(bytes: try r.lp())
            recipientFingerprint = Fingerprint(bytes: try r.lp())
            createdAt = try r.u64()
            guard r.isAtEnd, senderFingerprint.bytes.count == 20, recipientFingerprint.bytes.count == 20 else {
                throw VaultError.malformed("a share header has extra or short fields")
            }
        }
    }

    public var header: [UInt8]
    public var encapsulatedKey: [UInt8]
    public var ciphertext: [UInt8]
    public var signature: [UInt8]

    static let suite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)

    public init(header: [UInt8], encapsulatedKey: [UInt8], ciphertext: [UInt8], signature: [UInt8]) {
        self.header = header
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
        self.signature = signature
    }

    /// Seals `itemKey` to the recipient's key and signs the result.
    public init(header: Header, itemKey: [UInt8], recipientKey: [UInt8], sender: IdentityKeys) throws {
        let encoded = try header.encoded()
        var sealer = try HPKE.Sender(
            recipientKey: try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipientKey), ciphersuite: Self.suite,
            info: Data(Label.with("ticker/v1/share", encoded)))
        let ciphertext = Array(try sealer.seal([0x01] + itemKey, authenticating: Data()))
        self.init(header: encoded, encapsulatedKey: Array(sealer.encapsulatedKey), ciphertext: ciphertext, signature: [])
        signature = Array(try sender.signing.signature(for: try signedBytes()))
    }

    /// `"TKSIG1" ‖ lp(header) ‖ enc ‖ ct`.
    func signedBytes() throws -> [UInt8] {
        var w = ByteWriter("TKSIG1")
        try w.lp(header)
        w.raw(encapsulatedKey)
        w.raw(ciphertext)
        return w.bytes
    }

    /// Checks the share against what the recipient knows (its own fingerprint, the pinned
    /// sender's key and fingerprint), then opens it. Returns the header and the item key.
    public func open(recipient: IdentityKeys, recipientFingerprint: Fingerprint, senderSigningKey: [UInt8], senderFingerprint: Fingerprint) throws -> (Header, [UInt8]) {
        let parsed = try Header(encoded: header)
        guard parsed.recipientFingerprint == recipientFingerprint else { throw VaultError.integrity("the share was made for another key") }
        guard parsed.senderFingerprint == senderFingerprint else { throw VaultError.integrity("the share's sender is not the contact you verified") }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: senderSigningKey),
            key.isValidSignature(signature, for: try signedBytes())
        else { throw VaultError.integrity("the share's signature does not verify") }
        do {
            var opener = try HPKE.Recipient(
                privateKey: recipient.agreement, ciphersuite: Self.suite, info: Data(Label.with("ticker/v1/share", header)),
                encapsulatedKey: Data(encapsulatedKey))
            let plaintext = Array(try opener.open(ciphertext, authenticating: Data()))
            guard plaintext.count == 33, plaintext[0] == 0x01 else { throw VaultError.malformed("a shared key is 0x01 and 32 bytes") }
            return (parsed, Array(plaintext[1...]))
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError.integrity("the share does not decrypt")
        }
    }
}
