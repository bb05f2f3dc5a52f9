import Crypto

/// An item as the server stores it: two envelopes and the ids that name them.
public struct ItemRecord: Sendable, Codable, Equatable {
    public var itemID: String
    public var vaultID: String
    public var version: UInt64
    /// In clear, and bound into the content's AAD: changing it breaks decryption.
    public var contentType: String
    /// The item key wrapped under the User Key (purpose 0x02).
    @B64 public var itemKey: [UInt8]
    /// The padded JSON encrypted under the item key (purpose 0x01).
    @B64 public var content: [UInt8]

    public init(itemID: String, vaultID: String, version: UInt64, contentType: String, itemKey: [UInt8], content: [UInt8]) {
        self.itemID = itemID
        self.vaultID = vaultID
        self.version = version
        self.contentType = contentType
        self.itemKey = itemKey
        self.content = content
    }

    enum CodingKeys: String, CodingKey {
        case version, content
        case itemID = "item_id"
        case vaultID = "vault_id"
        case contentType = "content_type"
        case itemKey = "item_key"
    }

    /// The manifest entry that pins this version of the item.
    public func manifestEntry() throws -> Manifest.Entry {
        Manifest.Entry(itemID: itemID, version: version, digest: try Manifest.digest(itemKey: itemKey, content: content))
    }
}

/// The plans' content types.
public enum ContentType {
    public static let plan = "application/vnd.ticker.plan+json"
    public static let contacts = "application/vnd.ticker.contacts+json"
}

extension UnlockedAccount {
    /// An item's key and its generation (the content envelope's `kid`).
    public struct ItemKey: Sendable {
        public let key: SymmetricKey
        public let generation: UInt32

        public static func fresh() -> ItemKey { ItemKey(key: SymmetricKey(size: .bits256), generation: 1) }
    }

    /// Encrypts `json` as `version` of the item. The JSON is padded with spaces to a multiple of
    /// 256 bytes, so that the server learns only a size bucket.
    public func seal(itemID: String, version: UInt64, contentType: String, json: [UInt8], itemKey: ItemKey = .fresh()) throws -> ItemRecord {
        let keyBytes = itemKey.key.withUnsafeBytes { Array($0) }
        let wrappedKey = try Envelope.seal(keyBytes, key: userKey, kid: userKeyEpoch, context: itemKeyContext(itemID, generation: itemKey.generation))
        let padded = json + Array(repeating: UInt8(ascii: " "), count: (256 - json.count % 256) % 256)
        let content = try Envelope.seal(
            padded, key: itemKey.key, kid: itemKey.generation, context: contentContext(itemID, version: version, contentType: contentType))
        return ItemRecord(itemID: itemID, vaultID: vaultID, version: version, contentType: contentType, itemKey: wrappedKey, content: content)
    }

    /// Decrypts an item of this account's vault that must be `version` of `itemID` (what the
    /// manifest says), whatever the record claims. Returns the JSON (with its padding) and the key.
    public func open(_ record: ItemRecord, itemID: String, version: UInt64) throws -> (json: [UInt8], itemKey: ItemKey) {
        let generation = try Envelope.kid(of: record.content)
        let keyBytes = try Envelope.open(record.itemKey, key: userKey, context: itemKeyContext(itemID, generation: generation))
        let key = SymmetricKey(data: keyBytes)
        let json = try Envelope.open(record.content, key: key, context: contentContext(itemID, version: version, contentType: record.contentType))
        return (json, ItemKey(key: key, generation: generation))
    }

    func itemKeyContext(_ itemID: String, generation: UInt32) -> EnvelopeContext {
        EnvelopeContext(purpose: .itemKey, owner: userID, vault: vaultID, objectID: itemID, version: UInt64(generation))
    }

    private func contentContext(_ itemID: String, version: UInt64, contentType: String) -> EnvelopeContext {
        EnvelopeContext(purpose: .itemContent, owner: userID, vault: vaultID, objectID: itemID, version: version, extra: contentType)
    }
}
