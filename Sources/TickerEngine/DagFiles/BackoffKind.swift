/// How the delay between retries grows, as DAG files and `DagTask` name it: `fixed` always
/// waits `retry_delay`, `exponential` doubles it from there up to `max_retry_delay`.
public enum BackoffKind: String, Sendable, Hashable, CaseIterable {
    case fixed
    case exponential
}
