/// Who shared what with whom, and when: bound into the share's HPKE context and signature, and
/// parsed by the server to check a share against its body.
public struct ShareHeader: Sendable, Hashable {
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
