import Foundation
import TickerCore

/// Everything the scheduler, the workers and the CLI need from storage.
///
/// Each method is one transaction: a crash at any point leaves either all of its writes or none.
/// The rules (which slots run, retries, trigger rules) live in `TickerCore`; implementations load
/// state, call those pure functions and write the result, so SQLite and PostgreSQL behave the same.
public protocol SchedulerStore: Sendable {
    /// Whether the database answers and has every migration of this version: what a readiness
    /// probe asks, cheaply, many times a minute.
    func isReady() async throws -> Bool

    // MARK: DAGs

    /// Stores new and changed definitions; with `deactivateOthers`, DAGs not listed are marked
    /// inactive (their files are gone). A changed schedule restarts from the next fire after `now`.
    func syncDags(_ dags: [DagDefinition], deactivateOthers: Bool, now: Date) async throws -> DagSyncReport
    func dags() async throws -> [DagRecord]
    func dag(_ id: String) async throws -> DagRecord?
    /// Pausing stops new slots; unpausing resumes from the next fire after `now`.
    func setPaused(_ id: String, _ paused: Bool, now: Date) async throws
    func events(dagID: String, limit: Int) async throws -> [DagEvent]

    // MARK: Slots and runs

    /// The earliest watermark among active, unpaused DAGs: when the scheduler must wake next.
    func nextDueSlot() async throws -> Date?
    /// Records every slot due at `now` with the decision of the DAG's policies, starts the runs it
    /// may start and advances the watermarks.
    func materializeDueSlots(now: Date) async throws -> MaterializeReport
    /// A manual run; it starts now if the DAG's concurrency allows, otherwise it is queued.
    func trigger(dagID: String, conf: JSONValue, now: Date) async throws -> RunRecord
    /// Runs for every slot of the schedule in [from, to] that has no run yet; they queue and start
    /// as the DAG's concurrency allows. Returns the runs created.
    func backfill(dagID: String, from: Date, to: Date, now: Date) async throws -> [RunRecord]
    /// Fails runs whose run timeout elapsed, cancelling their unfinished tasks.
    func timeOutRuns(now: Date) async throws -> Int

    // MARK: Attempts

    /// Claims up to `limit` ready tasks for `owner`, each as a new attempt holding a lease.
    func claim(owner: String, limit: Int, lease: Duration, now: Date) async throws -> [ClaimedAttempt]
    /// Extends the leases of `attemptIDs` held by `owner`. Returns the ones the owner must stop:
    /// their lease was lost or their run was cancelled.
    func renewLeases(owner: String, attemptIDs: [Int64], lease: Duration, now: Date) async throws -> Set<Int64>
    /// Records results, fenced: a result counts only if its attempt still holds the task. `logs`
    /// are written first in the same transaction, so a finished attempt's log is complete.
    func finish(_ results: [AttemptResult], logs: [LogChunk], now: Date) async throws -> [Int64: FinishOutcome]
    /// Ends attempts whose lease expired as `lost`, so their tasks are retried.
    func expireLeases(now: Date) async throws -> Int
    /// Ends as `lost` every running attempt not owned by `owner`. Only for a store that a single
    /// process owns exclusively (SQLite): after a restart, all earlier attempts are orphans.
    func abandonAttempts(notOwnedBy owner: String, now: Date) async throws -> Int

    // MARK: Logs

    func appendLogs(_ chunks: [LogChunk]) async throws
    func logs(attemptID: Int64, afterSequence: Int64) async throws -> [LogChunk]
    /// Deletes logs of attempts that ended before `cutoff`.
    func pruneLogs(endedBefore cutoff: Date) async throws -> Int

    // MARK: Queries

    func runs(_ filter: RunFilter) async throws -> [RunRecord]
    func run(_ id: Int64) async throws -> RunDetail?
    func runs(dagID: String, slotsFrom: Date, through: Date) async throws -> [RunRecord]
    func lastRun(dagID: String) async throws -> RunRecord?
    /// Work waiting across the whole cluster, for metrics.
    func queueDepth(now: Date) async throws -> QueueDepth
    /// Every attempt of the DAG's runs, oldest first (for audits and benchmarks).
    func attempts(dagID: String) async throws -> [AttemptRecord]
}

/// Errors the store reports to people; messages say what to do.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case dagNotFound(String)
    case dagHasNoSchedule(String)
    case runNotFound(Int64)
    case cannotOpen(path: String, reason: String)
    case notADatabase(path: String)
    case alreadyInUse(path: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .dagNotFound(let id): "no DAG named '\(id)' (see `ticker dags list`)"
        case .dagHasNoSchedule(let id): "DAG '\(id)' has no schedule, so it has no slots to backfill"
        case .runNotFound(let id): "no run with id \(id)"
        case .cannotOpen(let path, let reason): "cannot open the database at \(path): \(reason)"
        case .notADatabase(let path):
            "\(path) is not a Ticker database or is corrupted; nothing was changed. "
                + "Restore it from a backup, or move it away to start empty."
        case .alreadyInUse(let path):
            "another `ticker serve` is already using \(path); one data directory serves one process"
        case .invalidArgument(let message): message
        }
    }
}
