import Crypto
import Foundation

/// What a device remembers about an account between sessions, so that a server cannot roll it
/// back: the key-derivation parameters and User Key epoch it saw (rules 11.11 and 11.12) and
/// the newest manifest it accepted (rule 11.8). It holds nothing secret.
public struct DevicePins: Sendable, Codable, Equatable {
    public var parameters: ParametersPin?
    public var manifest: ManifestPin?

    public init(parameters: ParametersPin? = nil, manifest: ManifestPin? = nil) {
        self.parameters = parameters
        self.manifest = manifest
    }
}

/// An item as the owner reads it: decrypted and checked against the manifest.
public struct OpenedItem: Sendable, Equatable {
    public var itemID: String
    public var version: UInt64
    public var contentType: String
    /// The JSON document, without the padding.
    public var json: [UInt8]
}

/// A signed-in, unlocked account on a vault server: every read is checked against the manifest
/// and the device's pins, every write carries the vault's next manifest. Keys never leave it.
public actor VaultSession {
    public nonisolated let server: VaultServer
    public nonisolated let token: String
    public private(set) var account: UnlockedAccount
    public private(set) var pins: DevicePins
    let password: PasswordKeys
    private(set) var identity: AccountRequest.Identity

    init(server: VaultServer, token: String, account: UnlockedAccount, pins: DevicePins, password: PasswordKeys, identity: AccountRequest.Identity) {
        self.server = server
        self.token = token
        self.account = account
        self.pins = pins
        self.password = password
        self.identity = identity
    }

    /// Creates an account and signs in to it. The registration holds the Secret Key and the
    /// Recovery Key, which the caller must show the user once (the Emergency Kit).
    public static func register(on server: VaultServer, email: String, password: String) async throws -> (VaultSession, Registration) {
        let registration = try await KeyStretching.run { try Registration(email: email, password: password) }
        try await server.register(registration.request)
        let session = try await logIn(
            to: server, email: email, password: password, secretKey: registration.secretKey, pins: DevicePins(parameters: registration.pin))
        return (session, registration)
    }

    /// Checks the server's parameters against `pins` before deriving anything, then signs in.
    public static func logIn(to server: VaultServer, email: String, password: String, secretKey: SecretKey, pins: DevicePins) async throws -> VaultSession {
        let prelogin = try await server.prelogin(email: email)
        let unlock = try await KeyStretching.run { try Unlock(email: email, password: password, secretKey: secretKey, prelogin: prelogin, pin: pins.parameters) }
        let session = try await server.logIn(email: email, authKey: unlock.authKey)
        return try resume(on: server, unlock: unlock, session: session, pins: pins)
    }

    /// Opens a session the device kept (its token and log-in answer) with the password again,
    /// without a new log-in: the CLI does this for each command.
    public static func resume(on server: VaultServer, unlock: Unlock, session: SessionResponse, pins: DevicePins) throws -> VaultSession {
        let (account, parameters) = try unlock.open(session, pin: pins.parameters)
        var pins = pins
        pins.parameters = parameters
        return VaultSession(server: server, token: session.token, account: account, pins: pins, password: unlock.keys, identity: session.identity)
    }

    /// Every item of the vault, decrypted, after checking the whole vault against its manifest.
    public func items() async throws -> [String: OpenedItem] {
        let (records, _) = try await checkedVault()
        var opened: [String: OpenedItem] = [:]
        for (itemID, record) in records {
            let (json, _) = try account.open(record, itemID: itemID, version: record.version)
            opened[itemID] = OpenedItem(itemID: itemID, version: record.version, contentType: record.contentType, json: Self.unpadded(json))
        }
        return opened
    }

    /// Writes `json` as the next version of `itemID` (a new item when nil); returns its id and
    /// version. A concurrent write by another device is retried once on the newer vault.
    @discardableResult
    public func put(_ itemID: String? = nil, contentType: String = ContentType.plan, json: [UInt8]) async throws -> (itemID: String, version: UInt64) {
        let itemID = itemID ?? Ids.make()
        let version = try await retryingConflicts { try await self.putOnce(itemID, contentType: contentType, json: json) }
        return (itemID, version)
    }

    private func putOnce(_ itemID: String, contentType: String, json: [UInt8]) async throws -> UInt64 {
        let (records, counter) = try await checkedVault()
        // The item keeps its key across versions: a share of it stays valid.
        var key: UnlockedAccount.ItemKey = .fresh()
        if let old = records[itemID] { key = try account.open(old, itemID: itemID, version: old.version).itemKey }
        let version = (records[itemID]?.version ?? 0) + 1
        let record = try account.seal(itemID: itemID, version: version, contentType: contentType, json: json, itemKey: key)
        var next = records
        next[itemID] = record
        try await commit(puts: [record], deletes: [], items: next, counter: counter)
        return version
    }

    /// Deletes an item; the manifest no longer lists it.
    public func delete(_ itemID: String) async throws {
        try await retryingConflicts { try await self.deleteOnce(itemID) }
    }

    private func deleteOnce(_ itemID: String) async throws {
        let (records, counter) = try await checkedVault()
        guard let old = records[itemID] else { throw VaultError.malformed("the vault has no item \(itemID)") }
        var next = records
        next[itemID] = nil
        try await commit(puts: [], deletes: [.init(item_id: itemID, version: old.version)], items: next, counter: counter)
    }

    /// Writes many items in one all-or-nothing commit (an import).
    public func putAll(_ documents: [(contentType: String, json: [UInt8])]) async throws -> [String] {
        let (records, counter) = try await checkedVault()
        var next = records
        var puts: [ItemRecord] = []
        for document in documents {
            let record = try account.seal(itemID: Ids.make(), version: 1, contentType: document.contentType, json: document.json)
            next[record.itemID] = record
            puts.append(record)
        }
        try await commit(puts: puts, deletes: [], items: next, counter: counter)
        return puts.map(\.itemID)
    }

    /// New password and, if given, a new Secret Key; other sessions end.
    public func changePassword(to newPassword: String, secretKey: SecretKey) async throws {
        let (account, current) = (account, try currentParameters())
        let (body, pin) = try await KeyStretching.run { try account.newCredentials(password: newPassword, secretKey: secretKey, current: current) }
        try await server.changePassword(PasswordChangeBody(authKey: password.authKey, new: body), token: token)
        pins.parameters = pin
    }

    /// Replaces the User Key (after a suspected leak of a device); needs the Recovery Key, whose
    /// wrapping is replaced too. Other sessions end; this one goes on with the new key.
    public func rotateUserKey(recoveryKey: RecoveryKey) async throws {
        let (records, counter) = try await checkedVault()
        let rotation = try KeyRotation(
            of: account, password: password, recoveryKey: recoveryKey, identity: identity, items: records, counter: pins.manifest?.counter ?? counter)
        try await server.rotate(rotation.body, token: token)
        account = rotation.account
        identity = rotation.body.identity
        pins.parameters?.userKeyEpoch = rotation.account.userKeyEpoch
        if let manifest = rotation.manifest { pins.manifest = ManifestPin(counter: manifest.counter, digest: Array(SHA256.hash(data: try manifest.encoded()))) }
    }

    public func logOut() async throws {
        try await server.logOut(token: token)
    }

    /// The checked vault: its live items by id and its manifest counter (nil: never written).
    func checkedVault() async throws -> (items: [String: ItemRecord], counter: UInt64?) {
        let vault = try await server.vault(account.vaultID, token: token)
        let (items, pin) = try account.check(vault, pin: pins.manifest)
        pins.manifest = pin
        return (items, vault.manifest?.counter)
    }

    private func commit(puts: [ItemRecord], deletes: [CommitBody.Delete], items: [String: ItemRecord], counter: UInt64?) async throws {
        let base = counter ?? 0
        let entries = try items.values.sorted(by: { $0.itemID < $1.itemID }).map { try $0.manifestEntry() }
        let manifest = Manifest(owner: account.userID, vaultID: account.vaultID, counter: base + 1, entries: entries)
        let body = CommitBody(
            baseCounter: base, puts: puts.map { ItemWrite(record: $0) }, deletes: deletes, manifest: try ManifestBody(manifest, userKey: account.userKey))
        _ = try await server.commit(body, to: account.vaultID, token: token)
        pins.manifest = ManifestPin(counter: manifest.counter, digest: Array(SHA256.hash(data: try manifest.encoded())))
    }

    private func currentParameters() throws -> KDFParameters {
        guard let parameters = pins.parameters?.parameters else { throw VaultError.malformed("this device has no parameters pinned for the account") }
        return parameters
    }

    private func retryingConflicts<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as VaultServerError where error.status == 409 && ["version_conflict", "counter_conflict"].contains(error.code) {
            return try await body()
        }
    }

    static func unpadded(_ json: [UInt8]) -> [UInt8] {
        var end = json.count
        while end > 0, json[end - 1] == UInt8(ascii: " ") { end -= 1 }
        return Array(json[..<end])
    }
}

extension VaultSession {
    /// The vault as the server holds it (envelopes and the MACed manifest), checked: an encrypted
    /// backup that only this account's User Key, at this epoch, opens again.
    public func backup() async throws -> VaultResponse {
        let vault = try await server.vault(account.vaultID, token: token)
        let (_, pin) = try account.check(vault, pin: pins.manifest)
        pins.manifest = pin
        return vault
    }

    /// Adds a backup's items to the vault as new items, after checking the backup against its own
    /// manifest under this account's key. Items of `skipping` content types are left out.
    public func restore(_ backup: VaultResponse, skipping: Set<String> = []) async throws -> [String] {
        let records: [String: ItemRecord]
        do {
            records = try account.check(backup, pin: nil).items
        } catch {
            throw VaultError.integrity(
                "the backup does not verify with this account's keys: another account made it, it was altered, or the User Key was rotated since")
        }
        var documents: [(contentType: String, json: [UInt8])] = []
        for (itemID, record) in records.sorted(by: { $0.key < $1.key }) where !skipping.contains(record.contentType) {
            documents.append((record.contentType, Self.unpadded(try account.open(record, itemID: itemID, version: record.version).json)))
        }
        return try await putAll(documents)
    }
}
