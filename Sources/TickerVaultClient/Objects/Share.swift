import Crypto
import Foundation

/// An item key sent to another user: HPKE to the recipient's X25519 key, signed with the
/// sender's Ed25519 key, with a header that binds who, what and when.
public struct Share: Sendable, Hashable {
    public typealias Header = ShareHeader

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
