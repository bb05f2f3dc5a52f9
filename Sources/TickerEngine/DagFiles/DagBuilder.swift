import Foundation
import TickerCore

/// A DAG written in Swift:
///
/// ```swift
/// let dag = try Dag("report", schedule: .cron("0 6 * * *", timeZone: "Europe/Berlin")) {
///     DagTask("extract", .shell("echo extract"))
///     DagTask("load", .shell("echo load"), dependsOn: "extract", retries: 2)
/// }.definition
/// ```
///
/// It yields the same `DagDefinition` a DAG file would, checked by the same rules, so code and
/// files can be mixed freely.
public struct Dag: Sendable, Hashable {
    /// The definition as written, before any checks.
    public var unvalidated: DagDefinition

    public init(
        _ id: String, description: String? = nil, schedule: ScheduleSpec? = nil, misfire: MisfirePolicy = .default,
        misfireGrace: Duration = .seconds(60), overlap: OverlapPolicy = .skip, maxActiveRuns: Int = 1,
        runTimeout: Duration? = nil, paused: Bool = false, tags: [String] = [], origin: String = #fileID,
        @DagTasksBuilder tasks: () -> [DagTask]
    ) {
        unvalidated = DagDefinition(
            id: id, description: description, schedule: schedule, misfire: misfire, misfireGrace: misfireGrace,
            overlap: overlap, maxActiveRuns: maxActiveRuns, runTimeout: runTimeout, pausedOnCreate: paused,
            tags: tags, tasks: tasks().map(\.definition), origin: origin)
    }

    /// The checked definition: structure (`DagDefinition.validate()`) and the parameters of tasks
    /// that use a built-in operator. Other operator names pass, since they may be registered
    /// later; use `definition(registry:)` to check those too.
    public var definition: DagDefinition {
        get throws(DagProblems) {
            try checked(operators: OperatorRegistry.builtIn, requireKnown: false)
        }
    }

    /// The checked definition, every operator looked up in `registry`.
    public func definition(registry: OperatorRegistry) throws(DagProblems) -> DagDefinition {
        try checked(operators: registry, requireKnown: true)
    }

    private func checked(operators registry: OperatorRegistry, requireKnown: Bool) throws(DagProblems) -> DagDefinition {
        let problems = unvalidated.validate()
            + unvalidated.tasks.flatMap { Self.operatorProblems($0, registry: registry, requireKnown: requireKnown) }
        guard problems.isEmpty else { throw DagProblems(problems) }
        return unvalidated
    }

    private static func operatorProblems(
        _ task: TaskDefinition, registry: OperatorRegistry, requireKnown: Bool
    ) -> [DagProblem] {
        guard let factory = registry.factory(named: task.operatorName) else {
            guard requireKnown else { return [] }
            var message = "unknown operator `\(task.operatorName)`"
            if let hint = ClosestNames.hint(for: task.operatorName, among: registry.names) { message += " (\(hint))" }
            message += "; registered operators: \(registry.names.joined(separator: ", "))"
            return [DagProblem(field: "tasks.\(task.id).operator", message: message, taskID: task.id)]
        }
        return factory.validate(task.params).map { problem in
            let field = (["tasks", task.id, "with"] + problem.path).joined(separator: ".")
            return DagProblem(field: field, message: problem.message, taskID: task.id)
        }
    }
}

/// Collects the tasks of a `Dag`: one per line, plus `if`, `switch` and `for` for tasks
/// generated in code.
@resultBuilder
public enum DagTasksBuilder {
    public static func buildExpression(_ task: DagTask) -> [DagTask] { [task] }
    public static func buildExpression(_ tasks: [DagTask]) -> [DagTask] { tasks }
    public static func buildBlock(_ parts: [DagTask]...) -> [DagTask] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [DagTask]?) -> [DagTask] { part ?? [] }
    public static func buildEither(first part: [DagTask]) -> [DagTask] { part }
    public static func buildEither(second part: [DagTask]) -> [DagTask] { part }
    public static func buildArray(_ parts: [[DagTask]]) -> [DagTask] { parts.flatMap { $0 } }
    public static func buildLimitedAvailability(_ part: [DagTask]) -> [DagTask] { part }
}

extension ScheduleSpec {
    /// A cron schedule (5 fields, or 6 with leading seconds) in an IANA time zone.
    public static func cron(_ expression: String, timeZone: String = "UTC", start: Date? = nil, end: Date? = nil) -> ScheduleSpec {
        ScheduleSpec(rule: .cron(expression), timeZone: timeZone, start: start, end: end)
    }

    /// Every `interval`, counted from `anchor` (when given).
    public static func every(
        _ interval: Duration, anchor: Date? = nil, timeZone: String = "UTC", start: Date? = nil, end: Date? = nil
    ) -> ScheduleSpec {
        ScheduleSpec(rule: .interval(every: interval, anchor: anchor), timeZone: timeZone, start: start, end: end)
    }
}
