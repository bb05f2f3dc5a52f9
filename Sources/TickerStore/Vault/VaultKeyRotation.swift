import Foundation

/// A User Key rotation as the client sends it: every wrapping of the old User Key, replaced.
///
/// Item versions do not change (the content is not re-encrypted, only its item key is wrapped
/// again), but each vault's manifest moves on by one, MACed under the new key, so that every
/// device sees a newer counter.
public struct VaultKeyRotation: Sendable {
    public struct Vault: Sendable {
        public var vaultID: String
        public var baseCounter: Int64
        /// The new wrapping of each live item's key, by item id.
        public var itemKeys: [String: [UInt8]]
        public var manifest: VaultManifestRecord

        public init(vaultID: String, baseCounter: Int64, itemKeys: [String: [UInt8]], manifest: VaultManifestRecord) {
            self.vaultID = vaultID
            self.baseCounter = baseCounter
            self.itemKeys = itemKeys
            self.manifest = manifest
        }
    }

    public var userID: String
    public var newEpoch: Int
    public var wrappedUserKey: [UInt8]
    public var recoveryWrappedUserKey: [UInt8]
    public var wrappedPrivate: [UInt8]
    public var vaults: [Vault]
    /// The rotating session stays valid; every other one ends.
    public var keepingSession: [UInt8]

    public init(
        userID: String, newEpoch: Int, wrappedUserKey: [UInt8], recoveryWrappedUserKey: [UInt8], wrappedPrivate: [UInt8], vaults: [Vault],
        keepingSession: [UInt8]
    ) {
        self.userID = userID
        self.newEpoch = newEpoch
        self.wrappedUserKey = wrappedUserKey
        self.recoveryWrappedUserKey = recoveryWrappedUserKey
        self.wrappedPrivate = wrappedPrivate
        self.vaults = vaults
        self.keepingSession = keepingSession
    }
}

/// The rule both stores apply to a rotation, given what they hold for the account: its epoch, its
/// vault's counter (0: never written) and the ids of its live items.
enum VaultRotationRule {
    static func check(_ rotation: VaultKeyRotation, storedEpoch: Int, vaultID: String, storedCounter: Int64, liveItems: Set<String>) throws {
        guard rotation.newEpoch == storedEpoch + 1 else { throw VaultStoreError.epochConflict(current: storedEpoch) }
        // One vault per account in v1: the rotation names it once, or not at all while it is empty.
        guard rotation.vaults.allSatisfy({ $0.vaultID == vaultID }), rotation.vaults.count <= 1 else {
            throw VaultStoreError.rotationIncomplete(vaultID: vaultID, detail: "names a vault that is not the account's, or names it twice")
        }
        guard let vault = rotation.vaults.first else {
            guard storedCounter == 0 else { throw VaultStoreError.rotationIncomplete(vaultID: vaultID, detail: "is missing: the vault has items") }
            return
        }
        guard vault.baseCounter == storedCounter, vault.manifest.counter == storedCounter + 1 else {
            throw VaultStoreError.counterConflict(current: storedCounter)
        }
        let sent = Set(vault.itemKeys.keys)
        if let missing = liveItems.subtracting(sent).sorted().first {
            throw VaultStoreError.rotationIncomplete(vaultID: vaultID, detail: "does not re-wrap the key of item \(missing)")
        }
        if let extra = sent.subtracting(liveItems).sorted().first {
            throw VaultStoreError.rotationIncomplete(vaultID: vaultID, detail: "re-wraps item \(extra), which is not a live item")
        }
    }
}
