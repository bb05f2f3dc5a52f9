import Foundation
import GRDB
import TickerCore

extension SQLiteStore {
    public func claim(owner: String, limit: Int, lease: Duration, now: Date) async throws -> [ClaimedAttempt] {
        guard limit > 0 else { return [] }
        return try await pool.write { db in
            let ready = try db.cachedRows(
                """
                SELECT ti.task_id, ti.attempts, r.version_id, \(Self.runColumns("r"))
                FROM task_instances ti JOIN runs r ON r.id = ti.run_id
                WHERE ti.state = 'ready' AND ti.not_before <= ?
                ORDER BY ti.not_before LIMIT ?
                """, [now.millis, limit])
            return try ready.compactMap { row in
                try self.claimOne(db, row, owner: owner, lease: lease, now: now)
            }
        }
    }

    /// Columns: task_id, attempts, version_id, then the run's `runColumns`.
    private func claimOne(_ db: Database, _ row: Row, owner: String, lease: Duration, now: Date) throws -> ClaimedAttempt? {
        let taskID: String = row[0]
        let number = (row[1] as Int) + 1
        let dag = try definitions.definition(row[2], in: db).definition
        let run = Self.runRecord(row, from: 3)
        guard let task = dag.task(taskID) else { return nil }
        try db.cachedExecute(
            """
            INSERT INTO attempts (run_id, task_id, number, owner, state, started_at, heartbeat_at, lease_expires_at)
            VALUES (?, ?, ?, ?, 'running', ?, ?, ?)
            """, [run.id, taskID, number, owner, now.millis, now.millis, now.millis + lease.millis])
        let attemptID = db.lastInsertedRowID
        try db.cachedExecute(
            "UPDATE task_instances SET state = 'running', attempts = ?, current_attempt = ? WHERE run_id = ? AND task_id = ?",
            [number, attemptID, run.id, taskID])
        return ClaimedAttempt(
            attemptID: attemptID, number: number, run: run, dag: dag, task: task,
            upstreamOutputs: try upstreamOutputs(db, runID: run.id, of: task))
    }

    private func upstreamOutputs(_ db: Database, runID: Int64, of task: TaskDefinition) throws -> [String: JSONValue] {
        guard !task.dependsOn.isEmpty else { return [:] }
        var outputs: [String: JSONValue] = [:]
        let rows = try db.cachedRows(
            "SELECT task_id, output FROM task_instances WHERE run_id = ? AND state = 'succeeded' AND output IS NOT NULL", [runID])
        for row in rows where task.dependsOn.contains(row[0] as String) {
            outputs[row[0]] = try? JSONValue(parsing: row[1])
        }
        return outputs
    }

    public func renewLeases(owner: String, attemptIDs: [Int64], lease: Duration, now: Date) async throws -> Set<Int64> {
        guard !attemptIDs.isEmpty else { return [] }
        return try await pool.write { db in
            let list = attemptIDs.map(String.init).joined(separator: ",")
            try db.execute(
                sql: "UPDATE attempts SET lease_expires_at = ?, heartbeat_at = ? WHERE owner = ? AND state = 'running' AND id IN (\(list))",
                arguments: [now.millis + lease.millis, now.millis, owner])
            let valid = try Int64.fetchAll(
                db,
                sql: """
                    SELECT a.id FROM attempts a
                    JOIN task_instances ti ON ti.run_id = a.run_id AND ti.task_id = a.task_id
                    WHERE a.id IN (\(list)) AND a.owner = ? AND a.state = 'running'
                      AND ti.state = 'running' AND ti.current_attempt = a.id
                    """, arguments: [owner])
            return Set(attemptIDs).subtracting(valid)
        }
    }

    public func finish(_ results: [AttemptResult], logs: [LogChunk] = [], now: Date) async throws -> [Int64: FinishOutcome] {
        guard !results.isEmpty || !logs.isEmpty else { return [:] }
        return try await pool.write { db in
            try Self.insertLogs(db, logs)
            var outcomes: [Int64: FinishOutcome] = [:]
            for result in results {
                outcomes[result.attemptID] = try self.finishOne(db, result, now: now)
            }
            return outcomes
        }
    }

    /// Records one result. The attempt must still be running (fencing token valid) and still be the
    /// task's current attempt; otherwise the attempt is closed but the task is left alone.
    func finishOne(_ db: Database, _ result: AttemptResult, now: Date) throws -> FinishOutcome {
        guard let row = try db.cachedRow(
            """
            SELECT a.run_id, a.task_id, ti.state, ti.current_attempt, ti.failures, ti.lost, r.dag_id, r.version_id
            FROM attempts a
            JOIN task_instances ti ON ti.run_id = a.run_id AND ti.task_id = a.task_id
            JOIN runs r ON r.id = a.run_id
            WHERE a.id = ? AND a.state = 'running'
            """, [result.attemptID])
        else { return .stale }
        try db.cachedExecute(
            "UPDATE attempts SET state = ?, ended_at = ?, error = ? WHERE id = ?",
            [result.end.attemptState.rawValue, now.millis, result.end.errorText, result.attemptID])
        guard (row[2] as String) == TaskState.running.rawValue, (row[3] as Int64?) == result.attemptID else { return .stale }
        let runID: Int64 = row[0]
        let taskID: String = row[1]
        let dagID: String = row[6]
        let dag = try definitions.definition(row[7], in: db).definition
        guard let task = dag.task(taskID) else { return .stale }
        let history = AttemptHistory(failures: row[4], lost: row[5]).counting(result.end)
        let next = task.transition(after: result.end, history: history, now: now, unit: Double.random(in: 0..<1))
        let output = result.end.storedOutput
        try db.cachedExecute(
            """
            UPDATE task_instances SET state = ?, not_before = ?, failures = ?, lost = ?, output = ?, error = ?,
                   current_attempt = NULL
            WHERE run_id = ? AND task_id = ?
            """,
            [next.state.rawValue, next.notBefore?.millis, history.failures, history.lost, output, next.error, runID, taskID])
        if next.state.isFinal {
            try advanceRun(db, runID: runID, dagID: dagID, dag: dag, now: now)
        }
        return .recorded(next.state)
    }

    /// After a task reached a final state: readies downstream tasks by their trigger rules and
    /// ends the run once every task is final.
    func advanceRun(_ db: Database, runID: Int64, dagID: String, dag: DagDefinition, now: Date) throws {
        var states: [String: TaskState] = [:]
        for row in try db.cachedRows("SELECT task_id, state FROM task_instances WHERE run_id = ?", [runID]) {
            states[row[0]] = TaskState(rawValue: row[1]) ?? .failed
        }
        let changes = RunProgress(dag: dag).propagate(states)
        let update = try db.cachedStatement(
            sql: "UPDATE task_instances SET state = ?, not_before = ? WHERE run_id = ? AND task_id = ?")
        for (taskID, state) in changes {
            try update.execute(arguments: [state.rawValue, now.millis, runID, taskID])
            states[taskID] = state
        }
        if let outcome = RunProgress.outcome(of: Array(states.values)) {
            try finishRun(db, runID: runID, dagID: dagID, state: outcome, reason: nil, now: now)
        }
    }

    public func expireLeases(now: Date) async throws -> Int {
        try await endRunningAttempts(
            where: "lease_expires_at < ?", arguments: [now.millis], now: now)
    }

    public func abandonAttempts(notOwnedBy owner: String, now: Date) async throws -> Int {
        try await endRunningAttempts(where: "owner != ?", arguments: [owner], now: now)
    }

    private func endRunningAttempts(where condition: String, arguments: StatementArguments, now: Date) async throws -> Int {
        try await pool.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM attempts WHERE state = 'running' AND \(condition)", arguments: arguments)
            for id in ids {
                _ = try self.finishOne(db, AttemptResult(attemptID: id, end: .lost), now: now)
            }
            return ids.count
        }
    }
}
