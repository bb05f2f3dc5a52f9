import Testing
@testable import TickerHTTP

/// The one loop that enforces every request's time limit (`TimeoutMiddleware`).
@Suite("Deadlines")
struct DeadlinesTests {
    let deadlines = Deadlines(resolution: .milliseconds(50))

    @Test("a task past its deadline is cancelled and reported as expired; one that ends in time is not")
    func expiry() async throws {
        let start = ContinuousClock.now
        let slow = Task<Int, any Error> {
            try await Task.sleep(for: .seconds(60))
            return 1
        }
        let (result, expired) = await deadlines.result(of: slow, deadline: .now + .milliseconds(200))
        #expect(expired)
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(ContinuousClock.now - start < .seconds(5))

        let quick = Task<Int, any Error> { 7 }
        let (answer, late) = await deadlines.result(of: quick, deadline: .now + .seconds(30))
        #expect(!late)
        #expect(try answer.get() == 7)
    }

    @Test("cancelling the caller cancels the task, which is then not reported as expired")
    func callerCancelled() async throws {
        let waiter = Task {
            let inner = Task<Int, any Error> {
                try await Task.sleep(for: .seconds(60))
                return 1
            }
            return await deadlines.result(of: inner, deadline: .now + .seconds(30))
        }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        let (result, expired) = await waiter.value
        #expect(!expired)
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test("many tasks at once, each with its own deadline")
    func many() async {
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let sleeps = index.isMultiple(of: 2)
                    let task = Task<Int, any Error> {
                        if sleeps { try await Task.sleep(for: .seconds(60)) }
                        return index
                    }
                    let (_, expired) = await deadlines.result(of: task, deadline: .now + .milliseconds(300))
                    return expired == sleeps
                }
            }
            for await right in group { #expect(right) }
        }
    }
}
