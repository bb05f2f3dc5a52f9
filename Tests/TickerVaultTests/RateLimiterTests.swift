import Testing
import TickerVault

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("a burst passes, then tries refill at the set rate")
    func burstThenRefill() {
        let limiter = RateLimiter(burst: 3, perSecond: 0.5)
        #expect((0..<3).map { _ in limiter.attempt("a", now: 0) } == [.allowed, .allowed, .allowed])
        #expect(limiter.attempt("a", now: 0) == .limited(retryAfter: 2))
        #expect(limiter.attempt("b", now: 0) == .allowed, "keys are independent")
        #expect(limiter.attempt("a", now: 2) == .allowed)
        #expect(limiter.attempt("a", now: 2) == .limited(retryAfter: 2))
    }

    @Test("failures double the wait, up to the cap; a success clears it")
    func backoff() {
        let limiter = RateLimiter(burst: 100, perSecond: 100, maxBackoff: .seconds(8))
        var now = 0.0
        var waits: [Int] = []
        for _ in 0..<6 {
            #expect(limiter.attempt("acct", now: now) == .allowed)
            limiter.record("acct", succeeded: false, now: now)
            guard case .limited(let wait) = limiter.attempt("acct", now: now) else { Issue.record("not limited"); return }
            waits.append(wait)
            now += Double(wait)
        }
        #expect(waits == [1, 2, 4, 8, 8, 8])
        #expect(limiter.attempt("acct", now: now) == .allowed)
        limiter.record("acct", succeeded: true, now: now)
        #expect(limiter.attempt("acct", now: now) == .allowed)
    }

    @Test("memory stays bounded: old keys are forgotten, and a forgotten key starts fresh")
    func bounded() {
        let limiter = RateLimiter(burst: 1, perSecond: 0.0001, maxKeys: 100)
        #expect(limiter.attempt("first", now: 0) == .allowed)
        #expect(limiter.attempt("first", now: 0.5) != .allowed)
        // Remembered, it would still be limited at 2,001 s (0.2 tokens refilled); forgotten, it is not.
        for i in 0..<1_000 { _ = limiter.attempt("key\(i)", now: Double(i + 1)) }
        #expect(limiter.attempt("first", now: 2_001) == .allowed)
    }
}
