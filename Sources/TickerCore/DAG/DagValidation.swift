import Foundation

extension DagDefinition {
    /// Every structural problem of the definition, in a stable order; empty means it can be stored
    /// and scheduled.
    ///
    /// Both DAG files and DAGs built in code end here, so the rules live in one place. Problems
    /// name fields with DAG-file key names (see `DagProblem.field`). Nothing stops at the first
    /// problem: an author fixing a file wants the whole list at once.
    public func validate() -> [DagProblem] {
        var problems = IdentifierRule.check(id, field: "dag", what: "DAG id")
        problems += validateTaskList()
        problems += validateDependencies()
        problems += validateRunPolicies()
        problems += tasks.flatMap(\.policyProblems)
        problems += schedule?.problems() ?? []
        return problems
    }

    private func validateTaskList() -> [DagProblem] {
        guard !tasks.isEmpty else {
            return [DagProblem(field: "tasks", message: "a DAG needs at least one task")]
        }
        var problems: [DagProblem] = []
        var firstPosition: [String: Int] = [:]
        for (position, task) in tasks.enumerated() {
            problems += IdentifierRule.check(task.id, field: "tasks.\(task.id)", what: "task id", taskID: task.id)
            if let first = firstPosition[task.id] {
                problems.append(DagProblem(
                    field: "tasks.\(task.id)",
                    message: "task id `\(task.id)` is used more than once (tasks #\(first + 1) and #\(position + 1))",
                    taskID: task.id))
            } else {
                firstPosition[task.id] = position
            }
        }
        return problems
    }

    private func validateDependencies() -> [DagProblem] {
        let known = tasks.map(\.id)
        let knownSet = Set(known)
        var problems: [DagProblem] = []
        for task in tasks {
            let field = "tasks.\(task.id).depends_on"
            var listed = Set<String>()
            for dependency in task.dependsOn {
                if dependency.isEmpty {
                    problems.append(DagProblem(field: field, message: "a task name is empty", taskID: task.id))
                } else if dependency == task.id {
                    problems.append(DagProblem(field: field, message: "task `\(task.id)` depends on itself", taskID: task.id))
                } else if !knownSet.contains(dependency) {
                    let message = "unknown task `\(dependency)` (\(Self.suggestion(for: dependency, among: known)))"
                    problems.append(DagProblem(field: field, message: message, taskID: task.id))
                } else if !listed.insert(dependency).inserted {
                    problems.append(DagProblem(field: field, message: "`\(dependency)` is listed twice", taskID: task.id))
                }
            }
        }
        return problems + dependencyCycles().compactMap(Self.cycleProblem)
    }

    private static func suggestion(for name: String, among known: [String]) -> String {
        if let hint = ClosestNames.hint(for: name, among: known) { return hint }
        let listed = known.prefix(10).map { "`\($0)`" }.joined(separator: ", ")
        return known.count > 10 ? "tasks: \(listed), …" : "tasks: \(listed)"
    }

    /// Reported on the first task of the cycle, whose `depends_on` closes the loop.
    private static func cycleProblem(_ cycle: [String]) -> DagProblem? {
        guard let first = cycle.first, let last = cycle.last else { return nil }
        let path = (cycle + [first]).joined(separator: " -> ")
        return DagProblem(
            field: "tasks.\(first).depends_on",
            message: "dependency cycle: \(path) (`\(first)` depends on `\(last)`)",
            taskID: first)
    }

    private func validateRunPolicies() -> [DagProblem] {
        var problems: [DagProblem] = []
        if maxActiveRuns < 1 {
            problems.append(DagProblem(field: "max_active_runs", message: "must be at least 1, got \(maxActiveRuns)"))
        }
        if case .all(let cap) = misfire, cap < 1 {
            problems.append(DagProblem(field: "misfire_cap", message: "must be at least 1, got \(cap)"))
        }
        if misfireGrace < .zero {
            problems.append(DagProblem(field: "misfire_grace", message: "must not be negative"))
        }
        if let runTimeout, runTimeout <= .zero {
            problems.append(DagProblem(field: "run_timeout", message: "must be longer than zero"))
        }
        return problems
    }
}

extension TaskDefinition {
    /// Problems with the task's retry and timeout settings, named with DAG-file keys.
    var policyProblems: [DagProblem] {
        let prefix = "tasks.\(id)."
        var problems: [DagProblem] = []
        func report(_ key: String, _ message: String) {
            problems.append(DagProblem(field: prefix + key, message: message, taskID: id))
        }
        if !(1...RetryPolicy.maxAttemptsLimit).contains(retry.maxAttempts) {
            let retries = retry.maxAttempts == Int.min ? retry.maxAttempts : retry.maxAttempts - 1
            report("retries", "must be between 0 and \(RetryPolicy.maxAttemptsLimit - 1), got \(retries)")
        }
        if let timeout, timeout <= .zero {
            report("timeout", "must be longer than zero")
        }
        switch retry.backoff {
        case .fixed(let delay) where delay < .zero:
            report("retry_delay", "must not be negative")
        case .exponential(let base, _) where base <= .zero:
            report("retry_delay", "must be longer than zero with exponential backoff")
        case .exponential(let base, let cap) where cap < base:
            report("max_retry_delay", "must not be shorter than retry_delay")
        default:
            break
        }
        return problems
    }
}

extension RetryPolicy {
    /// The most attempts a task may have, the first one included.
    public static let maxAttemptsLimit = 100
}
