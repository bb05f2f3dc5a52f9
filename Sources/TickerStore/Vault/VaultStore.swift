import Foundation

/// Storage of the zero-knowledge vault: accounts, sessions, and each vault's items with its
/// manifest. Everything the client encrypted is opaque bytes here (envelopes and the manifest
/// JSON), so a later layer can encrypt them again at rest without the store knowing.
///
/// A commit (one PUT, one DELETE, or a batch) is one transaction: the items and the manifest
/// change together or not at all.
public protocol VaultStore: Sendable {
    /// Stores a new account with its (empty) vault. Throws `accountExists` when the e-mail, the
    /// user id or the vault id is taken.
    func createAccount(_ account: VaultAccountRecord) async throws
    func account(email: String) async throws -> VaultAccountRecord?
    func account(userID: String) async throws -> VaultAccountRecord?
    /// The account whose vault is `vaultID`.
    func account(vaultID: String) async throws -> VaultAccountRecord?

    func createSession(_ session: VaultSessionRecord) async throws
    /// The session whose token hashes to `tokenHash`, if it is neither revoked nor expired at `now`.
    func session(tokenHash: [UInt8], now: Date) async throws -> VaultSessionRecord?
    /// The account of a live session of `kind` (one read, on every authenticated request).
    func sessionAccount(tokenHash: [UInt8], kind: VaultSessionRecord.Kind, now: Date) async throws -> VaultAccountRecord?
    func revokeSession(tokenHash: [UInt8], now: Date) async throws
    /// Revokes every session of the user except `keeping` (the one making the change).
    func revokeSessions(userID: String, keeping: [UInt8]?, now: Date) async throws

    /// The vault's manifest (nil before the first write) and its live items.
    func vault(_ vaultID: String) async throws -> VaultContents
    /// A live item; nil when it never existed or was deleted.
    func item(vaultID: String, itemID: String) async throws -> VaultItemRecord?
    /// Applies puts and deletes with the new manifest, all or nothing: each put's version must be
    /// the stored one plus one (1 for a new item), each delete must name the current version, and
    /// the manifest's counter must be `baseCounter + 1` with `baseCounter` the stored counter.
    func commit(_ change: VaultChange, now: Date) async throws -> [String: Int64]

    /// Replaces the password-derived material of an account (a new password or Secret Key, or a
    /// completed recovery, which also replaces the Recovery Key's) and revokes every session but
    /// `keepingSession`, in one transaction.
    func replaceCredentials(_ change: VaultCredentialChange, now: Date) async throws

    /// Stores a share; throws `shareExists` when its id is taken.
    func createShare(_ share: VaultShareRecord) async throws
    /// Shares sent to `recipientID` and not revoked, oldest first.
    func incomingShares(recipientID: String) async throws -> [VaultShareRecord]
    /// Revokes a share its sender made; false when there is no such share of that sender.
    func revokeShare(shareID: String, senderID: String, now: Date) async throws -> Bool
    /// Whether `recipientID` holds a share of the item that is not revoked.
    func hasActiveShare(recipientID: String, vaultID: String, itemID: String) async throws -> Bool

    /// Replaces the User Key of an account: its wrappings, the identity's wrapped private keys,
    /// every item key of its vaults and their manifests, and revokes every session but the
    /// rotating one, in one transaction (rule `VaultRotationRule`).
    func rotateUserKey(_ rotation: VaultKeyRotation, now: Date) async throws

    /// The server secret called `name`: the stored one, or `proposed` if none is stored yet. Every
    /// node asking gets the same value, whoever stored it first.
    func serverSecret(named name: String, proposed: [UInt8], now: Date) async throws -> [UInt8]
}

/// A shared item key as the server keeps it: opaque to it, checked only against the header's ids.
public struct VaultShareRecord: Sendable, Hashable {
    public var shareID: String
    public var senderID: String
    public var recipientID: String
    public var ownerID: String
    public var vaultID: String
    public var itemID: String
    public var header: [UInt8]
    public var enc: [UInt8]
    public var ct: [UInt8]
    public var sig: [UInt8]
    public var createdAt: Date

    public init(
        shareID: String, senderID: String, recipientID: String, ownerID: String, vaultID: String, itemID: String, header: [UInt8], enc: [UInt8],
        ct: [UInt8], sig: [UInt8], createdAt: Date
    ) {
        self.shareID = shareID
        self.senderID = senderID
        self.recipientID = recipientID
        self.ownerID = ownerID
        self.vaultID = vaultID
        self.itemID = itemID
        self.header = header
        self.enc = enc
        self.ct = ct
        self.sig = sig
        self.createdAt = createdAt
    }
}

/// New credentials, all made on the user's device.
public struct VaultCredentialChange: Sendable {
    public var userID: String
    public var kdf: VaultKDFSettings
    public var kdfMAC: [UInt8]
    public var authVerifier: [UInt8]
    public var wrappedUserKey: [UInt8]
    /// Set by a completed recovery: the new Recovery Key's wrapped User Key and verifier.
    public var recovery: (wrappedUserKey: [UInt8], verifier: [UInt8])?
    /// The session making the change stays valid; nil revokes them all.
    public var keepingSession: [UInt8]?

    public init(
        userID: String, kdf: VaultKDFSettings, kdfMAC: [UInt8], authVerifier: [UInt8], wrappedUserKey: [UInt8],
        recovery: (wrappedUserKey: [UInt8], verifier: [UInt8])? = nil, keepingSession: [UInt8]?
    ) {
        self.userID = userID
        self.kdf = kdf
        self.kdfMAC = kdfMAC
        self.authVerifier = authVerifier
        self.wrappedUserKey = wrappedUserKey
        self.recovery = recovery
        self.keepingSession = keepingSession
    }
}

/// An account as the server keeps it: no password, no key it could use. `authVerifier` and
/// `recoveryVerifier` are hashes of keys derived on the device.
public struct VaultAccountRecord: Sendable, Hashable {
    public var userID: String
    public var email: String
    public var vaultID: String
    public var kdf: VaultKDFSettings
    public var kdfMAC: [UInt8]
    public var authVerifier: [UInt8]
    public var wrappedUserKey: [UInt8]
    public var userKeyEpoch: Int
    public var recoveryWrappedUserKey: [UInt8]
    public var recoveryVerifier: [UInt8]
    public var identity: VaultIdentityRecord
    public var createdAt: Date

    public init(
        userID: String, email: String, vaultID: String, kdf: VaultKDFSettings, kdfMAC: [UInt8], authVerifier: [UInt8], wrappedUserKey: [UInt8],
        userKeyEpoch: Int, recoveryWrappedUserKey: [UInt8], recoveryVerifier: [UInt8], identity: VaultIdentityRecord, createdAt: Date
    ) {
        self.userID = userID
        self.email = email
        self.vaultID = vaultID
        self.kdf = kdf
        self.kdfMAC = kdfMAC
        self.authVerifier = authVerifier
        self.wrappedUserKey = wrappedUserKey
        self.userKeyEpoch = userKeyEpoch
        self.recoveryWrappedUserKey = recoveryWrappedUserKey
        self.recoveryVerifier = recoveryVerifier
        self.identity = identity
        self.createdAt = createdAt
    }
}

public struct VaultKDFSettings: Sendable, Hashable {
    public var kdf: Int
    public var iterations: Int
    public var memoryKiB: Int
    public var parallelism: Int
    public var seed: [UInt8]

    public init(kdf: Int, iterations: Int, memoryKiB: Int, parallelism: Int, seed: [UInt8]) {
        self.kdf = kdf
        self.iterations = iterations
        self.memoryKiB = memoryKiB
        self.parallelism = parallelism
        self.seed = seed
    }
}

public struct VaultIdentityRecord: Sendable, Hashable {
    public var epoch: Int
    public var signPK: [UInt8]
    public var encPK: [UInt8]
    public var selfSig: [UInt8]
    public var wrappedPrivate: [UInt8]

    public init(epoch: Int, signPK: [UInt8], encPK: [UInt8], selfSig: [UInt8], wrappedPrivate: [UInt8]) {
        self.epoch = epoch
        self.signPK = signPK
        self.encPK = encPK
        self.selfSig = selfSig
        self.wrappedPrivate = wrappedPrivate
    }
}

/// A signed-in session, found by the SHA-256 of its token (the token itself is never stored).
public struct VaultSessionRecord: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case session
        /// Valid only to complete an account recovery.
        case recovery
    }

    public var tokenHash: [UInt8]
    public var userID: String
    public var kind: Kind
    public var createdAt: Date
    public var expiresAt: Date

    public init(tokenHash: [UInt8], userID: String, kind: Kind, createdAt: Date, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.userID = userID
        self.kind = kind
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

public struct VaultItemRecord: Sendable, Hashable {
    public var itemID: String
    public var version: Int64
    public var contentType: String
    public var itemKey: [UInt8]
    public var content: [UInt8]

    public init(itemID: String, version: Int64, contentType: String, itemKey: [UInt8], content: [UInt8]) {
        self.itemID = itemID
        self.version = version
        self.contentType = contentType
        self.itemKey = itemKey
        self.content = content
    }
}

/// The manifest as the client sent it (JSON with its MAC), and its counter.
public struct VaultManifestRecord: Sendable, Hashable {
    public var counter: Int64
    public var body: [UInt8]

    public init(counter: Int64, body: [UInt8]) {
        self.counter = counter
        self.body = body
    }
}

public struct VaultContents: Sendable, Hashable {
    public var manifest: VaultManifestRecord?
    public var items: [VaultItemRecord]

    public init(manifest: VaultManifestRecord?, items: [VaultItemRecord]) {
        self.manifest = manifest
        self.items = items
    }
}

public struct VaultChange: Sendable {
    public var vaultID: String
    public var baseCounter: Int64
    public var puts: [VaultItemRecord]
    public var deletes: [(itemID: String, version: Int64)]
    public var manifest: VaultManifestRecord
    /// The User Key epoch the puts' item keys are wrapped under: checked against the account's in
    /// the commit's transaction, so that a rotation that just committed cannot be undercut.
    public var userKeyEpoch: Int?

    public init(
        vaultID: String, baseCounter: Int64, puts: [VaultItemRecord], deletes: [(itemID: String, version: Int64)], manifest: VaultManifestRecord,
        userKeyEpoch: Int? = nil
    ) {
        self.userKeyEpoch = userKeyEpoch
        self.vaultID = vaultID
        self.baseCounter = baseCounter
        self.puts = puts
        self.deletes = deletes
        self.manifest = manifest
    }
}

public enum VaultStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case accountExists
    case shareExists
    case vaultNotFound(String)
    /// An item's version is not what the change assumed; `current` is the stored one (0: none).
    case versionConflict(itemID: String, current: Int64)
    /// The manifest's counter is not the stored one plus one.
    case counterConflict(current: Int64)
    case itemNotFound(String)
    case shareNotFound(String)
    /// A User Key rotation's new epoch is not the stored one plus one.
    case epochConflict(current: Int)
    /// A User Key rotation that does not re-wrap exactly the live items of a vault.
    case rotationIncomplete(vaultID: String, detail: String)

    public var description: String {
        switch self {
        case .accountExists: "an account with this e-mail or id already exists"
        case .shareExists: "a share with this id already exists"
        case .vaultNotFound(let id): "no vault \(id)"
        case let .versionConflict(itemID, current): "item \(itemID) is at version \(current); write version \(current + 1)"
        case .counterConflict(let current): "the manifest counter is \(current); the next write must carry \(current + 1)"
        case .itemNotFound(let id): "no item \(id)"
        case .shareNotFound(let id): "no share \(id) of yours"
        case .epochConflict(let current): "the User Key is at epoch \(current); a rotation must carry epoch \(current + 1)"
        case let .rotationIncomplete(vaultID, detail): "the rotation of vault \(vaultID) \(detail)"
        }
    }
}

/// The rule both stores apply to a commit, given the current versions of the items it names
/// (0: never written; a deleted item keeps its last version, so a version is never reused).
enum VaultCommitRule {
    static func check(_ change: VaultChange, storedCounter: Int64, storedEpoch: Int, versions: [String: (version: Int64, live: Bool)]) throws {
        if let epoch = change.userKeyEpoch, epoch != storedEpoch, !change.puts.isEmpty { throw VaultStoreError.epochConflict(current: storedEpoch) }
        for put in change.puts {
            let current = versions[put.itemID]?.version ?? 0
            guard put.version == current + 1 else { throw VaultStoreError.versionConflict(itemID: put.itemID, current: current) }
        }
        for delete in change.deletes {
            guard let current = versions[delete.itemID], current.live else { throw VaultStoreError.itemNotFound(delete.itemID) }
            guard delete.version == current.version else { throw VaultStoreError.versionConflict(itemID: delete.itemID, current: current.version) }
        }
        guard change.baseCounter == storedCounter, change.manifest.counter == storedCounter + 1 else {
            throw VaultStoreError.counterConflict(current: storedCounter)
        }
        let named = change.puts.map(\.itemID) + change.deletes.map(\.itemID)
        guard Set(named).count == named.count else { throw StoreError.invalidArgument("a commit names an item twice") }
    }
}
