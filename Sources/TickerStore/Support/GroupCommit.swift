import Synchronization

/// Writes what concurrent callers submit in shared batches ("group commit"): inputs that arrive
/// while a batch is being written wait for the next one and go in together.
///
/// A busy server then writes a few large transactions instead of one per request, and the
/// writer's thread hops happen once per batch instead of once per request. Each caller still gets
/// its own result, and only once its batch has been written.
public final class GroupCommit<Input: Sendable, Output: Sendable>: Sendable {
    /// Writes a batch and gives one result per input, in order.
    public typealias Write = @Sendable (_ batch: [Input]) async -> [Result<Output, any Error>]

    private struct Waiting {
        var input: Input
        var done: CheckedContinuation<Result<Output, any Error>, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var writing = false
    }

    private let state = Mutex(State())
    private let batchLimit: Int
    private let write: Write

    /// `batchLimit`: at most this many inputs per batch.
    public init(batchLimit: Int, write: @escaping Write) {
        precondition(batchLimit > 0, "a batch holds at least one input")
        self.batchLimit = batchLimit
        self.write = write
    }

    /// Writes `input` with whatever else is waiting, and returns its result. A caller cancelled
    /// while waiting still waits: its input may already be in a transaction.
    public func submit(_ input: Input) async throws -> Output {
        try await withCheckedContinuation { done in
            let startWriter = state.withLock { state in
                state.waiting.append(Waiting(input: input, done: done))
                defer { state.writing = true }
                return !state.writing
            }
            // Detached: the writer serves every caller, so it takes none of this one's task-local values.
            if startWriter { Task.detached { await self.writeWaiting() } }
        }.get()
    }

    private func writeWaiting() async {
        while true {
            let batch = state.withLock { state in
                let batch = Array(state.waiting.prefix(batchLimit))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            let results = await write(batch.map(\.input))
            for (index, waiting) in batch.enumerated() {
                waiting.done.resume(returning: index < results.count ? results[index] : .failure(GroupCommitError.noResult))
            }
        }
    }
}

/// A batch writer gave fewer results than it was given inputs: a bug in the writer.
public enum GroupCommitError: Error, CustomStringConvertible {
    case noResult

    public var description: String { "the batch writer returned no result for this input" }
}
