import Foundation
import TickerVault

/// How often the guessable or costly operations may be tried: per client address (to slow a
/// sweep over many accounts) and per account (to slow guessing one), with a doubling wait after
/// each failure on the account.
///
/// The state is kept in memory on each node: with N nodes behind a balancer, a client gets at
/// most N times these rates, which still turns guessing a 128-bit Secret Key into nothing.
public struct VaultRateLimits: Sendable {
    public struct Rule: Sendable {
        public var burst: Int
        public var perSecond: Double

        public init(burst: Int, perSecond: Double) {
            self.burst = burst
            self.perSecond = perSecond
        }
    }

    public var perAddress = Rule(burst: 60, perSecond: 2)
    public var prelogin = Rule(burst: 20, perSecond: 1.0 / 6)
    public var logIn = Rule(burst: 10, perSecond: 1.0 / 6)
    /// Recovery proves the Recovery Key, the one credential without a Secret Key beside it.
    public var recovery = Rule(burst: 5, perSecond: 1.0 / 300)
    /// Password changes and key rotations check `auth_key` with a session in hand.
    public var credentials = Rule(burst: 10, perSecond: 1.0 / 60)
    public var lookup = Rule(burst: 60, perSecond: 1)

    public init() {}
}

/// The limiters of one server, by operation.
final class VaultLimiters: Sendable {
    enum Operation: String, Sendable {
        case register, prelogin, logIn, recovery, credentials, lookup
    }

    private let perAddress: RateLimiter
    private let byOperation: [Operation: RateLimiter]
    private let start = ContinuousClock.now

    init(_ limits: VaultRateLimits) {
        func limiter(_ rule: VaultRateLimits.Rule) -> RateLimiter { RateLimiter(burst: rule.burst, perSecond: rule.perSecond) }
        perAddress = limiter(limits.perAddress)
        byOperation = [
            .register: limiter(limits.prelogin), .prelogin: limiter(limits.prelogin), .logIn: limiter(limits.logIn),
            .recovery: limiter(limits.recovery), .credentials: limiter(limits.credentials), .lookup: limiter(limits.lookup),
        ]
    }

    private var now: Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Takes a try for the caller's address and for `subject` (an e-mail or an account id), or
    /// throws a 429 that says when to come back.
    func take(_ operation: Operation, subject: String, address: String) throws {
        let now = now
        if case .limited(let wait) = perAddress.attempt("\(operation.rawValue) \(address)", now: now) {
            throw VaultFailure.tooManyRequests(retryAfter: max(1, wait), "requests from this address")
        }
        if case .limited(let wait) = byOperation[operation]?.attempt(subject, now: now) {
            throw VaultFailure.tooManyRequests(retryAfter: max(1, wait), "tries for this account")
        }
    }

    /// A failure makes the subject wait (1 s, 2 s, 4 s, ... up to 15 min); a success clears it.
    func record(_ operation: Operation, subject: String, succeeded: Bool) {
        byOperation[operation]?.record(subject, succeeded: succeeded, now: now)
    }

    /// Runs `body` as one try of `operation`, recording whether its credentials were good.
    func attempt<T>(_ operation: Operation, subject: String, address: String, _ body: () async throws -> T) async throws -> T {
        try take(operation, subject: subject, address: address)
        do {
            let result = try await body()
            record(operation, subject: subject, succeeded: true)
            return result
        } catch VaultAuthError.badCredentials {
            record(operation, subject: subject, succeeded: false)
            throw VaultAuthError.badCredentials
        }
    }
}
