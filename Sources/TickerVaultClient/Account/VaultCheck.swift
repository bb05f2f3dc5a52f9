import Crypto
import Foundation

/// A manifest as JSON: `{"counter", "entries": [{"item_id", "version", "digest"}], "mac"}`.
public struct ManifestBody: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var itemID: String
        public var version: UInt64
        @B64 public var digest: [UInt8]

        enum CodingKeys: String, CodingKey {
            case version, digest
            case itemID = "item_id"
        }
    }

    public var counter: UInt64
    public var entries: [Entry]
    @B64 public var mac: [UInt8]

    /// The signed form of `manifest`.
    public init(_ manifest: Manifest, userKey: SymmetricKey) throws {
        counter = manifest.counter
        entries = manifest.entries.map { Entry(itemID: $0.itemID, version: $0.version, digest: $0.digest) }
        mac = try manifest.mac(userKey: userKey)
    }

    func manifest(owner: String, vaultID: String) -> Manifest {
        Manifest(owner: owner, vaultID: vaultID, counter: counter, entries: entries.map { .init(itemID: $0.itemID, version: $0.version, digest: $0.digest) })
    }
}

/// What `GET /v1/vaults/{id}` returns.
public struct VaultResponse: Sendable, Codable, Equatable {
    public var manifest: ManifestBody?
    public var items: [ItemRecord]

    public init(manifest: ManifestBody?, items: [ItemRecord]) {
        self.manifest = manifest
        self.items = items
    }
}

/// What a device remembers of a vault's manifest: the highest counter it accepted, and a hash
/// of that manifest, so that a different manifest under the same counter is caught too.
public struct ManifestPin: Sendable, Codable, Equatable {
    public var counter: UInt64
    public var digest: [UInt8]
}

extension UnlockedAccount {
    /// Checks a vault as the server returned it against this device's knowledge: the manifest's
    /// MAC (only this user's keys make one), its counter against `pin` (no rollback), and that the
    /// items are exactly the manifest's, at its versions and digests (none hidden, dropped,
    /// resurrected or swapped). Returns the items by id and the pin to store next.
    public func check(_ vault: VaultResponse, pin: ManifestPin?) throws -> (items: [String: ItemRecord], pin: ManifestPin?) {
        guard let body = vault.manifest else {
            guard pin == nil else { throw VaultError.integrity("the server returned no manifest for a vault this device has seen written") }
            guard vault.items.isEmpty else { throw VaultError.integrity("the server returned items without a manifest") }
            return ([:], nil)
        }
        let manifest = body.manifest(owner: userID, vaultID: vaultID)
        try manifest.verify(mac: body.mac, userKey: userKey)
        let digest = Array(SHA256.hash(data: try manifest.encoded()))
        if let pin {
            guard manifest.counter >= pin.counter else {
                throw VaultError.integrity("the server returned an older manifest (counter \(manifest.counter) < \(pin.counter)): a rollback")
            }
            guard manifest.counter > pin.counter || digest == pin.digest else {
                throw VaultError.integrity("the server returned a different manifest under counter \(manifest.counter)")
            }
        }
        var expected = Dictionary(manifest.entries.map { ($0.itemID, $0) }, uniquingKeysWith: { first, _ in first })
        guard expected.count == manifest.entries.count else { throw VaultError.integrity("the manifest lists an item twice") }
        var items: [String: ItemRecord] = [:]
        for item in vault.items {
            guard let entry = expected.removeValue(forKey: item.itemID) else {
                throw VaultError.integrity("the server returned item \(item.itemID), which the manifest does not list (deleted or injected)")
            }
            guard item.vaultID == vaultID, item.version == entry.version, try Manifest.digest(itemKey: item.itemKey, content: item.content) == entry.digest else {
                throw VaultError.integrity("item \(item.itemID) is not the version the manifest names (an old or altered copy)")
            }
            items[item.itemID] = item
        }
        if let missing = expected.keys.sorted().first {
            throw VaultError.integrity("the server withheld item \(missing), which the manifest lists")
        }
        return (items, ManifestPin(counter: manifest.counter, digest: digest))
    }
}
