import Foundation

/// A DAG as written by its author: tasks, their dependencies and the policies that govern its runs.
///
/// Definitions come from YAML files (`DagFileLoader`) or from Swift code; both produce this value,
/// which is validated once (`validate()`) and then stored.
public struct DagDefinition: Sendable, Hashable, Codable {
    public var id: String
    public var description: String?
    /// `nil` for DAGs that only run when triggered.
    public var schedule: ScheduleSpec?
    public var misfire: MisfirePolicy
    /// A slot younger than this when materialized is on time, not missed.
    public var misfireGrace: Duration
    public var overlap: OverlapPolicy
    public var maxActiveRuns: Int
    public var runTimeout: Duration?
    /// Whether a DAG seen for the first time starts paused.
    public var pausedOnCreate: Bool
    public var tags: [String]
    public var tasks: [TaskDefinition]
    /// Where the definition came from, for messages (a file path, or "code").
    public var origin: String

    public init(
        id: String,
        description: String? = nil,
        schedule: ScheduleSpec? = nil,
        misfire: MisfirePolicy = .default,
        misfireGrace: Duration = .seconds(60),
        overlap: OverlapPolicy = .skip,
        maxActiveRuns: Int = 1,
        runTimeout: Duration? = nil,
        pausedOnCreate: Bool = false,
        tags: [String] = [],
        tasks: [TaskDefinition],
        origin: String = "code"
    ) {
        self.id = id
        self.description = description
        self.schedule = schedule
        self.misfire = misfire
        self.misfireGrace = misfireGrace
        self.overlap = overlap
        self.maxActiveRuns = maxActiveRuns
        self.runTimeout = runTimeout
        self.pausedOnCreate = pausedOnCreate
        self.tags = tags
        self.tasks = tasks
        self.origin = origin
    }

    public func task(_ id: String) -> TaskDefinition? {
        tasks.first { $0.id == id }
    }
}

/// One task of a DAG: which operator runs it, with what parameters, after which tasks.
public struct TaskDefinition: Sendable, Hashable, Codable {
    public var id: String
    /// The operator's registered name, such as `shell` or `http`.
    public var operatorName: String
    /// Operator parameters, checked by the operator when the DAG is loaded.
    public var params: JSONValue
    public var dependsOn: [String]
    public var triggerRule: TriggerRule
    public var retry: RetryPolicy
    public var timeout: Duration?

    public init(
        id: String,
        operatorName: String,
        params: JSONValue = .object([:]),
        dependsOn: [String] = [],
        triggerRule: TriggerRule = .allSuccess,
        retry: RetryPolicy = .none,
        timeout: Duration? = nil
    ) {
        self.id = id
        self.operatorName = operatorName
        self.params = params
        self.dependsOn = dependsOn
        self.triggerRule = triggerRule
        self.retry = retry
        self.timeout = timeout
    }
}

/// A schedule as written: a cron expression or an interval, in an IANA time zone, within optional
/// start and end dates. `compile()` turns it into a `Schedule` that computes fire times.
public struct ScheduleSpec: Sendable, Hashable, Codable {
    public enum Rule: Sendable, Hashable, Codable {
        case cron(String)
        case interval(every: Duration, anchor: Date?)
    }

    public var rule: Rule
    public var timeZone: String
    public var start: Date?
    public var end: Date?

    public init(rule: Rule, timeZone: String = "UTC", start: Date? = nil, end: Date? = nil) {
        self.rule = rule
        self.timeZone = timeZone
        self.start = start
        self.end = end
    }
}
