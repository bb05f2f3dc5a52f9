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
        return VaultManifestRecord(counter: counter, body: json)
    }

    /// The JSON the store keeps: keys sorted, no spaces; the same bytes `JSONEncoder` writes with
    /// `.sortedKeys`. Written by hand because every write to a vault stores one, and only once the
    /// checks above have passed: every string is then a UUID or base64url, with nothing to escape.
    var json: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + entries.count * 110)
        out += #"{"counter":"#.utf8
        out += String(counter).utf8
        out += #","entries":["#.utf8
        for (index, entry) in entries.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += #"{"digest":""#.utf8
            out += entry.digest.utf8
            out += #"","item_id":""#.utf8
            out += entry.item_id.utf8
            out += #"","version":"#.utf8
            out += String(entry.version).utf8
            out.append(UInt8(ascii: "}"))
        }
        out += #"],"mac":""#.utf8
        out += mac.utf8
        out += #""}"#.utf8
        return out
    }
}
