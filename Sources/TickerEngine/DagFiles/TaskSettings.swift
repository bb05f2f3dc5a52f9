import TickerCore

/// The trigger, retry and timeout settings written for one task or under `defaults`.
///
/// Every field is optional so a task's own settings can be laid over the DAG's defaults key by
/// key before they become a `RetryPolicy`.
struct TaskSettings {
    var triggerRule: TriggerRule?
    /// Retries after the first attempt.
    var retries: Int?
    var retryDelay: Duration?
    var retryBackoff: BackoffKind?
    var maxRetryDelay: Duration?
    var retryJitter: Bool?
    var timeout: Duration?

    static let defaultRetryDelay = DagTask.defaultRetryDelay
    static let defaultMaxRetryDelay = DagTask.defaultMaxRetryDelay

    /// These settings where written, `base` for the rest.
    func overriding(_ base: TaskSettings) -> TaskSettings {
        TaskSettings(
            triggerRule: triggerRule ?? base.triggerRule,
            retries: retries ?? base.retries,
            retryDelay: retryDelay ?? base.retryDelay,
            retryBackoff: retryBackoff ?? base.retryBackoff,
            maxRetryDelay: maxRetryDelay ?? base.maxRetryDelay,
            retryJitter: retryJitter ?? base.retryJitter,
            timeout: timeout ?? base.timeout)
    }

    var effectiveBackoff: BackoffKind { retryBackoff ?? .fixed }

    var retryPolicy: RetryPolicy {
        let delay = retryDelay ?? Self.defaultRetryDelay
        let backoff: Backoff = switch effectiveBackoff {
        case .fixed: .fixed(delay: delay)
        case .exponential: .exponential(base: delay, cap: maxRetryDelay ?? Self.defaultMaxRetryDelay)
        }
        // Clamped so an absurd `retries` cannot overflow; validation reports it either way.
        let retries = retries ?? 0
        let attempts = retries < Int.max ? retries + 1 : Int.max
        return RetryPolicy(maxAttempts: attempts, backoff: backoff, jitter: retryJitter ?? RetryPolicy.none.jitter)
    }

    func apply(to task: inout TaskDefinition) {
        task.triggerRule = triggerRule ?? .allSuccess
        task.retry = retryPolicy
        task.timeout = timeout
    }
}

extension NodeReader {
    /// Reads `entry` into `settings` if it is a settings key; false for any other key.
    mutating func readSetting(_ entry: YAMLEntry, into settings: inout TaskSettings) -> Bool {
        switch entry.key {
        case "trigger_rule": settings.triggerRule = choice(entry, DagFileValues.triggerRule)
        case "retries": settings.retries = int(entry)
        case "retry_delay": settings.retryDelay = duration(entry)
        case "retry_backoff": settings.retryBackoff = choice(entry, DagFileValues.backoff)
        case "max_retry_delay": settings.maxRetryDelay = duration(entry)
        case "retry_jitter": settings.retryJitter = bool(entry)
        case "timeout": settings.timeout = duration(entry)
        default: return false
        }
        return true
    }

    /// Reports `max_retry_delay` written at `path` where the backoff in force there is fixed:
    /// the cap would be silently ignored otherwise.
    mutating func checkRetryCap(written: TaskSettings, effective: TaskSettings, at path: [String]) {
        guard written.maxRetryDelay != nil, effective.effectiveBackoff == .fixed else { return }
        let field = path + ["max_retry_delay"]
        report("only applies with `retry_backoff: exponential`", field: field, at: locations[field]?.key)
    }
}
