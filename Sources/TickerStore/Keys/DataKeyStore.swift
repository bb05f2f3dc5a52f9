import Foundation

/// A data key as the database holds it: sealed by key-encryption key `kekVersion`, which only the
/// keeper (an HSM) can use. The database alone never yields a data key.
public struct StoredDataKey: Sendable, Hashable {
    /// What the key protects: `user:<id>` or `table:<name>`. Bound into the seal's AAD.
    public var scope: String
    public var kekVersion: Int
    public var nonce: [UInt8]
    public var sealed: [UInt8]

    public init(scope: String, kekVersion: Int, nonce: [UInt8], sealed: [UInt8]) {
        self.scope = scope
        self.kekVersion = kekVersion
        self.nonce = nonce
        self.sealed = sealed
    }
}

/// Where wrapped data keys and the current KEK version live.
///
/// The current version is kept here, not only in the keeper, so that a node that has not yet
/// heard of a rotation cannot store a key under the old KEK after the rotation counted its keys:
/// `insertDataKey` refuses a key sealed by any other version than the current one.
public protocol DataKeyStore: Sendable {
    /// The KEK version new data keys are sealed with; nil before `ticker keys init`.
    func currentKEKVersion() async throws -> Int?

    /// Makes `version` current. Refuses to go back to an older version.
    func setCurrentKEKVersion(_ version: Int, now: Date) async throws

    func dataKey(scope: String) async throws -> StoredDataKey?

    /// Stores `key` unless its scope has one, and returns the scope's key either way (the first
    /// node to store one wins). Throws `StoreError.kekVersionChanged` when `key` is not sealed by
    /// the current KEK version.
    func insertDataKey(_ key: StoredDataKey, now: Date) async throws -> StoredDataKey

    /// Up to `limit` keys sealed by a KEK older than `version`, in scope order.
    func dataKeys(sealedBefore version: Int, limit: Int) async throws -> [StoredDataKey]

    /// Replaces each key's seal, in one transaction, where the row still holds the old seal.
    /// Returns how many rows changed.
    func rewrapDataKeys(_ changes: [(old: StoredDataKey, new: StoredDataKey)], now: Date) async throws -> Int

    /// How many data keys each KEK version seals.
    func dataKeyCounts() async throws -> [Int: Int]
}

public enum DataKeyStoreError: Error, Equatable, CustomStringConvertible {
    /// The key was sealed by another KEK version than the current one (a rotation happened).
    case kekVersionChanged(current: Int?)
    /// `setCurrentKEKVersion` was asked to go back.
    case kekVersionBackwards(current: Int, asked: Int)

    public var description: String {
        switch self {
        case .kekVersionChanged(let current):
            current.map { "the current KEK is v\($0); the data key was sealed by another version" } ?? "no KEK is current yet: run `ticker keys init`"
        case .kekVersionBackwards(let current, let asked): "the current KEK is v\(current); it cannot go back to v\(asked)"
        }
    }
}

enum DataKeySchema {
    private static func tables(bytes: String) -> [String] {
        [
            "CREATE TABLE kek_state (id INTEGER PRIMARY KEY CHECK (id = 1), current_version INTEGER NOT NULL, updated_at BIGINT NOT NULL)",
            """
            CREATE TABLE data_keys (
                scope TEXT PRIMARY KEY,
                kek_version INTEGER NOT NULL,
                nonce \(bytes) NOT NULL,
                sealed \(bytes) NOT NULL,
                created_at BIGINT NOT NULL,
                rewrapped_at BIGINT
            )
            """,
            "CREATE INDEX data_keys_by_kek ON data_keys (kek_version, scope)",
        ]
    }

    static let sqlite = tables(bytes: "BLOB").map { $0 + ";" }.joined(separator: "\n")
    static let postgres = tables(bytes: "bytea")
}
