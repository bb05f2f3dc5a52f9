import Crypto

/// What an envelope's AAD binds: which object of whose vault, at which version, for what
/// purpose. A reader builds it from what it *expects* (the id it asked for, the version the
/// manifest names, its own user id), never from what the server says, so a swapped or replayed
/// blob fails to decrypt.
public struct EnvelopeContext: Sendable, Hashable {
    public enum Purpose: UInt8, Sendable {
        case itemContent = 0x01
        case itemKey = 0x02
        case userKeyPassword = 0x03
        case userKeyRecovery = 0x04
        case identityKeys = 0x05
        case serverAtRest = 0x10
    }

    public var purpose: Purpose
    public var owner: String
    /// "" where the object belongs to no vault (the User Key, the identity keys).
    public var vault: String
    public var objectID: String
    public var version: UInt64
    public var extra: String

    public init(purpose: Purpose, owner: String, vault: String, objectID: String, version: UInt64, extra: String = "") {
        self.purpose = purpose
        self.owner = owner
        self.vault = vault
        self.objectID = objectID
        self.version = version
        self.extra = extra
    }

    /// `"TKA1" ‖ u8(purpose) ‖ lp(owner) ‖ lp(vault) ‖ lp(object_id) ‖ u64(version) ‖ lp(extra)`.
    public func encoded() throws -> [UInt8] {
        var w = ByteWriter("TKA1")
        w.u8(purpose.rawValue)
        try w.lp(owner)
        try w.lp(vault)
        try w.lp(objectID)
        w.u64(version)
        try w.lp(extra)
        return w.bytes
    }
}

/// Envelope format v1: `0x01 ‖ 0x01 (AES-256-GCM) ‖ u32 kid ‖ nonce(12) ‖ ciphertext ‖ tag(16)`.
/// The six header bytes are part of the AAD, so changing the format, algorithm or key id breaks
/// the tag.
public enum Envelope {
    static let headerSize = EnvelopeHeader.size

    public static func seal(_ plaintext: [UInt8], key: SymmetricKey, kid: UInt32, context: EnvelopeContext, nonce: [UInt8]? = nil) throws -> [UInt8] {
        let header = [EnvelopeHeader.format, EnvelopeHeader.aesGCM, UInt8(kid >> 24), UInt8(kid >> 16 & 0xFF), UInt8(kid >> 8 & 0xFF), UInt8(kid & 0xFF)]
        let gcmNonce = try AES.GCM.Nonce(data: nonce ?? RandomBytes.make(12))
        let box = try AES.GCM.seal(plaintext, using: key, nonce: gcmNonce, authenticating: header + (try context.encoded()))
        // One allocation for the whole envelope: the server seals every item it stores.
        var envelope: [UInt8] = []
        envelope.reserveCapacity(EnvelopeHeader.overhead + plaintext.count)
        envelope += header
        gcmNonce.withUnsafeBytes { envelope += $0 }
        envelope += box.ciphertext
        envelope += box.tag
        return envelope
    }

    /// The key id in the header: which key generation to open it with.
    public static func kid(of envelope: [UInt8]) throws -> UInt32 {
        try EnvelopeHeader(of: envelope).kid
    }

    public static func open(_ envelope: [UInt8], key: SymmetricKey, context: EnvelopeContext) throws -> [UInt8] {
        _ = try EnvelopeHeader(of: envelope)
        let aad = Array(envelope[0..<headerSize]) + (try context.encoded())
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: envelope[headerSize..<headerSize + 12]), ciphertext: envelope[(headerSize + 12)..<(envelope.count - 16)],
                tag: envelope[(envelope.count - 16)...])
            return Array(try AES.GCM.open(box, using: key, authenticating: aad))
        } catch {
            throw VaultError.integrity("\(describe(context)) does not decrypt: it was altered, swapped or replayed, or the key is wrong")
        }
    }

    private static func describe(_ context: EnvelopeContext) -> String {
        switch context.purpose {
        case .itemContent: "item \(context.objectID) version \(context.version)"
        case .itemKey: "the key of item \(context.objectID)"
        case .userKeyPassword, .userKeyRecovery: "the User Key"
        case .identityKeys: "the identity keys"
        case .serverAtRest: "stored blob \(context.objectID)"
        }
    }
}
