import Crypto

/// The per-vault list of live items and their versions, MACed under the User Key: what lets a
/// client notice a server that drops, hides, resurrects or rolls back items.
public struct Manifest: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var itemID: String
        public var version: UInt64
        public var digest: [UInt8]

        public init(itemID: String, version: UInt64, digest: [UInt8]) {
            self.itemID = itemID
            self.version = version
            self.digest = digest
        }
    }

    public var owner: String
    public var vaultID: String
    public var counter: UInt64
    public var entries: [Entry]

    public init(owner: String, vaultID: String, counter: UInt64, entries: [Entry]) {
        self.owner = owner
        self.vaultID = vaultID
        self.counter = counter
        self.entries = entries
    }

    /// `"TKM1" ‖ lp(owner) ‖ lp(vault) ‖ u64(counter) ‖ u32(n) ‖ entries by item id bytes`.
    public func encoded() throws -> [UInt8] {
        var w = ByteWriter("TKM1")
        try w.lp(owner)
        try w.lp(vaultID)
        w.u64(counter)
        w.u32(UInt32(entries.count))
        for entry in entries.sorted(by: { Array($0.itemID.utf8).lexicographicallyPrecedes(Array($1.itemID.utf8)) }) {
            try w.lp(entry.itemID)
            w.u64(entry.version)
            guard entry.digest.count == 32 else { throw VaultError.malformed("a manifest digest is 32 bytes") }
            w.raw(entry.digest)
        }
        return w.bytes
    }

    public static func macKey(userKey: SymmetricKey, vaultID: String) -> SymmetricKey {
        SymmetricKey(data: HKDFBytes.derive(userKey, salt: [], info: Label.with("ticker/v1/manifest-mac", Array(vaultID.utf8))))
    }

    public func mac(userKey: SymmetricKey) throws -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: try encoded(), using: Self.macKey(userKey: userKey, vaultID: vaultID)))
    }

    public func verify(mac: [UInt8], userKey: SymmetricKey) throws {
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: try encoded(), using: Self.macKey(userKey: userKey, vaultID: vaultID)) else {
            throw VaultError.integrity("the vault's manifest does not verify: the server altered the list of items")
        }
    }

    /// `SHA256("TKD1" ‖ lp(item_key) ‖ u32(len(content)) ‖ content)`: what the manifest pins
    /// for one item version.
    public static func digest(itemKey: [UInt8], content: [UInt8]) throws -> [UInt8] {
        var w = ByteWriter("TKD1")
        try w.lp(itemKey)
        w.u32(UInt32(content.count))
        w.raw(content)
        return Array(SHA256.hash(data: w.bytes))
    }
}
