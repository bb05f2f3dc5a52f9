import Foundation
import TickerStore
import TickerVaultFormat

/// Shares on the server: it cannot check the cryptography (the recipient does that against keys
/// it verified), so it checks what it can: that the header names the same share, sender,
/// recipient, vault and item as the request, that the sender owns the item, and the sizes.
public struct VaultShares: Sendable {
    let store: any VaultStore
    let now: @Sendable () -> Date

    public init(store: any VaultStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// What `POST /v1/shares` carries.
    public struct NewShare: Sendable {
        public var shareID: String
        public var recipientID: String
        public var vaultID: String
        public var itemID: String
        public var header: [UInt8]
        public var enc: [UInt8]
        public var ct: [UInt8]
        public var sig: [UInt8]

        public init(shareID: String, recipientID: String, vaultID: String, itemID: String, header: [UInt8], enc: [UInt8], ct: [UInt8], sig: [UInt8]) {
            self.shareID = shareID
            self.recipientID = recipientID
            self.vaultID = vaultID
            self.itemID = itemID
            self.header = header
            self.enc = enc
            self.ct = ct
            self.sig = sig
        }
    }

    public func create(_ share: NewShare, by account: VaultAccountRecord) async throws {
        try VaultInput.uuid(share.shareID, field: "share_id")
        try VaultInput.uuid(share.recipientID, field: "recipient_id")
        try VaultInput.uuid(share.itemID, field: "item_id")
        guard share.vaultID == account.vaultID else { throw VaultAuthError.forbidden }
        guard let header = try? ShareHeader(encoded: share.header) else { throw VaultInputError("header", "is not a v1 share header") }
        let matches = [
            ("share_id", header.shareID == share.shareID), ("sender", header.senderID == account.userID),
            ("recipient_id", header.recipientID == share.recipientID), ("owner", header.ownerID == account.userID),
            ("vault_id", header.vaultID == share.vaultID), ("item_id", header.itemID == share.itemID),
        ]
        if let mismatch = matches.first(where: { !$0.1 }) { throw VaultInputError("header", "names another \(mismatch.0) than the request") }
        guard share.recipientID != account.userID else { throw VaultInputError("recipient_id", "is the sender") }
        try VaultInput.bytes(share.enc, 32, field: "enc")
        try VaultInput.bytes(share.ct, 33 + 16, field: "ct")
        try VaultInput.bytes(share.sig, 64, field: "sig")
        guard try await store.account(userID: share.recipientID) != nil else { throw VaultInputError("recipient_id", "names no account") }
        guard try await store.item(vaultID: share.vaultID, itemID: share.itemID) != nil else { throw VaultStoreError.itemNotFound(share.itemID) }
        try await store.createShare(
            VaultShareRecord(
                shareID: share.shareID, senderID: account.userID, recipientID: share.recipientID, ownerID: account.userID, vaultID: share.vaultID,
                itemID: share.itemID, header: share.header, enc: share.enc, ct: share.ct, sig: share.sig, createdAt: now()))
    }

    public func incoming(for account: VaultAccountRecord) async throws -> [VaultShareRecord] {
        try await store.incomingShares(recipientID: account.userID)
    }

    public func revoke(_ shareID: String, by account: VaultAccountRecord) async throws {
        guard try await store.revokeShare(shareID: shareID, senderID: account.userID, now: now()) else {
            throw VaultStoreError.shareNotFound(shareID)
        }
    }
}
