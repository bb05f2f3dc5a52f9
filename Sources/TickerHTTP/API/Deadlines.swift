import Synchronization

/// Cancels tasks that outlive their deadline, from one loop for the whole process.
///
/// A request's time limit is then an entry in a dictionary. With a sleeping child task beside
/// each request it was a Dispatch timer made and cancelled, and a task group, per request: about
/// 100 µs of CPU per vault request under load (V1 in docs/benchmarks.md). Deadlines are met to
/// within `resolution`, plenty for limits of seconds.
package final class Deadlines: Sendable {
    package static let shared = Deadlines(resolution: .milliseconds(250))

    private struct State {
        var watched: [UInt64: (deadline: ContinuousClock.Instant, cancel: @Sendable () -> Void)] = [:]
        var lastID: UInt64 = 0
        var ticking = false
    }

    private let state = Mutex(State())
    private let resolution: Duration

    package init(resolution: Duration) {
        self.resolution = resolution
    }

    /// Waits for `task`, cancelling it once `deadline` passes or when the caller is cancelled.
    /// `expired` says whether the deadline cancelled it.
    package func result<T: Sendable>(
        of task: Task<T, any Error>, deadline: ContinuousClock.Instant
    ) async -> (result: Result<T, any Error>, expired: Bool) {
        let cancel: @Sendable () -> Void = { task.cancel() }
        let (id, startTicking) = state.withLock { state in
            state.lastID += 1
            state.watched[state.lastID] = (deadline, cancel)
            defer { state.ticking = true }
            return (state.lastID, !state.ticking)
        }
        if startTicking { Task.detached { await self.tick() } }
        let result = await withTaskCancellationHandler { await task.result } onCancel: { task.cancel() }
        // Still watched: it ended before its deadline. Gone: the loop cancelled it.
        let expired = state.withLock { $0.watched.removeValue(forKey: id) } == nil
        return (result, expired)
    }

    /// Runs while anything is watched, so an idle process has no timer at all.
    private func tick() async {
        while true {
            try? await Task.sleep(for: resolution)
            let now = ContinuousClock.now
            let (overdue, idle) = state.withLock { state in
                let overdue = state.watched.filter { $0.value.deadline <= now }
                for id in overdue.keys { state.watched.removeValue(forKey: id) }
                if state.watched.isEmpty { state.ticking = false }
                return (overdue.values.map(\.cancel), state.watched.isEmpty)
            }
            for cancel in overdue { cancel() }
            if idle { return }
        }
    }
}
