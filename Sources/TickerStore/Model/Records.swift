import Foundation
import TickerCore

/// A DAG as the store knows it: its definition plus scheduling state.
public struct DagRecord: Sendable, Hashable {
    public var id: String
    public var definition: DagDefinition
    public var paused: Bool
    /// The watermark: the next nominal slot not yet materialized; nil when the DAG has no schedule
    /// or its schedule has ended.
    public var nextSlotAt: Date?
    /// False once its file disappeared; its history stays.
    public var active: Bool
    public var updatedAt: Date
}

public struct RunRecord: Sendable, Hashable {
    public var id: Int64
    public var dagID: String
    /// The slot's nominal time (trigger time for manual runs).
    public var slotAt: Date
    public var kind: RunKind
    public var state: RunState
    /// Why the run is in its state, for skipped, cancelled and timed-out runs.
    public var reason: String?
    public var conf: JSONValue
    public var createdAt: Date
    public var startedAt: Date?
    public var endedAt: Date?
}

public struct TaskInstanceRecord: Sendable, Hashable {
    public var runID: Int64
    public var taskID: String
    public var state: TaskState
    public var attempts: Int
    public var notBefore: Date?
    public var output: JSONValue?
    public var error: String?
}

public struct AttemptRecord: Sendable, Hashable {
    public var id: Int64
    public var runID: Int64
    public var taskID: String
    /// 1 for the first attempt of the task.
    public var number: Int
    public var owner: String
    public var state: AttemptState
    public var startedAt: Date
    public var endedAt: Date?
    public var leaseExpiresAt: Date?
    public var error: String?
}

/// Everything a worker needs to run a claimed attempt, read in the claiming transaction.
public struct ClaimedAttempt: Sendable {
    /// The attempt's id, which is also its fencing token: only this attempt may write a result.
    public var attemptID: Int64
    public var number: Int
    public var run: RunRecord
    public var dag: DagDefinition
    public var task: TaskDefinition
    public var upstreamOutputs: [String: JSONValue]
}

/// A finished attempt as the worker reports it.
public struct AttemptResult: Sendable {
    public var attemptID: Int64
    public var end: AttemptEnd
    public init(attemptID: Int64, end: AttemptEnd) {
        self.attemptID = attemptID
        self.end = end
    }
}

/// What became of a reported result.
public enum FinishOutcome: Sendable, Hashable {
    case recorded(TaskState)
    /// The attempt no longer held its lease (expired, or the run was cancelled): the result was
    /// discarded, as fencing requires.
    case stale
}

/// Work waiting, counted across every node that shares the store.
public struct QueueDepth: Sendable, Hashable {
    /// Tasks a worker may claim now.
    public var readyTasks: Int
    /// Tasks waiting out a retry delay.
    public var delayedTasks: Int
    /// Runs waiting for their DAG's concurrency limit.
    public var queuedRuns: Int
    /// Attempts holding a lease.
    public var runningAttempts: Int

    public init(readyTasks: Int, delayedTasks: Int, queuedRuns: Int, runningAttempts: Int) {
        self.readyTasks = readyTasks
        self.delayedTasks = delayedTasks
        self.queuedRuns = queuedRuns
        self.runningAttempts = runningAttempts
    }
}

/// A piece of an attempt's log.
public struct LogChunk: Sendable, Hashable {
    public var attemptID: Int64
    public var at: Date
    public var stream: String
    public var text: String
    /// Order within the attempt, assigned by the store on read.
    public var sequence: Int64
    public init(attemptID: Int64, at: Date, stream: String, text: String, sequence: Int64 = 0) {
        self.attemptID = attemptID
        self.at = at
        self.stream = stream
        self.text = text
        self.sequence = sequence
    }
}

/// A DAG-level event kept for explanations (`ticker why`).
public struct DagEvent: Sendable, Hashable {
    public var dagID: String
    public var at: Date
    public var kind: String
    public var detail: String?
}

/// What one pass of the scheduler did.
public struct MaterializeReport: Sendable, Hashable {
    public var slotsRecorded = 0
    public var runsStarted = 0
    public var runsQueued = 0
    public var skipped = 0
    /// Runs cancelled by `cancel_other`; their attempts must be told to stop.
    public var runsCancelled = 0
    public init() {}
}

extension MaterializeReport {
    /// Counts a slot recorded with `decision`.
    mutating func record(_ decision: SlotDecision) {
        slotsRecorded += 1
        switch decision {
        case .start: runsStarted += 1
        case .queue: runsQueued += 1
        case .skipMisfire, .skipOverlap: skipped += 1
        }
    }
}

extension AttemptEnd {
    /// A succeeded attempt's output as stored (JSON text); nil otherwise.
    var storedOutput: String? {
        guard case .succeeded(let value) = self else { return nil }
        return value?.encodedString()
    }
}

/// Filters for listing runs, newest first, paged by id.
public struct RunFilter: Sendable, Hashable {
    public var dagID: String?
    public var states: [RunState]
    public var limit: Int
    /// Only runs with a smaller id: the cursor for the next page.
    public var beforeID: Int64?
    public init(dagID: String? = nil, states: [RunState] = [], limit: Int = 50, beforeID: Int64? = nil) {
        self.dagID = dagID
        self.states = states
        self.limit = limit
        self.beforeID = beforeID
    }
}

public struct RunDetail: Sendable, Hashable {
    public var run: RunRecord
    public var tasks: [TaskInstanceRecord]
    public var attempts: [AttemptRecord]
}

/// How a DAG sync changed the store.
public struct DagSyncReport: Sendable, Hashable {
    public var created: [String] = []
    public var updated: [String] = []
    public var deactivated: [String] = []
    public init() {}
}
