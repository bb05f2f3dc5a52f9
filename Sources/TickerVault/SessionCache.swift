import Foundation
import Synchronization
import TickerStore

/// Remembers, for a second, which account a session token belongs to, so that a burst of
/// requests with one token costs one database read instead of one each.
///
/// What this node ends (a log-out, a password change, a key rotation, a recovery) is forgotten
/// at once. What another node ends is honoured here for at most `lifetime`: a revoked token works
/// for up to a second longer on the other nodes. Nothing that protects data depends on the
/// cached account being current: the User Key epoch of a write is checked again inside the
/// commit's transaction.
final class SessionCache: Sendable {
    private struct Entry {
        var account: VaultAccountRecord
        var kind: VaultSessionRecord.Kind
        var until: Date
    }

    private let entries = Mutex<[[UInt8]: Entry]>([:])
    private let lifetime: TimeInterval
    private let capacity: Int

    init(lifetime: TimeInterval = 1, capacity: Int = 50_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func account(tokenHash: [UInt8], kind: VaultSessionRecord.Kind, now: Date) -> VaultAccountRecord? {
        entries.withLock { entries in
            guard let entry = entries[tokenHash], entry.kind == kind, entry.until > now else { return nil }
            return entry.account
        }
    }

    func remember(_ account: VaultAccountRecord, tokenHash: [UInt8], kind: VaultSessionRecord.Kind, now: Date) {
        guard lifetime > 0 else { return }
        entries.withLock { entries in
            // Past capacity, the expired entries go; if that is not enough, all of them.
            if entries.count >= capacity { entries = entries.filter { $0.value.until > now } }
            if entries.count >= capacity { entries.removeAll() }
            entries[tokenHash] = Entry(account: account, kind: kind, until: now.addingTimeInterval(lifetime))
        }
    }

    func forget(tokenHash: [UInt8]) {
        _ = entries.withLock { $0.removeValue(forKey: tokenHash) }
    }

    func forget(userID: String) {
        entries.withLock { entries in entries = entries.filter { $0.value.account.userID != userID } }
    }
}
