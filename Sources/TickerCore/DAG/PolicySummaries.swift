/// One-line descriptions of a DAG's policies, as the CLI, the API and the UI show them.
extension ScheduleSpec {
    /// `cron 0 6 * * * Europe/Paris` or `every 5m`.
    public var summary: String {
        switch rule {
        case .cron(let expression): "cron \(expression) \(timeZone)"
        case .interval(let every, _): "every \(DurationText.format(every))"
        }
    }
}

extension MisfirePolicy {
    /// `skip`, `latest_once` or `all (cap N)`.
    public var summary: String {
        switch self {
        case .skip: "skip"
        case .latestOnce: "latest_once"
        case .all(let cap): "all (cap \(cap))"
        }
    }
}
