import Foundation
import TickerStore
import TickerVaultFormat

/// A vault's manifest as a client sent it. The server cannot check its MAC (only the owner's keys
/// make one); it checks the shape, so that every client reading it back finds what the protocol
/// promises, and stores it as JSON.
public struct ManifestInput: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        public var item_id: String
        public var version: Int64
        public var digest: String

        public init(itemID: String, version: Int64, digest: String) {
            item_id = itemID
            self.version = version
            self.digest = digest
        }
    }

    public var counter: Int64
    public var entries: [Entry]
    public var mac: String

    public init(counter: Int64, entries: [Entry], mac: String) {
        self.counter = counter
        self.entries = entries
        self.mac = mac
    }

    /// A manifest in JSON, as stored or as a non-HTTP caller holds it.
    public init(json: [UInt8], field: String) throws {
        guard let manifest = try? JSONDecoder().decode(ManifestInput.self, from: Data(json)) else {
            throw VaultInputError(field, "must be {counter, entries: [{item_id, version, digest}], mac}")
        }
        self = manifest
    }

    /// The record the store keeps, once the shape is checked.
    public func record(field: String) throws -> VaultManifestRecord {
        guard counter >= 1 else { throw VaultInputError(field + ".counter", "must be 1 or more") }
        guard entries.count <= VaultItems.maxManifestEntries else {
            throw VaultInputError(field + ".entries", "has more than \(VaultItems.maxManifestEntries) items")
        }
        guard (try? Base64URL.decode(mac).count) == 32 else { throw VaultInputError(field + ".mac", "must be 32 bytes of base64url") }
        for (index, entry) in entries.enumerated() {
            try VaultInput.uuid(entry.item_id, field: "\(field).entries[\(index)].item_id")
            guard (try? Base64URL.decode(entry.digest).count) == 32 else { throw VaultInputError("\(field).entries[\(index)].digest", "must be 32 bytes") }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return VaultManifestRecord(counter: counter, body: Array(try encoder.encode(self)))
    }
}
