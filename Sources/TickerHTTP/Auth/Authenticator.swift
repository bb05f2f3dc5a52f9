import Foundation
import Synchronization
import TickerAudit
import TickerStore

/// Checks bearer tokens against the token store.
///
/// Tokens are cached by hash for a few seconds, so a busy client costs one SHA-256, not one query,
/// per request; a revocation made through another process takes effect within `cacheLifetime`
/// (through this one, at once). `last_used_at` is written at most once a minute per token.
public final class Authenticator: Sendable {
    private struct Entry {
        var token: APIToken
        var fetchedAt: Date
    }

    let store: any APITokenStore
    let cacheLifetime: TimeInterval
    private let cache = Mutex<[[UInt8]: Entry]>([:])
    private let touched = Mutex<[Int64: Date]>([:])

    let audit: AuditLog?

    /// With `audit`, a token's use is written to the audit log when `last_used_at` is.
    public init(store: any APITokenStore, cacheLifetime: TimeInterval = 5, audit: AuditLog? = nil) {
        self.store = store
        self.cacheLifetime = cacheLifetime
        self.audit = audit
    }

    /// The token a bearer string names, or a 401 problem saying why not.
    public func authenticate(bearer: String, now: Date = Date()) async throws -> APIToken {
        guard let secret = TokenSecret(parsing: bearer) else {
            throw Problem(kind: .unauthorized, detail: "the bearer value is not a Ticker API token (tkr_…)")
        }
        guard let token = try await token(hash: secret.hash, now: now) else {
            throw Problem(kind: .unauthorized, detail: "unknown token")
        }
        guard token.revokedAt == nil else { throw Problem(kind: .unauthorized, detail: "this token was revoked") }
        touchIfDue(token, now: now)
        return token
    }

    /// Forgets a token at once (after a revocation through this process).
    public func forget(_ id: Int64) {
        cache.withLock { cache in cache = cache.filter { $0.value.token.id != id } }
    }

    private func token(hash: [UInt8], now: Date) async throws -> APIToken? {
        if let hit = cache.withLock({ $0[hash] }), now.timeIntervalSince(hit.fetchedAt) < cacheLifetime { return hit.token }
        guard let token = try await store.token(secretHash: hash) else { return nil }
        cache.withLock { cache in
            // A bound on memory if many distinct valid tokens are used within one lifetime.
            if cache.count > 10_000 { cache.removeAll() }
            cache[hash] = Entry(token: token, fetchedAt: now)
        }
        return token
    }

    private func touchIfDue(_ token: APIToken, now: Date) {
        let due = touched.withLock { touched -> Bool in
            let last = touched[token.id] ?? token.lastUsedAt ?? .distantPast
            guard now.timeIntervalSince(last) >= 60 else { return false }
            touched[token.id] = now
            return true
        }
        guard due else { return }
        let store = self.store
        Task { try? await store.touchToken(token.id, now: now) }
        if let audit {
            let event = AuditEvent(
                actor: "token:\(token.id)", action: APIAuditActions.used, target: "token:\(token.id)", outcome: .ok,
                source: AuditNote.current?.source ?? "unknown")
            Task { await audit.record(event) }
        }
    }
}
