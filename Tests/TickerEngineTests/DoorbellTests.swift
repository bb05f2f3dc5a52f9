import Testing
@testable import TickerEngine

@Suite("Doorbell")
struct DoorbellTests {
    @Test("a ring with nobody waiting is remembered once")
    func rememberedRing() async {
        let bell = Doorbell()
        bell.ring()
        let clock = ContinuousClock()
        let quick = await clock.measure { await bell.wait(timeout: .seconds(5)) }
        #expect(quick < .seconds(1))
    }

    @Test("a wait ended by a ring leaves no stale ring behind (no busy loop)")
    func noStaleRing() async throws {
        let bell = Doorbell()
        bell.ring()
        await bell.wait(timeout: .milliseconds(100))
        try await Task.sleep(for: .milliseconds(200))  // the first wait's cancelled timer has run by now
        let clock = ContinuousClock()
        let waited = await clock.measure { await bell.wait(timeout: .milliseconds(300)) }
        #expect(waited >= .milliseconds(250))
    }
}
