import Synchronization
import Testing
import TickerStore

@Suite("Group commit")
struct GroupCommitTests {
    @Test("every caller gets its own result; batches stay within the limit and carry what arrived together")
    func resultsAndBatches() async throws {
        let sizes = Mutex<[Int]>([])
        let commits = GroupCommit<Int, Int>(batchLimit: 8) { batch in
            sizes.withLock { $0.append(batch.count) }
            // Long enough for callers to pile up behind a batch.
            try? await Task.sleep(for: .milliseconds(5))
            return batch.map { $0 % 7 == 0 ? .failure(Refused(value: $0)) : .success($0 * 10) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for value in 1...100 {
                group.addTask {
                    do {
                        let answer = try await commits.submit(value)
                        #expect(answer == value * 10 && value % 7 != 0)
                    } catch {
                        #expect((error as? Refused)?.value == value)
                    }
                }
            }
            try await group.waitForAll()
        }
        let seen = sizes.withLock { $0 }
        #expect(seen.reduce(0, +) == 100)
        #expect(seen.allSatisfy { (1...8).contains($0) })
        #expect(seen.count < 100, "callers that arrive during a batch share the next one: \(seen)")
    }

    @Test("a writer that returns too few results fails the callers it left out, and the next batch still runs")
    func missingResults() async throws {
        // The writer forgets every result of a batch holding a negative number.
        let commits = GroupCommit<Int, Int>(batchLimit: 4) { batch in
            batch.contains { $0 < 0 } ? [] : batch.map { .success($0) }
        }
        await #expect(throws: GroupCommitError.self) { try await commits.submit(-1) }
        #expect(try await commits.submit(5) == 5)
    }

    struct Refused: Error {
        var value: Int
    }
}
