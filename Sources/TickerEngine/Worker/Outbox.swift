import Foundation
import Logging
import Synchronization
import TickerCore
import TickerStore

/// Collects attempt logs and results and writes them to the store in batches.
///
/// One transaction for many results is what lets SQLite sustain thousands of attempts a second;
/// batching also means a burst of log lines never waits on a disk write. Logs of an attempt are
/// always written before its result, so a finished run's logs are complete.
final class Outbox: Sendable {
    private struct Pending {
        var logs: [LogChunk] = []
        var results: [AttemptResult] = []
        var continuations: [CheckedContinuation<Void, Never>] = []
        var bytesPerAttempt: [Int64: Int] = [:]
    }

    private let store: any SchedulerStore
    private let maxLogBytes: Int
    private let pending = Mutex(Pending())
    private let bell = Doorbell()
    private let logger: Logger
    /// Called after results were written, so workers look for newly ready tasks.
    private let onResults: @Sendable () -> Void

    init(store: any SchedulerStore, maxLogBytes: Int, logger: Logger, onResults: @escaping @Sendable () -> Void) {
        self.store = store
        self.maxLogBytes = maxLogBytes
        self.logger = logger
        self.onResults = onResults
    }

    /// The log an attempt writes into.
    func log(for attemptID: Int64) -> AttemptLog {
        AttemptLog { [weak self] stream, text in
            self?.appendLog(attemptID, stream: stream, text: text)
        }
    }

    private func appendLog(_ attemptID: Int64, stream: LogStream, text: String) {
        let limit = maxLogBytes
        pending.withLock { state in
            let used = state.bytesPerAttempt[attemptID, default: 0]
            guard used <= limit else { return }
            // Each write is whole lines; terminate the last one so writes never run together.
            var text = text.hasSuffix("\n") ? text : text + "\n"
            if used + text.utf8.count > limit {
                text = "[log cut: this attempt wrote more than \(limit) bytes]\n"
                state.bytesPerAttempt[attemptID] = limit + 1
            } else {
                state.bytesPerAttempt[attemptID] = used + text.utf8.count
            }
            // Consecutive writes of one stream merge into one row, up to 64 KiB.
            if let last = state.logs.last, last.attemptID == attemptID, last.stream == stream.rawValue,
                last.text.utf8.count + text.utf8.count <= 65_536
            {
                state.logs[state.logs.count - 1].text += text
            } else {
                state.logs.append(LogChunk(attemptID: attemptID, at: Date(), stream: stream.rawValue, text: text))
            }
        }
    }

    /// Queues a result; returns once it has been written (or given up on after shutdown).
    func submit(_ result: AttemptResult) async {
        await withCheckedContinuation { continuation in
            pending.withLock { state in
                state.results.append(result)
                state.continuations.append(continuation)
                state.bytesPerAttempt[result.attemptID] = nil
            }
            bell.ring()
        }
    }

    /// Writes batches until cancelled, then writes what is left.
    func run() async {
        while !Task.isCancelled {
            await bell.wait(timeout: .milliseconds(200))
            await flush()
        }
        await flush()
    }

    func flush() async {
        let batch = pending.withLock { state -> Pending in
            let batch = state
            state.logs = []
            state.results = []
            state.continuations = []
            return Pending(logs: batch.logs, results: batch.results, continuations: batch.continuations)
        }
        guard !batch.logs.isEmpty || !batch.results.isEmpty else { return }
        if batch.results.isEmpty {
            await writeWithRetry("logs") { try await self.store.appendLogs(batch.logs) }
        } else {
            await writeWithRetry("results") { _ = try await self.store.finish(batch.results, logs: batch.logs, now: Date()) }
            onResults()
        }
        for continuation in batch.continuations { continuation.resume() }
    }

    /// A failed write is retried for a while; if the store stays down the lease will expire and
    /// another attempt runs, so giving up loses nothing but this attempt's report.
    private func writeWithRetry(_ what: String, _ body: @Sendable () async throws -> Void) async {
        var delay = Duration.milliseconds(100)
        for attempt in 1...20 {
            do {
                try await body()
                return
            } catch {
                logger.error("could not write \(what) (try \(attempt)): \(error)")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
