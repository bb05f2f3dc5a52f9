import Foundation
import TickerStore

/// Makes API tokens: what `ticker admin create-token` and `POST /tokens` share.
public struct TokenIssuer: Sendable {
    let store: any APITokenStore

    public init(store: any APITokenStore) {
        self.store = store
    }

    /// Stores a new token and returns its secret, which exists nowhere else afterwards.
    public func issue(name: String, role: Role, now: Date) async throws -> (APIToken, TokenSecret) {
        let secret = TokenSecret.generate()
        let token = try await store.createToken(name: name, role: role, secretHash: secret.hash, now: now)
        return (token, secret)
    }
}
