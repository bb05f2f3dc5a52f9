import Foundation
import Synchronization

/// Limits how often one key (an account, an address) may try something expensive or
/// guessable: prelogin, log-in, recovery. Each key has a bucket of `burst` tries that refills
/// at `perSecond`; failures also double a waiting time (up to `maxBackoff`) that only a success
/// clears, so guessing gets slower and slower while normal use never notices.
///
/// Memory is bounded: past `maxKeys` keys, the least recently seen are forgotten (a forgotten
/// key starts with a full bucket, which is the lenient direction).
public final class RateLimiter: Sendable {
    public enum Decision: Equatable, Sendable {
        case allowed
        /// Try again after this many seconds (for a `Retry-After` header).
        case limited(retryAfter: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: Double
        var failures = 0
        var blockedUntil: Double = 0
    }

    private let burst: Double
    private let perSecond: Double
    private let maxBackoff: Double
    private let maxKeys: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(burst: Int, perSecond: Double, maxBackoff: Duration = .seconds(900), maxKeys: Int = 100_000) {
        self.burst = Double(burst)
        self.perSecond = perSecond
        self.maxBackoff = Double(maxBackoff.components.seconds)
        self.maxKeys = maxKeys
    }

    /// Takes one try for `key` at `now` (seconds on any monotonic scale), if it may have one.
    public func attempt(_ key: String, now: Double) -> Decision {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * perSecond)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                if buckets.count > maxKeys { Self.forgetOldest(&buckets, keeping: maxKeys) }
            }
            if now < bucket.blockedUntil { return .limited(retryAfter: Int((bucket.blockedUntil - now).rounded(.up))) }
            guard bucket.tokens >= 1 else { return .limited(retryAfter: Int(((1 - bucket.tokens) / perSecond).rounded(.up))) }
            bucket.tokens -= 1
            return .allowed
        }
    }

    /// Records the outcome of an allowed try: a failure doubles the wait before the next one
    /// (1 s, 2 s, 4 s, ...), a success clears it.
    public func record(_ key: String, succeeded: Bool, now: Double) {
        buckets.withLock { buckets in
            guard var bucket = buckets[key] else { return }
            if succeeded {
                bucket.failures = 0
                bucket.blockedUntil = 0
            } else {
                bucket.failures += 1
                bucket.blockedUntil = now + min(maxBackoff, pow(2, Double(bucket.failures - 1)))
            }
            buckets[key] = bucket
        }
    }

    private static func forgetOldest(_ buckets: inout [String: Bucket], keeping limit: Int) {
        let excess = buckets.count - limit * 9 / 10
        for (key, _) in buckets.sorted(by: { $0.value.updated < $1.value.updated }).prefix(excess) { buckets[key] = nil }
    }
}
