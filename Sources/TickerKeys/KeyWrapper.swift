/// Keeps key-encryption keys (KEKs) and seals data keys with them. A KEK never leaves its keeper:
/// callers hand it a data key and get back a `WrappedKey`, or the reverse.
///
/// KEKs are numbered; `ticker keys rotate` makes version N+1 and re-wraps every data key with it,
/// then destroys the older ones. Two keepers exist: `PKCS11KeyWrapper` (an HSM, or SoftHSM2 in
/// tests) and `FileKeyWrapper` (a key file, for development only).
public protocol KeyWrapper: Sendable {
    /// Where the KEKs live, for logs and `ticker keys status`; never a secret.
    var location: String { get }

    /// Whether this keeper is fit for production (false for a key file on the server's disk).
    var isHardwareBacked: Bool { get }

    /// The KEK versions the keeper holds, ascending.
    func versions() async throws -> [Int]

    /// Makes KEK `version`, unless it exists: a rotation interrupted after this step finds it and
    /// goes on.
    func create(version: Int) async throws

    /// Destroys KEK `version`. Whatever it alone sealed can never be opened again.
    func destroy(version: Int) async throws

    /// Seals `key` (AES-GCM, a fresh 96-bit nonce, 128-bit tag) with KEK `version`, binding `aad`.
    func wrap(_ key: [UInt8], aad: [UInt8], version: Int) async throws -> WrappedKey

    /// Opens a wrapped key; throws `KeyWrapperError.integrity` when the key, its AAD or its KEK
    /// version was altered.
    func unwrap(_ key: WrappedKey, aad: [UInt8]) async throws -> [UInt8]

    /// What an operator checks about a KEK: that it cannot be read out of its keeper.
    func facts(version: Int) async throws -> KEKFacts
}

/// A data key sealed by a KEK.
public struct WrappedKey: Sendable, Hashable {
    /// The KEK version that sealed it.
    public var kekVersion: Int
    /// The 12-byte AES-GCM nonce.
    public var nonce: [UInt8]
    /// The ciphertext followed by the 16-byte tag.
    public var sealed: [UInt8]

    public init(kekVersion: Int, nonce: [UInt8], sealed: [UInt8]) {
        self.kekVersion = kekVersion
        self.nonce = nonce
        self.sealed = sealed
    }
}

/// What `ticker keys status` shows about one KEK.
public struct KEKFacts: Sendable, Hashable, Codable {
    public var version: Int
    public var label: String
    /// False when the key's value can be read out of its keeper (always true of a key file).
    public var extractable: Bool
    public var sensitive: Bool
    public var canWrap: Bool

    public init(version: Int, label: String, extractable: Bool, sensitive: Bool, canWrap: Bool) {
        self.version = version
        self.label = label
        self.extractable = extractable
        self.sensitive = sensitive
        self.canWrap = canWrap
    }
}

/// Bytes both keepers bind to a wrapped data key, so a wrapped key copied onto another owner's row,
/// or relabelled with another KEK version, no longer opens (vault protocol, section 8).
public enum DataKeyAAD {
    /// `TKS1|dek|<scope>|kek:<N>`, where scope is `user:<id>` or `table:<name>`.
    public static func bytes(scope: String, kekVersion: Int) -> [UInt8] {
        Array("TKS1|dek|\(scope)|kek:\(kekVersion)".utf8)
    }
}
