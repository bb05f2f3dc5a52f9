import Crypto
import Foundation

/// The bearer string of an API token: `tkr_` and 32 random bytes in base64url.
///
/// Only the SHA-256 of the whole string is stored, and the token is found by that hash. A fast
/// hash suffices because the secret has 256 bits of entropy: there is nothing to guess, unlike a
/// password, so a slow KDF would only cost every request. The prefix makes leaked tokens easy to
/// recognize for secret scanners and people.
public struct TokenSecret: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    static let prefix = "tkr_"

    public static func generate() -> TokenSecret {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        return TokenSecret(text: prefix + Data(bytes).base64URLEncoded)
    }

    /// Parses a presented bearer string; nil when it cannot be a Ticker token.
    public init?(parsing text: String) {
        guard text.hasPrefix(Self.prefix), text.utf8.count == Self.prefix.utf8.count + 43,
            text.utf8.dropFirst(Self.prefix.utf8.count).allSatisfy(Self.isBase64URL)
        else { return nil }
        self.text = text
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    private init(text: String) {
        self.text = text
    }

    /// What the store keeps and looks tokens up by.
    public var hash: [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    /// Never the secret itself: descriptions end up in logs.
    public var description: String { "tkr_…" }
}

extension Data {
    var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
