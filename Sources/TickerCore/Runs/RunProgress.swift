/// The pure state machine of one run's tasks: which tasks start, which become ready when others
/// finish, and when the run as a whole is over.
///
/// Both stores load a run's task states, apply these functions and write back only the changes, so
/// the rules live here once, tested with plain values.
public struct RunProgress: Sendable {
    public let dag: DagDefinition
    private let upstream: [String: [String]]

    public init(dag: DagDefinition) {
        self.dag = dag
        self.upstream = Dictionary(uniqueKeysWithValues: dag.tasks.map { ($0.id, $0.dependsOn) })
    }

    /// Task states of a run that has just started: tasks without upstream are ready.
    public func initialStates() -> [String: TaskState] {
        var states: [String: TaskState] = [:]
        for task in dag.tasks {
            states[task.id] = task.dependsOn.isEmpty ? .ready : .waiting
        }
        return states
    }

    /// Applies trigger rules until nothing changes and returns only the tasks whose state changed.
    /// Call it after any task reached a final state.
    public func propagate(_ states: [String: TaskState]) -> [String: TaskState] {
        var current = states
        var changed: [String: TaskState] = [:]
        var progress = true
        while progress {
            progress = false
            for task in dag.tasks where current[task.id] == .waiting {
                let upstreamStates = (upstream[task.id] ?? []).map { current[$0] ?? .waiting }
                let next: TaskState? =
                    switch task.triggerRule.decide(upstream: upstreamStates) {
                    case .wait: nil
                    case .ready: .ready
                    case .skip: .skipped
                    case .upstreamFailed: .upstreamFailed
                    }
                if let next {
                    current[task.id] = next
                    changed[task.id] = next
                    progress = true
                }
            }
        }
        return changed
    }

    /// The run's final state once every task is final; nil while any task is still to do.
    ///
    /// A run fails when any task failed, even if a later `one_failed` clean-up task succeeded:
    /// the clean-up ran because something went wrong, and the run's state must say so.
    public static func outcome(of states: some Collection<TaskState>) -> RunState? {
        guard states.allSatisfy(\.isFinal) else { return nil }
        if states.contains(where: { $0.countsAsFailure }) { return .failed }
        if states.contains(.cancelled) { return .cancelled }
        return .succeeded
    }
}
