/// What a waiting task should become, given the states of its upstream tasks.
public enum TriggerDecision: Sendable, Hashable {
    case wait
    case ready
    case skip
    case upstreamFailed
}

extension TriggerRule {
    /// Decides a waiting task's fate. Rules that can be met early (`one_success`, `one_failed`) fire
    /// as soon as they are; the others wait until every upstream task is final.
    public func decide(upstream: [TaskState]) -> TriggerDecision {
        let allFinal = upstream.allSatisfy(\.isFinal)
        let anyFailed = upstream.contains { $0.countsAsFailure }
        let anySucceeded = upstream.contains(.succeeded)
        switch self {
        case .allSuccess:
            if anyFailed { return .upstreamFailed }
            guard allFinal else { return .wait }
            return upstream.allSatisfy { $0 == .succeeded } ? .ready : .skip
        case .allDone:
            return allFinal ? .ready : .wait
        case .oneSuccess:
            if anySucceeded { return .ready }
            guard allFinal else { return .wait }
            return anyFailed ? .upstreamFailed : .skip
        case .oneFailed:
            if anyFailed { return .ready }
            return allFinal ? .skip : .wait
        case .noneFailed:
            if anyFailed { return .upstreamFailed }
            return allFinal ? .ready : .wait
        }
    }
}
