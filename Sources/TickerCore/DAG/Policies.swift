/// What the scheduler does with slots whose time passed while no scheduler was running
/// (downtime, a long pause of the process, a clock jump).
///
/// A slot counts as missed when it is older than the DAG's misfire grace at the moment the
/// scheduler materializes it. Every missed slot is still recorded: the ones not run end in
/// `skipped_misfire`.
public enum MisfirePolicy: Sendable, Hashable, Codable {
    /// Run none of the missed slots.
    case skip
    /// Run only the most recent missed slot (the default).
    case latestOnce
    /// Run the missed slots, at most `cap` of them (the most recent ones), oldest first.
    case all(cap: Int)

    public static let `default` = MisfirePolicy.latestOnce
}

/// What happens when a slot comes due while the DAG already has `max_active_runs` active runs.
public enum OverlapPolicy: String, Sendable, Hashable, CaseIterable, Codable {
    /// Record the new slot as `skipped_overlap` (the default).
    case skip
    /// Queue the new slot unless one is already queued; a further one is skipped.
    case bufferOne = "buffer_one"
    /// Queue every new slot; they start one after another.
    case bufferAll = "buffer_all"
    /// Cancel the active runs and start the new slot.
    case cancelOther = "cancel_other"
    /// Start the new slot alongside the active ones, up to `max_active_runs`; beyond that, queue it.
    case allow
}

/// When a task may run, given the final states of the tasks it depends on.
public enum TriggerRule: String, Sendable, Hashable, CaseIterable, Codable {
    /// Every upstream task succeeded (the default).
    case allSuccess = "all_success"
    /// Every upstream task finished, whatever its state.
    case allDone = "all_done"
    /// At least one upstream task succeeded (runs as soon as one does).
    case oneSuccess = "one_success"
    /// At least one upstream task failed (runs as soon as one does).
    case oneFailed = "one_failed"
    /// No upstream task failed (skipped ones are fine).
    case noneFailed = "none_failed"
}

/// How long to wait between attempts of a failed task.
public enum Backoff: Sendable, Hashable, Codable {
    case fixed(delay: Duration)
    /// `base * 2^(retry-1)`, capped at `cap`.
    case exponential(base: Duration, cap: Duration)
}

/// How often a task may fail before its failure is final, and how long to wait in between.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Attempts in total, the first one included (1 = no retries).
    public var maxAttempts: Int
    public var backoff: Backoff
    /// Spreads retries of many tasks failing together: the delay is drawn from [delay/2, delay].
    public var jitter: Bool

    public init(maxAttempts: Int = 1, backoff: Backoff = .fixed(delay: .seconds(10)), jitter: Bool = true) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.jitter = jitter
    }

    public static let none = RetryPolicy()

    /// The delay before retry number `retry` (1 for the second attempt), before jitter.
    public func nominalDelay(beforeRetry retry: Int) -> Duration {
        switch backoff {
        case .fixed(let delay):
            return delay
        case .exponential(let base, let cap):
            let exponent = min(max(retry - 1, 0), 62)
            let seconds = base.seconds * Double(1 << min(exponent, 30))
            return min(Duration.seconds(seconds), cap)
        }
    }

    /// The delay with jitter applied; `unit` is a random number in [0, 1).
    public func delay(beforeRetry retry: Int, unit: Double) -> Duration {
        let nominal = nominalDelay(beforeRetry: retry)
        guard jitter else { return nominal }
        return .seconds(nominal.seconds * (0.5 + 0.5 * unit))
    }
}

extension Duration {
    /// The duration as fractional seconds.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
