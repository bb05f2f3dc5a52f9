import Crypto
import Foundation
import TickerKeys
import TickerStore
import TickerVaultFormat

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
