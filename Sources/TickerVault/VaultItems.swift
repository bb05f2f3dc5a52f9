import Foundation
import TickerStore
import TickerVaultFormat

/// The server's side of a vault's items: it checks shapes and sizes, checks that the vault is
/// the caller's, and hands commits to the store, which applies them atomically. It cannot read
/// an item and does not try to.
public struct VaultItems: Sendable {
    let store: any VaultStore
    let now: @Sendable () -> Date
    /// The largest content envelope accepted: a plan is a few kilobytes.
    public static let maxContentBytes = 1 << 20
    public static let maxManifestEntries = 10_000

    public init(store: any VaultStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    public func contents(of vaultID: String, for account: VaultAccountRecord) async throws -> VaultContents {
        try own(vaultID, account)
        return try await store.vault(vaultID)
    }

    /// An item of the caller's vault, or of another vault while an active share of it is the
    /// caller's.
    public func item(_ itemID: String, in vaultID: String, for account: VaultAccountRecord) async throws -> VaultItemRecord {
        try VaultInput.uuid(itemID, field: "item_id")
        if vaultID != account.vaultID {
            guard try await store.hasActiveShare(recipientID: account.userID, vaultID: vaultID, itemID: itemID) else { throw VaultAuthError.forbidden }
        }
        guard let item = try await store.item(vaultID: vaultID, itemID: itemID) else { throw VaultStoreError.itemNotFound(itemID) }
        return item
    }

    /// One PUT, one DELETE or a batch: checked here, applied by the store as one transaction.
    /// The change's manifest is JSON.
    public func commit(_ change: VaultChange, for account: VaultAccountRecord) async throws -> [String: Int64] {
        try await commit(change, manifest: ManifestInput(json: change.manifest.body, field: "manifest"), for: account)
    }

    /// As `commit(_:for:)`, with the manifest already decoded (by the HTTP layer); it replaces the
    /// change's.
    public func commit(_ change: VaultChange, manifest: ManifestInput, for account: VaultAccountRecord) async throws -> [String: Int64] {
        try own(change.vaultID, account)
        for (index, put) in change.puts.enumerated() {
            try check(put, epoch: account.userKeyEpoch, field: change.puts.count == 1 ? "" : "puts[\(index)].")
        }
        for (index, delete) in change.deletes.enumerated() {
            try VaultInput.uuid(delete.itemID, field: "deletes[\(index)].item_id")
            guard delete.version >= 1 else { throw VaultInputError("deletes[\(index)].version", "must be 1 or more") }
        }
        var change = change
        change.manifest = try manifest.record(field: "manifest")
        change.userKeyEpoch = account.userKeyEpoch
        return try await store.commit(change, now: now())
    }

    private func own(_ vaultID: String, _ account: VaultAccountRecord) throws {
        guard vaultID == account.vaultID else { throw VaultAuthError.forbidden }
    }

    private func check(_ item: VaultItemRecord, epoch: Int, field prefix: String) throws {
        try VaultInput.uuid(item.itemID, field: prefix + "item_id")
        guard item.version >= 1 else { throw VaultInputError(prefix + "version", "must be 1 or more") }
        guard (3...100).contains(item.contentType.utf8.count), item.contentType.contains("/"),
            item.contentType.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 })
        else { throw VaultInputError(prefix + "content_type", "must be a media type such as application/vnd.ticker.plan+json") }
        try VaultInput.envelope(item.itemKey, plaintext: 32, kid: nil, field: prefix + "item_key")
        // A device that missed a User Key rotation would wrap under a key no other device has.
        guard (try? EnvelopeHeader(of: item.itemKey).kid) == UInt32(epoch) else { throw VaultStoreError.epochConflict(current: epoch) }
        guard item.content.count >= EnvelopeHeader.overhead else { throw VaultInputError(prefix + "content", "is shorter than an envelope") }
        guard item.content.count <= Self.maxContentBytes else {
            throw VaultInputError(prefix + "content", "is \(item.content.count) bytes; the limit is \(Self.maxContentBytes)")
        }
        try VaultInput.envelope(item.content, plaintext: item.content.count - EnvelopeHeader.overhead, kid: nil, field: prefix + "content")
    }
}
