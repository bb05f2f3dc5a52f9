import Crypto
import Foundation
import _CryptoExtras

/// Keys derived from the password and the Secret Key: `auth_key` proves the password to the
/// server (which keeps only a hash of it), `wrapKey` wraps the User Key and never leaves the
/// device.
public struct PasswordKeys: Sendable {
    public let salt: [UInt8]
    public let authKey: [UInt8]
    public let wrapKey: SymmetricKey

    /// Derives after checking the parameters: against the floor and ceiling here, and against
    /// their MAC and this device's pin by the caller (`ParametersCheck`), before this is called.
    public init(password: String, email: String, secretKey: SecretKey, parameters: KDFParameters) throws {
        try parameters.checkSafe()
        let params = try parameters.canonicalBytes()
        salt = try Self.salt(email: email, seed: parameters.seed)
        let stretched = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.precomposedStringWithCompatibilityMapping.utf8), salt: salt, using: .sha256, outputByteCount: 32,
            rounds: parameters.iterations)
        let skKey = Self.secretKeyKey(secretKey, salt: salt)
        authKey = HKDFBytes.derive(stretched, salt: skKey, info: Label.with("ticker/v1/auth", params))
        wrapKey = SymmetricKey(data: HKDFBytes.derive(stretched, salt: skKey, info: Label.with("ticker/v1/wrap", params)))
    }

    /// `SHA256("TKSALT1" ‖ lp(canonical e-mail) ‖ lp(seed))`: mixing in the e-mail keeps a server
    /// from handing many users one salt.
    public static func salt(email: String, seed: [UInt8]) throws -> [UInt8] {
        var w = ByteWriter("TKSALT1")
        try w.lp(EmailAddress.canonical(email))
        try w.lp(seed)
        return Array(SHA256.hash(data: w.bytes))
    }

    static func secretKeyKey(_ secretKey: SecretKey, salt: [UInt8]) -> [UInt8] {
        HKDFBytes.derive(SymmetricKey(data: secretKey.bytes), salt: salt, info: Array("ticker/v1/secret-key".utf8))
    }

}

/// The MAC over an account's key-derivation parameters. It is keyed by the Secret Key alone (no
/// password), so the server, which never has the Secret Key, cannot forge parameters, while a
/// stolen device cannot use it to test password guesses offline.
public enum ParametersMAC {
    public static func key(secretKey: SecretKey, email: String, parameters: KDFParameters) throws -> SymmetricKey {
        let salt = try PasswordKeys.salt(email: email, seed: parameters.seed)
        return SymmetricKey(
            data: HKDFBytes.derive(SymmetricKey(data: secretKey.bytes), salt: salt, info: Label.with("ticker/v1/params-mac", try parameters.canonicalBytes())))
    }

    public static func mac(secretKey: SecretKey, email: String, userID: String, parameters: KDFParameters) throws -> [UInt8] {
        var w = ByteWriter("TKPMAC1")
        try w.lp(userID)
        w.raw(try parameters.canonicalBytes())
        return Array(HMAC<SHA256>.authenticationCode(for: w.bytes, using: try key(secretKey: secretKey, email: email, parameters: parameters)))
    }

    /// Checks the MAC the server returned, in constant time, before any password work is done.
    public static func verify(_ presented: [UInt8], secretKey: SecretKey, email: String, userID: String, parameters: KDFParameters) throws {
        try parameters.checkSafe()
        var w = ByteWriter("TKPMAC1")
        try w.lp(userID)
        w.raw(try parameters.canonicalBytes())
        guard HMAC<SHA256>.isValidAuthenticationCode(presented, authenticating: w.bytes, using: try key(secretKey: secretKey, email: email, parameters: parameters)) else {
            throw VaultError.unsafeParameters("the server presented unauthenticated key-derivation parameters (or the Secret Key is wrong)")
        }
    }
}

/// Keys derived from the Recovery Key.
public struct RecoveryKeys: Sendable {
    public let authKey: [UInt8]
    public let wrapKey: SymmetricKey

    public init(recoveryKey: RecoveryKey, userID: String) throws {
        var w = ByteWriter("TKRSALT1")
        try w.lp(userID)
        let salt = Array(SHA256.hash(data: w.bytes))
        let key = SymmetricKey(data: recoveryKey.bytes)
        wrapKey = SymmetricKey(data: HKDFBytes.derive(key, salt: salt, info: Array("ticker/v1/recovery-wrap".utf8)))
        authKey = HKDFBytes.derive(key, salt: salt, info: Array("ticker/v1/recovery-auth".utf8))
    }
}

/// HKDF-SHA256 to 32 bytes (extract, then expand).
enum HKDFBytes {
    static func derive(_ key: SymmetricKey, salt: [UInt8], info: [UInt8], count: Int = 32) -> [UInt8] {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: salt, info: info, outputByteCount: count).withUnsafeBytes { Array($0) }
    }

    static func derive(_ key: [UInt8], salt: [UInt8], info: [UInt8], count: Int = 32) -> [UInt8] {
        derive(SymmetricKey(data: key), salt: salt, info: info, count: count)
    }
}

enum Label {
    /// `label ‖ 0x00 ‖ suffix`.
    static func with(_ label: String, _ suffix: some Sequence<UInt8>) -> [UInt8] {
        Array(label.utf8) + [0] + suffix
    }
}
