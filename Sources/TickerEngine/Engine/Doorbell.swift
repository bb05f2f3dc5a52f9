import Synchronization

/// Wakes one waiting loop at once when there is new work, instead of letting it sleep until its
/// next poll. A ring with nobody waiting is remembered, so no wake-up is ever lost.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when rung, after `timeout`, or when the task is cancelled. One waiter at a time.
    func wait(timeout: Duration) async {
        let timer = Task { [weak self] in
            // A cancelled timer must not ring: a stale ring would make the next wait return at
            // once, turning every loop that waits here into a busy loop.
            do { try await Task.sleep(for: timeout) } catch { return }
            self?.ring()
        }
        defer { timer.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            ring()
        }
    }
}
