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
        // Well before the minute the task would have slept. The bound is loose on purpose: tests
        // start all at once and a busy 2-core machine can hold a task back for many seconds.
        #expect(ContinuousClock.now - start < .seconds(45))

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
            return await deadlines.result(of: inner, deadline: .now + .seconds(50))
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
                    // A generous deadline for the tasks that end at once: on a busy machine they
                    // may wait seconds for a thread, and must still not be reported as expired.
                    let (_, expired) = await deadlines.result(of: task, deadline: .now + (sleeps ? .milliseconds(300) : .seconds(50)))
                    return expired == sleeps
                }
            }
            for await right in group { #expect(right) }
        }
    }
}
