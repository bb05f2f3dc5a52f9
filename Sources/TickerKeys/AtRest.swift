import Crypto
import Foundation
import TickerVaultFormat

/// Seals what the server stores with its own data keys, on top of whatever the client sealed
/// (vault protocol, section 8): a purpose-0x10 envelope whose AAD names the row, so a blob copied
/// to another row or another owner no longer opens. This protects a stolen disk or backup, since
/// the data keys are themselves sealed by a KEK that stays in the HSM.
public struct AtRest: Sendable {
    public let keys: DataKeys
    /// The envelope's key id: data keys are never replaced (only their KEK is), so it stays 1.
    public static let kid: UInt32 = 1

    public init(keys: DataKeys) {
        self.keys = keys
    }

    public func seal(_ plaintext: [UInt8], scope: String, context: EnvelopeContext) async throws -> [UInt8] {
        try Envelope.seal(plaintext, key: try await keys.key(for: scope), kid: Self.kid, context: context)
    }

    public func open(_ envelope: [UInt8], scope: String, context: EnvelopeContext) async throws -> [UInt8] {
        try Envelope.open(envelope, key: try await keys.key(for: scope), context: context)
    }
}
