import Crypto

/// A new User Key for an account (rule 11.10), made on the device: the new key wrapped under the
/// password and the Recovery Key, the identity's private keys and every item key re-wrapped, and
/// the vault's next manifest MACed under the new key. Item contents stay as they are.
public struct KeyRotation: Sendable {
    public let body: KeyRotationBody
    /// The account as it is once the server accepted the rotation.
    public let account: UnlockedAccount
    /// The vault's new manifest (nil for a vault never written).
    public let manifest: Manifest?

    /// - Parameters:
    ///   - identity: the identity as the session returned it; only its wrapping changes.
    ///   - items: the vault's live items, checked against its manifest.
    ///   - counter: the vault's current manifest counter (nil: never written).
    public init(
        of account: UnlockedAccount, password: PasswordKeys, recoveryKey: RecoveryKey, identity: AccountRequest.Identity,
        items: [String: ItemRecord], counter: UInt64?
    ) throws {
        let epoch = account.userKeyEpoch + 1
        let newKey = SymmetricKey(size: .bits256)
        let newKeyBytes = newKey.withUnsafeBytes { Array($0) }
        let recovery = try RecoveryKeys(recoveryKey: recoveryKey, userID: account.userID)
        let rotated = UnlockedAccount(
            userID: account.userID, email: account.email, vaultID: account.vaultID, userKey: newKey, userKeyEpoch: epoch,
            identity: account.identity, identityEpoch: account.identityEpoch)
        var newIdentity = identity
        newIdentity.wrappedPrivate = try Envelope.seal(
            account.identity.privateBundle, key: newKey, kid: epoch, context: .identity(owner: account.userID, epoch: identity.epoch))
        var keys: [KeyRotationBody.Vault.ItemKey] = []
        var entries: [Manifest.Entry] = []
        for (itemID, record) in items.sorted(by: { $0.key < $1.key }) {
            let (_, itemKey) = try account.open(record, itemID: itemID, version: record.version)
            let wrapped = try Envelope.seal(
                itemKey.key.withUnsafeBytes { Array($0) }, key: newKey, kid: epoch,
                context: rotated.itemKeyContext(itemID, generation: itemKey.generation))
            keys.append(.init(item_id: itemID, item_key: wrapped))
            entries.append(Manifest.Entry(itemID: itemID, version: record.version, digest: try Manifest.digest(itemKey: wrapped, content: record.content)))
        }
        var vaults: [KeyRotationBody.Vault] = []
        if let counter {
            let next = Manifest(owner: account.userID, vaultID: account.vaultID, counter: counter + 1, entries: entries)
            vaults.append(.init(vaultID: account.vaultID, baseCounter: counter, itemKeys: keys, manifest: try ManifestBody(next, userKey: newKey)))
            manifest = next
        } else {
            manifest = nil
        }
        body = KeyRotationBody(
            authKey: password.authKey, recoveryAuthKey: recovery.authKey, newEpoch: epoch,
            wrappedUserKey: try Envelope.seal(newKeyBytes, key: password.wrapKey, kid: 0, context: .userKey(owner: account.userID, epoch: epoch, purpose: .userKeyPassword)),
            recoveryWrappedUserKey: try Envelope.seal(
                newKeyBytes, key: recovery.wrapKey, kid: 0, context: .userKey(owner: account.userID, epoch: epoch, purpose: .userKeyRecovery)),
            identity: newIdentity, vaults: vaults)
        self.account = rotated
    }
}
