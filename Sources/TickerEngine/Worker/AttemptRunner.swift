import Foundation
import TickerCore
import TickerStore

/// Runs one claimed attempt: builds the operator, enforces the task's timeout and turns whatever
/// happens into an `AttemptEnd`.
struct AttemptRunner: Sendable {
    let registry: OperatorRegistry

    /// Why an attempt is being stopped from outside, decided before cancelling its task.
    enum StopReason: Sendable {
        case runCancelled
        case shutdown
    }

    func run(_ claim: ClaimedAttempt, log: AttemptLog, stopReason: @Sendable () -> StopReason?) async -> AttemptEnd {
        let task = claim.task
        guard let factory = registry.factory(named: task.operatorName) else {
            return .failed(error: "unknown operator '\(task.operatorName)' (registered: \(registry.names.joined(separator: ", ")))")
        }
        let op: any TaskRunner
        do {
            op = try factory.make(task.params)
        } catch {
            return .failed(error: "invalid parameters for operator '\(task.operatorName)': \(error)")
        }
        log.write("attempt \(claim.number) of task \(task.id) (run \(claim.run.id), slot \(claim.run.slotAt.formatted(.iso8601)))\n")
        let context = TaskContext(
            dagID: claim.dag.id, runID: claim.run.id, taskID: task.id, scheduledAt: claim.run.slotAt,
            attempt: claim.number, slotKey: "\(claim.dag.id)/\(claim.run.kind.rawValue)/\(claim.run.slotAt.millisSince1970)",
            conf: claim.run.conf, upstreamOutputs: claim.upstreamOutputs, log: log)
        let end = await Self.runWithTimeout(op, context, timeout: task.timeout, stopReason: stopReason)
        log.write("attempt \(claim.number) ended: \(end.attemptState.rawValue)\(end.errorText.map { " (\($0))" } ?? "")\n")
        return end
    }

    private struct TimedOut: Error {}

    private static func runWithTimeout(
        _ op: any TaskRunner, _ context: TaskContext, timeout: Duration?, stopReason: @Sendable () -> StopReason?
    ) async -> AttemptEnd {
        do {
            let output = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
                group.addTask { try await op.run(context) }
                if let timeout {
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        throw TimedOut()
                    }
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
            if let reason = stopReason() { return reason == .shutdown ? .interrupted : .cancelled }
            return .succeeded(output: output)
        } catch is TimedOut {
            return .timedOut(after: timeout ?? .zero)
        } catch {
            if let reason = stopReason() { return reason == .shutdown ? .interrupted : .cancelled }
            if error is CancellationError { return .interrupted }
            return .failed(error: "\(error)")
        }
    }
}

extension Date {
    var millisSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
