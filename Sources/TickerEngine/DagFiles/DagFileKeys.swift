import TickerCore

/// The keys a DAG file may use at each level, in the order the documentation lists them.
///
/// Unknown keys are errors, not warnings: a misspelt `retries` silently meaning "no retries" is
/// exactly the kind of mistake a scheduler must not let through.
enum DagFileKeys {
    static let dag = [
        "dag", "description", "tags", "schedule", "misfire", "misfire_cap", "misfire_grace", "overlap",
        "max_active_runs", "run_timeout", "paused", "defaults", "tasks",
    ]
    static let schedule = ["cron", "every", "anchor", "timezone", "start", "end"]
    /// Settings a task may take from `defaults`.
    static let taskSettings = [
        "trigger_rule", "retries", "retry_delay", "retry_backoff", "max_retry_delay", "retry_jitter", "timeout",
    ]
    static let task = ["operator", "with", "depends_on"] + taskSettings
}

/// The words the enum-valued keys accept.
enum DagFileValues {
    /// `misfire:`; `all` takes its cap from `misfire_cap`.
    enum MisfireKind { case skip, latestOnce, all }

    /// How many missed slots `misfire: all` runs when `misfire_cap` is not written.
    static let defaultMisfireCap = 100

    static let misfire: [(name: String, value: MisfireKind)] = [
        ("skip", .skip), ("latest_once", .latestOnce), ("all", .all),
    ]
    static let overlap = OverlapPolicy.allCases.map { (name: $0.rawValue, value: $0) }
    static let triggerRule = TriggerRule.allCases.map { (name: $0.rawValue, value: $0) }
    static let backoff = BackoffKind.allCases.map { (name: $0.rawValue, value: $0) }
}
