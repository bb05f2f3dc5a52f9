import Foundation

/// How an attempt ended, as the worker (or the lease reaper) reports it.
public enum AttemptEnd: Sendable, Hashable {
    case succeeded(output: JSONValue?)
    case failed(error: String)
    case timedOut(after: Duration)
    /// The lease expired without a result: the holder died or stopped heartbeating.
    case lost
    /// The run was cancelled while the attempt ran.
    case cancelled
    /// A graceful shutdown stopped it; it runs again without counting as a failure.
    case interrupted

    public var attemptState: AttemptState {
        switch self {
        case .succeeded: .succeeded
        case .failed: .failed
        case .timedOut: .timedOut
        case .lost: .lost
        case .cancelled: .cancelled
        case .interrupted: .interrupted
        }
    }

    public var errorText: String? {
        switch self {
        case .succeeded: nil
        case .failed(let error): error
        case .timedOut(let after): "timed out after \(Int(after.seconds.rounded()))s"
        case .lost: "lease expired: the process running this attempt died or stopped heartbeating"
        case .cancelled: "cancelled"
        case .interrupted: "interrupted by shutdown; will run again"
        }
    }
}

/// Counts of a task's earlier attempts, which the retry rules need.
public struct AttemptHistory: Sendable, Hashable {
    /// Attempts that failed or timed out.
    public var failures: Int
    /// Attempts whose lease expired.
    public var lost: Int
    public init(failures: Int, lost: Int) {
        self.failures = failures
        self.lost = lost
    }

    /// The history with `end` counted: failures and timeouts as failures, lease losses as lost.
    public func counting(_ end: AttemptEnd) -> AttemptHistory {
        var history = self
        switch end {
        case .failed, .timedOut: history.failures += 1
        case .lost: history.lost += 1
        default: break
        }
        return history
    }
}

/// The task's next state after an attempt ended.
public struct TaskTransition: Sendable, Hashable {
    public var state: TaskState
    /// For retries: the earliest time the next attempt may start.
    public var notBefore: Date?
    /// For a final failure: the message to record on the task.
    public var error: String?
}

extension TaskDefinition {
    /// How many lease losses a task survives before its failure is final. Losses don't count as
    /// failures (the task did nothing wrong), but a task that keeps killing its process must stop.
    public static let maxLostAttempts = 3

    /// Applies the retry policy to an ended attempt. `history` includes the attempt that ended;
    /// `unit` is a random number in [0, 1) for jitter.
    public func transition(after end: AttemptEnd, history: AttemptHistory, now: Date, unit: Double)
        -> TaskTransition
    {
        switch end {
        case .succeeded:
            return TaskTransition(state: .succeeded)
        case .cancelled:
            return TaskTransition(state: .cancelled, error: end.errorText)
        case .interrupted:
            return TaskTransition(state: .ready, notBefore: now)
        case .lost:
            guard history.lost < Self.maxLostAttempts else {
                return TaskTransition(state: .failed, error: "lost \(history.lost) times; giving up")
            }
            return TaskTransition(state: .ready, notBefore: now)
        case .failed, .timedOut:
            guard history.failures < retry.maxAttempts else {
                return TaskTransition(state: .failed, error: end.errorText)
            }
            let delay = retry.delay(beforeRetry: history.failures, unit: unit)
            return TaskTransition(state: .ready, notBefore: now.addingTimeInterval(delay.seconds))
        }
    }
}
