import Foundation
import Synchronization
import TickerKeys
import TickerStore
import TickerVaultFormat

/// A `VaultStore` that seals what clients encrypted once more before it reaches the database,
/// with the owner's data key (vault protocol, section 8): item contents and item keys, manifests,
/// shares' ciphertexts, and accounts' wrapped keys. Each seal's AAD names owner, vault, row id, row version and
/// `table.column`, so a sealed blob moved to another row, owner or version no longer opens.
///
/// A stolen database or backup then yields nothing without the KEK in the HSM, even if the
/// client-side encryption were someday weakened. Verifiers (hashes), sessions and the server's
/// own secret pass through unchanged (the latter is sealed by `AtRest.serverSecret`).
///
/// Stored blobs are framed by one byte, `0x10`, ahead of the envelope: neither a client envelope
/// (`0x01`) nor a manifest (JSON, `{`) starts with it, so rows written before sealing existed
/// still read as they were, and are sealed when next written.
public final class SealedVaultStore: VaultStore {
    let inner: any VaultStore
    let atRest: AtRest
    /// Vault id → owner's user id; a vault never changes owner, so this is never stale.
    private let owners = Mutex<[String: String]>([:])

    static let frame: UInt8 = 0x10

    public init(_ inner: any VaultStore, atRest: AtRest) {
        self.inner = inner
        self.atRest = atRest
    }

    // MARK: sealing

    struct Row {
        var owner: String
        var vault: String
        var id: String
        var version: Int64
        var column: String
    }

    func seal(_ blob: [UInt8], _ row: Row) async throws -> [UInt8] {
        try seal(blob, row, with: try await key(of: row.owner))
    }

    func open(_ stored: [UInt8], _ row: Row) async throws -> [UInt8] {
        guard stored.first == Self.frame else { return stored }
        return try open(stored, row, with: try await key(of: row.owner))
    }

    /// The owner's data key, looked up once for all the blobs of one operation.
    func key(of owner: String) async throws -> AtRest.ScopeKey {
        try await atRest.key(for: "user:\(owner)")
    }

    func seal(_ blob: [UInt8], _ row: Row, with key: AtRest.ScopeKey) throws -> [UInt8] {
        [Self.frame] + (try key.seal(blob, context: context(row)))
    }

    func open(_ stored: [UInt8], _ row: Row, with key: AtRest.ScopeKey) throws -> [UInt8] {
        guard stored.first == Self.frame else { return stored }
        do {
            return try key.open(Array(stored.dropFirst()), context: context(row))
        } catch {
            throw SealedVaultStoreError(row: row, cause: error)
        }
    }

    private func context(_ row: Row) -> EnvelopeContext {
        EnvelopeContext(purpose: .serverAtRest, owner: row.owner, vault: row.vault, objectID: row.id, version: UInt64(max(row.version, 0)), extra: row.column)
    }

    func owner(of vaultID: String) async throws -> String {
        if let known = owners.withLock({ $0[vaultID] }) { return known }
        guard let account = try await inner.account(vaultID: vaultID) else { throw VaultStoreError.itemNotFound(vaultID) }
        owners.withLock { owners in
            // A bound on memory; a miss costs one indexed read.
            if owners.count >= 100_000 { owners.removeAll() }
            owners[vaultID] = account.userID
        }
        return account.userID
    }

    func sealItem(_ item: VaultItemRecord, owner: String, vault: String, with key: AtRest.ScopeKey) throws -> VaultItemRecord {
        var item = item
        item.content = try seal(item.content, Row(owner: owner, vault: vault, id: item.itemID, version: item.version, column: "vault_items.content"), with: key)
        item.itemKey = try seal(item.itemKey, Row(owner: owner, vault: vault, id: item.itemID, version: item.version, column: "vault_items.item_key"), with: key)
        return item
    }

    func openItem(_ item: VaultItemRecord, owner: String, vault: String, with key: AtRest.ScopeKey) throws -> VaultItemRecord {
        var item = item
        item.content = try open(item.content, Row(owner: owner, vault: vault, id: item.itemID, version: item.version, column: "vault_items.content"), with: key)
        item.itemKey = try open(item.itemKey, Row(owner: owner, vault: vault, id: item.itemID, version: item.version, column: "vault_items.item_key"), with: key)
        return item
    }

    static func manifestRow(owner: String, vault: String, counter: Int64) -> Row {
        Row(owner: owner, vault: vault, id: "manifest", version: counter, column: "vault_manifests.body")
    }

    /// An account's wrapped keys. Their version is fixed: a password change replaces the wrapped
    /// User Key without a new epoch, and sealing under an epoch read beforehand could race a rotation.
    static func accountRow(_ userID: String, _ column: String) -> Row {
        Row(owner: userID, vault: "", id: userID, version: 1, column: "vault_accounts.\(column)")
    }

    func sealAccount(_ account: VaultAccountRecord) async throws -> VaultAccountRecord {
        var account = account
        account.wrappedUserKey = try await seal(account.wrappedUserKey, Self.accountRow(account.userID, "wrapped_user_key"))
        account.recoveryWrappedUserKey = try await seal(account.recoveryWrappedUserKey, Self.accountRow(account.userID, "recovery_wrapped_user_key"))
        account.identity.wrappedPrivate = try await seal(account.identity.wrappedPrivate, Self.accountRow(account.userID, "wrapped_private"))
        return account
    }

    func openAccount(_ account: VaultAccountRecord?) async throws -> VaultAccountRecord? {
        guard var account else { return nil }
        account.wrappedUserKey = try await open(account.wrappedUserKey, Self.accountRow(account.userID, "wrapped_user_key"))
        account.recoveryWrappedUserKey = try await open(account.recoveryWrappedUserKey, Self.accountRow(account.userID, "recovery_wrapped_user_key"))
        account.identity.wrappedPrivate = try await open(account.identity.wrappedPrivate, Self.accountRow(account.userID, "wrapped_private"))
        return account
    }

    static func shareRow(_ share: VaultShareRecord) -> Row {
        Row(owner: share.ownerID, vault: share.vaultID, id: share.shareID, version: 1, column: "vault_shares.ct")
    }
}

/// A sealed blob that did not open: moved from another row, altered, or sealed under a data key
/// this deployment does not have.
public struct SealedVaultStoreError: Error, CustomStringConvertible {
    let row: SealedVaultStore.Row
    let cause: any Error

    public var description: String {
        "the stored \(row.column) of \(row.id) (vault \(row.vault), version \(row.version)) does not open: it was moved or altered (\(cause))"
    }
}
