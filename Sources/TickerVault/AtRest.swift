import Crypto
import Foundation
import TickerKeys
import TickerStore
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

extension AtRest {
    /// The prelogin secret every node shares, stored sealed in `vault_server_secrets`. The first
    /// node to start stores one; the others read it.
    public func serverSecret(named name: String, store: any VaultStore, now: Date) async throws -> SymmetricKey {
        let scope = "table:vault_server_secrets"
        let context = EnvelopeContext(purpose: .serverAtRest, owner: "", vault: "", objectID: name, version: 1, extra: "vault_server_secrets.value")
        let proposed = try await seal(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }, scope: scope, context: context)
        let stored = try await store.serverSecret(named: name, proposed: proposed, now: now)
        // Stored in clear by a version before at-rest sealing: still the deployment's secret.
        if stored.count == 32 { return SymmetricKey(data: stored) }
        return SymmetricKey(data: try await open(stored, scope: scope, context: context))
    }
}
