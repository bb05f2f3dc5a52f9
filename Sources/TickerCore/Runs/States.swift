/// The life of a run. A run is created for every slot of a schedule (and for each manual trigger or
/// backfill), so every slot ends in exactly one of the final states.
public enum RunState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Waiting for an active run of the same DAG to finish (overlap policy `buffer_*`, `allow`).
    case queued
    case running
    case succeeded
    case failed
    /// The slot came due while another run was active and the overlap policy said skip.
    case skippedOverlap = "skipped_overlap"
    /// The slot's time passed while no scheduler was running and the misfire policy said skip.
    case skippedMisfire = "skipped_misfire"
    case cancelled

    public var isFinal: Bool {
        switch self {
        case .queued, .running: false
        default: true
        }
    }

    public var isActive: Bool { self == .running }
}

/// Why a run exists.
public enum RunKind: String, Sendable, Hashable, Codable {
    /// A slot of the DAG's schedule.
    case scheduled
    /// `ticker trigger` or the API.
    case manual
    /// `ticker backfill`: a past slot of the schedule.
    case backfill
}

/// The life of one task within a run.
public enum TaskState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Upstream tasks have not all finished.
    case waiting
    /// May be claimed by a worker (possibly not before a retry delay).
    case ready
    /// An attempt holds a lease on it.
    case running
    case succeeded
    case failed
    /// An upstream failure made its trigger rule unsatisfiable.
    case upstreamFailed = "upstream_failed"
    /// Its trigger rule can no longer be met, without any failure (for example `one_failed`
    /// when nothing failed).
    case skipped
    case cancelled

    public var isFinal: Bool {
        switch self {
        case .waiting, .ready, .running: false
        default: true
        }
    }

    var countsAsFailure: Bool { self == .failed || self == .upstreamFailed }
}

/// How one attempt ended.
public enum AttemptState: String, Sendable, Hashable, CaseIterable, Codable {
    case running
    case succeeded
    case failed
    /// The task's timeout elapsed; the operator was cancelled.
    case timedOut = "timed_out"
    /// The lease expired: the process holding it died or stopped heartbeating.
    case lost
    /// The run was cancelled, or the worker shut down before the attempt finished.
    case cancelled
    /// Stopped by a graceful shutdown; it will run again and does not count as a failure.
    case interrupted

    public var isFinal: Bool { self != .running }
}
