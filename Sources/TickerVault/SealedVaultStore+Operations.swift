import Foundation
import TickerStore

extension SealedVaultStore {
    public func vault(_ vaultID: String) async throws -> VaultContents {
        var contents = try await inner.vault(vaultID)
        guard contents.manifest != nil || !contents.items.isEmpty else { return contents }
        let owner = try await owner(of: vaultID)
        let key = try await key(of: owner)
        if var manifest = contents.manifest {
            manifest.body = try open(manifest.body, Self.manifestRow(owner: owner, vault: vaultID, counter: manifest.counter), with: key)
            contents.manifest = manifest
        }
        var items: [VaultItemRecord] = []
        items.reserveCapacity(contents.items.count)
        for item in contents.items { items.append(try openItem(item, owner: owner, vault: vaultID, with: key)) }
        contents.items = items
        return contents
    }

    public func item(vaultID: String, itemID: String) async throws -> VaultItemRecord? {
        guard let item = try await inner.item(vaultID: vaultID, itemID: itemID) else { return nil }
        let owner = try await owner(of: vaultID)
        return try openItem(item, owner: owner, vault: vaultID, with: try await key(of: owner))
    }

    public func commit(_ change: VaultChange, now: Date) async throws -> [String: Int64] {
        let owner = try await owner(of: change.vaultID)
        let key = try await key(of: owner)
        var sealed = change
        sealed.puts = try change.puts.map { try sealItem($0, owner: owner, vault: change.vaultID, with: key) }
        sealed.manifest.body = try seal(change.manifest.body, Self.manifestRow(owner: owner, vault: change.vaultID, counter: change.manifest.counter), with: key)
        return try await inner.commit(sealed, now: now)
    }

    /// Item keys are replaced in place, at the version each item has now: a write that changes a
    /// version also moves the manifest's counter, which makes the store refuse this rotation.
    public func rotateUserKey(_ rotation: VaultKeyRotation, now: Date) async throws {
        var sealed = rotation
        sealed.wrappedUserKey = try await seal(rotation.wrappedUserKey, Self.accountRow(rotation.userID, "wrapped_user_key"))
        sealed.recoveryWrappedUserKey = try await seal(rotation.recoveryWrappedUserKey, Self.accountRow(rotation.userID, "recovery_wrapped_user_key"))
        sealed.wrappedPrivate = try await seal(rotation.wrappedPrivate, Self.accountRow(rotation.userID, "wrapped_private"))
        sealed.vaults = []
        for vault in rotation.vaults {
            let versions = Dictionary(uniqueKeysWithValues: try await inner.vault(vault.vaultID).items.map { ($0.itemID, $0.version) })
            var rewritten = vault
            for (itemID, key) in vault.itemKeys {
                let row = Row(owner: rotation.userID, vault: vault.vaultID, id: itemID, version: versions[itemID] ?? 0, column: "vault_items.item_key")
                rewritten.itemKeys[itemID] = try await seal(key, row)
            }
            rewritten.manifest.body = try await seal(
                vault.manifest.body, Self.manifestRow(owner: rotation.userID, vault: vault.vaultID, counter: vault.manifest.counter))
            sealed.vaults.append(rewritten)
        }
        try await inner.rotateUserKey(sealed, now: now)
    }

    public func createShare(_ share: VaultShareRecord) async throws {
        var sealed = share
        sealed.ct = try await seal(share.ct, Self.shareRow(share))
        try await inner.createShare(sealed)
    }

    public func incomingShares(recipientID: String) async throws -> [VaultShareRecord] {
        var shares: [VaultShareRecord] = []
        for var share in try await inner.incomingShares(recipientID: recipientID) {
            share.ct = try await open(share.ct, Self.shareRow(share))
            shares.append(share)
        }
        return shares
    }

    // MARK: unchanged

    public func createAccount(_ account: VaultAccountRecord) async throws { try await inner.createAccount(try await sealAccount(account)) }
    public func account(email: String) async throws -> VaultAccountRecord? { try await openAccount(try await inner.account(email: email)) }
    public func account(userID: String) async throws -> VaultAccountRecord? { try await openAccount(try await inner.account(userID: userID)) }
    public func account(vaultID: String) async throws -> VaultAccountRecord? { try await openAccount(try await inner.account(vaultID: vaultID)) }
    public func createSession(_ session: VaultSessionRecord) async throws { try await inner.createSession(session) }
    public func session(tokenHash: [UInt8], now: Date) async throws -> VaultSessionRecord? { try await inner.session(tokenHash: tokenHash, now: now) }
    public func sessionAccount(tokenHash: [UInt8], kind: VaultSessionRecord.Kind, now: Date) async throws -> VaultAccountRecord? {
        try await openAccount(try await inner.sessionAccount(tokenHash: tokenHash, kind: kind, now: now))
    }
    public func revokeSession(tokenHash: [UInt8], now: Date) async throws { try await inner.revokeSession(tokenHash: tokenHash, now: now) }
    public func revokeSessions(userID: String, keeping: [UInt8]?, now: Date) async throws {
        try await inner.revokeSessions(userID: userID, keeping: keeping, now: now)
    }
    public func replaceCredentials(_ change: VaultCredentialChange, now: Date) async throws {
        var sealed = change
        sealed.wrappedUserKey = try await seal(change.wrappedUserKey, Self.accountRow(change.userID, "wrapped_user_key"))
        if let recovery = change.recovery {
            sealed.recovery = (try await seal(recovery.wrappedUserKey, Self.accountRow(change.userID, "recovery_wrapped_user_key")), recovery.verifier)
        }
        try await inner.replaceCredentials(sealed, now: now)
    }
    public func revokeShare(shareID: String, senderID: String, now: Date) async throws -> Bool {
        try await inner.revokeShare(shareID: shareID, senderID: senderID, now: now)
    }
    public func hasActiveShare(recipientID: String, vaultID: String, itemID: String) async throws -> Bool {
        try await inner.hasActiveShare(recipientID: recipientID, vaultID: vaultID, itemID: itemID)
    }
    public func serverSecret(named name: String, proposed: [UInt8], now: Date) async throws -> [UInt8] {
        try await inner.serverSecret(named: name, proposed: proposed, now: now)
    }
}
