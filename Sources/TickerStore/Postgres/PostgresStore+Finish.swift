import Foundation
import PostgresNIO
import TickerCore

extension PostgresStore {
    /// Records results, fenced: a result counts only if its attempt still holds its task.
    public func finish(_ results: [AttemptResult], logs: [LogChunk] = [], now: Date) async throws -> [Int64: FinishOutcome] {
        guard !results.isEmpty || !logs.isEmpty else { return [:] }
        return try await write { tx in
            try await Self.insertLogs(tx, logs)
            return try await self.record(results, in: tx, now: now)
        }
    }

    /// Records a batch of results in a fixed number of statements, whatever its size.
    ///
    /// The runs are locked first, in id order, then each attempt and its task: every path that
    /// advances a run takes that order, so two nodes finishing overlapping batches wait for each
    /// other instead of deadlocking, and exactly one of them ends each run. A result counts only
    /// if its attempt is still running and is still its task's current attempt; otherwise the
    /// attempt is closed and the outcome is `stale`.
    func record(_ results: [AttemptResult], in tx: PostgresTransaction, now: Date) async throws -> [Int64: FinishOutcome] {
        guard !results.isEmpty else { return [:] }
        let byID = Dictionary(results.map { ($0.attemptID, $0) }, uniquingKeysWith: { first, _ in first })
        var outcomes = byID.mapValues { _ in FinishOutcome.stale }
        let rows = try await tx.rows(
            """
            SELECT a.id, a.run_id, a.task_id, r.dag_id, r.version_id, ti.state, ti.current_attempt, ti.failures, ti.lost
            FROM attempts a JOIN runs r ON r.id = a.run_id
            JOIN task_instances ti ON ti.run_id = a.run_id AND ti.task_id = a.task_id
            WHERE a.id = ANY(\(Array(byID.keys))) AND a.state = 'running'
            ORDER BY r.id, a.id FOR NO KEY UPDATE OF r, a, ti
            """)
        var ended: [EndedAttempt] = []
        var tasks: [TaskChange] = []
        var settled: [Int64: SettledRun] = [:]
        for row in rows {
            let (attemptID, runID, taskID, dagID, versionID, taskState, current, failures, lost) = try row.decode(
                (Int64, Int64, String, String, Int64, String, Int64?, Int, Int).self)
            guard let end = byID[attemptID]?.end else { continue }
            ended.append(EndedAttempt(id: attemptID, state: end.attemptState.rawValue, error: end.errorText))
            guard taskState == TaskState.running.rawValue, current == attemptID else { continue }
            let dag = try await definition(versionID, in: tx).definition
            guard let task = dag.task(taskID) else { continue }
            let history = AttemptHistory(failures: failures, lost: lost).counting(end)
            let next = task.transition(after: end, history: history, now: now, unit: Double.random(in: 0..<1))
            tasks.append(
                TaskChange(
                    run: runID, task: taskID, state: next.state.rawValue, after: next.notBefore?.millis, failures: history.failures,
                    lost: history.lost, output: end.storedOutput, error: next.error))
            if next.state == .ready && (next.notBefore ?? now) <= now { tx.readiedWork = true }
            if next.state.isFinal { settled[runID] = SettledRun(dagID: dagID, dag: dag) }
            outcomes[attemptID] = .recorded(next.state)
        }
        try await close(ended, in: tx, now: now)
        try await apply(tasks, in: tx, now: now)
        try await advanceRuns(settled, in: tx, now: now)
        return outcomes
    }

    /// After tasks reached a final state: readies downstream tasks by their trigger rules, ends
    /// the runs whose tasks are all final and starts queued runs that now fit.
    func advanceRuns(_ runs: [Int64: SettledRun], in tx: PostgresTransaction, now: Date) async throws {
        guard !runs.isEmpty else { return }
        var states: [Int64: [String: TaskState]] = [:]
        for row in try await tx.rows("SELECT run_id, task_id, state FROM task_instances WHERE run_id = ANY(\(Array(runs.keys)))") {
            let (runID, taskID, state) = try row.decode((Int64, String, String).self)
            states[runID, default: [:]][taskID] = TaskState(rawValue: state) ?? .failed
        }
        var changes: [TaskChange] = []
        var outcomes: [RunOutcome] = []
        for (runID, run) in runs.sorted(by: { $0.key < $1.key }) {
            var current = states[runID] ?? [:]
            for (taskID, state) in RunProgress(dag: run.dag).propagate(current).sorted(by: { $0.key < $1.key }) {
                changes.append(TaskChange(run: runID, task: taskID, state: state.rawValue, after: now.millis))
                current[taskID] = state
                if state == .ready { tx.readiedWork = true }
            }
            if let outcome = RunProgress.outcome(of: Array(current.values)) {
                outcomes.append(RunOutcome(id: runID, state: outcome.rawValue))
            }
        }
        try await setStates(changes, in: tx)
        try await end(outcomes, in: tx, now: now)
        let dagIDs = Set(outcomes.compactMap { runs[$0.id]?.dagID })
        try await startQueuedRuns(tx, dagIDs: dagIDs, now: now)
    }

    /// Starts queued runs of the DAGs that have any; one query finds them.
    func startQueuedRuns(_ tx: PostgresTransaction, dagIDs: Set<String>, now: Date) async throws {
        guard !dagIDs.isEmpty else { return }
        let waiting = try await tx.rows(
            "SELECT DISTINCT dag_id FROM runs WHERE dag_id = ANY(\(Array(dagIDs))) AND state = 'queued' ORDER BY dag_id"
        ).map { try $0.decode(String.self) }
        for dagID in waiting { try await startQueuedRuns(tx, dagID: dagID, now: now) }
    }

    // MARK: Set-based writes

    private func close(_ attempts: [EndedAttempt], in tx: PostgresTransaction, now: Date) async throws {
        guard !attempts.isEmpty else { return }
        try await tx.execute(
            """
            UPDATE attempts a SET state = e.state, ended_at = \(now.millis), error = e.error
            FROM (SELECT * FROM json_to_recordset(\(try PostgresBatch.json(attempts))::json) AS e(id bigint, state text, error text) LIMIT \(attempts.count)) AS e
            WHERE a.id = e.id
            """)
    }

    private func apply(_ changes: [TaskChange], in tx: PostgresTransaction, now: Date) async throws {
        guard !changes.isEmpty else { return }
        try await tx.execute(
            """
            UPDATE task_instances ti SET state = c.state, not_before = c.after, failures = c.failures, lost = c.lost,
                   output = c.output, error = c.error, current_attempt = NULL
            FROM (SELECT * FROM json_to_recordset(\(try PostgresBatch.json(changes))::json)
                  AS c(run bigint, task text, state text, after bigint, failures integer, lost integer, output text, error text)
                  LIMIT \(changes.count)) AS c
            WHERE ti.run_id = c.run AND ti.task_id = c.task
            """)
    }

    /// State changes from trigger rules: only the state and when the task may start.
    private func setStates(_ changes: [TaskChange], in tx: PostgresTransaction) async throws {
        guard !changes.isEmpty else { return }
        try await tx.execute(
            """
            UPDATE task_instances ti SET state = c.state, not_before = c.after
            FROM (SELECT * FROM json_to_recordset(\(try PostgresBatch.json(changes))::json) AS c(run bigint, task text, state text, after bigint)
                  LIMIT \(changes.count)) AS c
            WHERE ti.run_id = c.run AND ti.task_id = c.task
            """)
    }

    private func end(_ runs: [RunOutcome], in tx: PostgresTransaction, now: Date) async throws {
        guard !runs.isEmpty else { return }
        let ended = try await tx.rows(
            """
            UPDATE runs r SET state = o.state, ended_at = \(now.millis)
            FROM (SELECT * FROM json_to_recordset(\(try PostgresBatch.json(runs))::json) AS o(id bigint, state text) LIMIT \(runs.count)) AS o
            WHERE r.id = o.id AND r.state IN ('queued', 'running')
            RETURNING r.state
            """)
        for row in ended { tx.endedRuns.append(RunState(rawValue: try row.decode(String.self)) ?? .failed) }
    }
}

/// A run one of whose tasks reached a final state in this transaction.
struct SettledRun {
    var dagID: String
    var dag: DagDefinition
}

/// Rows of the batch statements; property names are the record sets' column names.
private struct EndedAttempt: Encodable {
    var id: Int64
    var state: String
    var error: String?
}

private struct TaskChange: Encodable {
    var run: Int64
    var task: String
    var state: String
    var after: Int64?
    var failures: Int?
    var lost: Int?
    var output: String?
    var error: String?
}

private struct RunOutcome: Encodable {
    var id: Int64
    var state: String
}
