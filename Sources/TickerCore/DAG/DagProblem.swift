/// One thing wrong with a DAG definition, located by the field it concerns.
///
/// `field` uses the key names of DAG files (`tasks.load.depends_on`, `max_active_runs`), so the
/// file loader can point at the line that holds it and code-built DAGs read the same way.
public struct DagProblem: Sendable, Hashable, CustomStringConvertible {
    /// A dotted path such as `tasks.load.depends_on`; `dag` for the DAG id.
    public var field: String
    public var message: String
    /// The task concerned, if any. Task ids may contain dots, so this disambiguates `field`.
    public var taskID: String?

    public init(field: String, message: String, taskID: String? = nil) {
        self.field = field
        self.message = message
        self.taskID = taskID
    }

    public var description: String { "\(field): \(message)" }

    /// The field split into keys, keeping a dotted task id in one piece.
    public var fieldPath: [String] {
        if let taskID, field == "tasks.\(taskID)" { return ["tasks", taskID] }
        if let taskID, field.hasPrefix("tasks.\(taskID).") {
            let rest = field.dropFirst("tasks.\(taskID).".count)
            return ["tasks", taskID] + rest.split(separator: ".").map(String.init)
        }
        return field.split(separator: ".").map(String.init)
    }
}

/// Thrown when a DAG built in code does not validate; carries every problem, not just the first.
public struct DagProblems: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [DagProblem]

    public init(_ problems: [DagProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
