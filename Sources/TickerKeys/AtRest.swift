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
        try await key(for: scope).seal(plaintext, context: context)
    }

    public func open(_ envelope: [UInt8], scope: String, context: EnvelopeContext) async throws -> [UInt8] {
        try await key(for: scope).open(envelope, context: context)
    }

    /// The data key of `scope`, for an operation that seals or opens several blobs of it.
    public func key(for scope: String) async throws -> ScopeKey {
        ScopeKey(key: try await keys.key(for: scope))
    }

    /// One scope's data key, sealing and opening without further look-ups.
    public struct ScopeKey: Sendable {
        let key: SymmetricKey

        public func seal(_ plaintext: [UInt8], context: EnvelopeContext) throws -> [UInt8] {
            try Envelope.seal(plaintext, key: key, kid: AtRest.kid, context: context)
        }

        public func open(_ envelope: [UInt8], context: EnvelopeContext) throws -> [UInt8] {
            try Envelope.open(envelope, key: key, context: context)
        }
    }
}
