import TickerCore

/// One task of a DAG built in Swift. Named `DagTask` so it never shadows Swift's `Task`.
///
/// The parameters mirror the task keys of DAG files (`retries` counts retries after the first
/// attempt, like `retries:` in YAML).
public struct DagTask: Sendable, Hashable {
    public var definition: TaskDefinition

    /// The wait before a retry when none is given (also `retry_delay`'s default in DAG files).
    public static let defaultRetryDelay = RetryPolicy.none.nominalDelay(beforeRetry: 1)
    /// The cap of exponential backoff when none is given (also `max_retry_delay`'s default).
    public static let defaultMaxRetryDelay = Duration.seconds(3600)

    /// - Parameters:
    ///   - dependsOn: the tasks that must finish first: `dependsOn: "extract"` or `dependsOn: "a", "b"`.
    ///   - maxRetryDelay: the cap of exponential backoff; unused with fixed backoff.
    public init(
        _ id: String, _ operation: OperatorSpec, dependsOn: String..., triggerRule: TriggerRule = .allSuccess,
        retries: Int = 0, retryDelay: Duration = DagTask.defaultRetryDelay, retryBackoff: BackoffKind = .fixed,
        maxRetryDelay: Duration = DagTask.defaultMaxRetryDelay, retryJitter: Bool = true, timeout: Duration? = nil
    ) {
        self.init(
            id, operation, dependsOn: dependsOn, triggerRule: triggerRule, retries: retries, retryDelay: retryDelay,
            retryBackoff: retryBackoff, maxRetryDelay: maxRetryDelay, retryJitter: retryJitter, timeout: timeout)
    }

    /// The same with the dependencies as an array, for lists computed in code.
    public init(
        _ id: String, _ operation: OperatorSpec, dependsOn: [String], triggerRule: TriggerRule = .allSuccess,
        retries: Int = 0, retryDelay: Duration = DagTask.defaultRetryDelay, retryBackoff: BackoffKind = .fixed,
        maxRetryDelay: Duration = DagTask.defaultMaxRetryDelay, retryJitter: Bool = true, timeout: Duration? = nil
    ) {
        var task = TaskDefinition(id: id, operatorName: operation.name, params: operation.params, dependsOn: dependsOn)
        let settings = TaskSettings(
            triggerRule: triggerRule, retries: retries, retryDelay: retryDelay, retryBackoff: retryBackoff,
            maxRetryDelay: maxRetryDelay, retryJitter: retryJitter, timeout: timeout)
        settings.apply(to: &task)
        definition = task
    }
}
