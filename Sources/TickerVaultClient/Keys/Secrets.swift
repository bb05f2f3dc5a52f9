import Crypto
import Foundation

/// The Account Secret Key: 16 random bytes on every device of the user and in the Emergency Kit,
/// never sent. It makes the password-derived keys unguessable from a stolen database alone.
public struct SecretKey: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 16 else { throw VaultError.malformed("a Secret Key is 16 bytes") }
        self.bytes = bytes
    }

    public static func random() -> SecretKey { try! SecretKey(bytes: RandomBytes.make(16)) }

    /// `TK1-` and 26 characters grouped 6-5-5-5-5.
    public var text: String { "TK1-" + Crockford.grouped(Crockford.encode(bytes), sizes: [6, 5]) }

    public init(text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.uppercased().hasPrefix("TK1-") else { throw VaultError.malformed("a Secret Key starts with TK1-") }
        try self.init(bytes: Crockford.decode(String(trimmed.dropFirst(4)), byteCount: 16, what: "the Secret Key"))
    }
}

/// The Recovery Key: 32 random bytes the user keeps offline; it unwraps the User Key when the
/// password or the Secret Key is lost.
public struct RecoveryKey: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw VaultError.malformed("a Recovery Key is 32 bytes") }
        self.bytes = bytes
    }

    public static func random() -> RecoveryKey { try! RecoveryKey(bytes: RandomBytes.make(32)) }

    /// `TKR1-` and 52 characters in groups of 4.
    public var text: String { "TKR1-" + Crockford.grouped(Crockford.encode(bytes), sizes: [4]) }

    public init(text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.uppercased().hasPrefix("TKR1-") else { throw VaultError.malformed("a Recovery Key starts with TKR1-") }
        try self.init(bytes: Crockford.decode(String(trimmed.dropFirst(5)), byteCount: 32, what: "the Recovery Key"))
    }
}
