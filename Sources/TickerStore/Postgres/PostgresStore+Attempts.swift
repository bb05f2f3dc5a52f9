import Foundation
import PostgresNIO
import TickerCore

extension PostgresStore {
    /// Ready tasks are locked with `SKIP LOCKED`: workers on several nodes claim disjoint tasks
    /// without waiting for each other.
    public func claim(owner: String, limit: Int, lease: Duration, now: Date) async throws -> [ClaimedAttempt] {
        guard limit > 0 else { return [] }
        return try await write { tx in
            let ready = try await tx.rows(
                """
                SELECT ti.run_id, ti.task_id, ti.attempts FROM task_instances ti
                WHERE ti.state = 'ready' AND ti.not_before <= \(now.millis)
                ORDER BY ti.not_before LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """)
            var claims: [ClaimedAttempt] = []
            for row in ready {
                let (runID, taskID, attempts) = try row.decode((Int64, String, Int).self)
                if let claim = try await self.claimOne(tx, runID: runID, taskID: taskID, number: attempts + 1, owner: owner, lease: lease, now: now) {
                    claims.append(claim)
                }
            }
            return claims
        }
    }

    private func claimOne(
        _ tx: PostgresTransaction, runID: Int64, taskID: String, number: Int, owner: String, lease: Duration, now: Date
    ) async throws -> ClaimedAttempt? {
        guard let row = try await tx.rows("SELECT \(unescaped: Self.runColumns), version_id FROM runs WHERE id = \(runID)").first else {
            return nil
        }
        let run = try Self.runRecord(row)
        let dag = try await definition(try row.makeRandomAccess()[10].decode(Int64.self), in: tx).definition
        guard let task = dag.task(taskID) else { return nil }
        let attemptID = try await tx.value(
            """
            INSERT INTO attempts (run_id, task_id, number, owner, state, started_at, heartbeat_at, lease_expires_at)
            VALUES (\(runID), \(taskID), \(number), \(owner), 'running', \(now.millis), \(now.millis), \(now.millis + lease.millis))
            RETURNING id
            """, as: Int64.self) ?? 0
        try await tx.execute(
            """
            UPDATE task_instances SET state = 'running', attempts = \(number), current_attempt = \(attemptID)
            WHERE run_id = \(runID) AND task_id = \(taskID)
            """)
        return ClaimedAttempt(
            attemptID: attemptID, number: number, run: run, dag: dag, task: task,
            upstreamOutputs: try await upstreamOutputs(tx, runID: runID, of: task))
    }

    private func upstreamOutputs(_ tx: PostgresTransaction, runID: Int64, of task: TaskDefinition) async throws -> [String: JSONValue] {
        guard !task.dependsOn.isEmpty else { return [:] }
        var outputs: [String: JSONValue] = [:]
        let rows = try await tx.rows(
            "SELECT task_id, output FROM task_instances WHERE run_id = \(runID) AND state = 'succeeded' AND output IS NOT NULL")
        for row in rows {
            let (taskID, output) = try row.decode((String, String).self)
            if task.dependsOn.contains(taskID) { outputs[taskID] = try? JSONValue(parsing: output) }
        }
        return outputs
    }

    public func renewLeases(owner: String, attemptIDs: [Int64], lease: Duration, now: Date) async throws -> Set<Int64> {
        guard !attemptIDs.isEmpty else { return [] }
        return try await write { tx in
            try await tx.execute(
                """
                UPDATE attempts SET lease_expires_at = \(now.millis + lease.millis), heartbeat_at = \(now.millis)
                WHERE owner = \(owner) AND state = 'running' AND id = ANY(\(attemptIDs))
                """)
            let valid = try await tx.rows(
                """
                SELECT a.id FROM attempts a
                JOIN task_instances ti ON ti.run_id = a.run_id AND ti.task_id = a.task_id
                WHERE a.id = ANY(\(attemptIDs)) AND a.owner = \(owner) AND a.state = 'running'
                  AND ti.state = 'running' AND ti.current_attempt = a.id
                """
            ).map { try $0.decode(Int64.self) }
            return Set(attemptIDs).subtracting(valid)
        }
    }

    public func finish(_ results: [AttemptResult], logs: [LogChunk] = [], now: Date) async throws -> [Int64: FinishOutcome] {
        guard !results.isEmpty || !logs.isEmpty else { return [:] }
        return try await write { tx in
            try await Self.insertLogs(tx, logs)
            var outcomes: [Int64: FinishOutcome] = [:]
            // Runs are locked in id order, so two nodes finishing overlapping batches cannot
            // deadlock on each other's runs.
            for result in results.sorted(by: { $0.attemptID < $1.attemptID }) {
                outcomes[result.attemptID] = try await self.finishOne(tx, result, now: now)
            }
            return outcomes
        }
    }

    /// Records one result, fenced: the attempt must still be running and still be its task's
    /// current attempt. The run's row is locked first, so the tasks of one run finishing on two
    /// nodes at once advance the run one after the other and exactly one of them ends it.
    func finishOne(_ tx: PostgresTransaction, _ result: AttemptResult, now: Date) async throws -> FinishOutcome {
        guard let runID = try await tx.value("SELECT run_id FROM attempts WHERE id = \(result.attemptID)", as: Int64.self),
            let (dagID, versionID) = try await tx.rows("SELECT dag_id, version_id FROM runs WHERE id = \(runID) FOR NO KEY UPDATE")
                .first?.decode((String, Int64).self)
        else { return .stale }
        guard let row = try await tx.rows(
            """
            SELECT a.task_id, ti.state, ti.current_attempt, ti.failures, ti.lost
            FROM attempts a JOIN task_instances ti ON ti.run_id = a.run_id AND ti.task_id = a.task_id
            WHERE a.id = \(result.attemptID) AND a.state = 'running'
            FOR NO KEY UPDATE
            """
        ).first else { return .stale }
        let (taskID, taskState, current, failures, lost) = try row.decode((String, String, Int64?, Int, Int).self)
        try await tx.execute(
            """
            UPDATE attempts SET state = \(result.end.attemptState.rawValue), ended_at = \(now.millis), error = \(result.end.errorText)
            WHERE id = \(result.attemptID)
            """)
        guard taskState == TaskState.running.rawValue, current == result.attemptID else { return .stale }
        let dag = try await definition(versionID, in: tx).definition
        guard let task = dag.task(taskID) else { return .stale }
        let history = AttemptHistory(failures: failures, lost: lost).counting(result.end)
        let next = task.transition(after: result.end, history: history, now: now, unit: Double.random(in: 0..<1))
        let output = result.end.storedOutput
        try await tx.execute(
            """
            UPDATE task_instances SET state = \(next.state.rawValue), not_before = \(next.notBefore?.millis),
                   failures = \(history.failures), lost = \(history.lost), output = \(output), error = \(next.error),
                   current_attempt = NULL
            WHERE run_id = \(runID) AND task_id = \(taskID)
            """)
        if next.state == .ready && (next.notBefore ?? now) <= now { tx.readiedWork = true }
        if next.state.isFinal {
            try await advanceRun(tx, runID: runID, dagID: dagID, dag: dag, now: now)
        }
        return .recorded(next.state)
    }

    /// After a task reached a final state: readies downstream tasks by their trigger rules and
    /// ends the run once every task is final.
    func advanceRun(_ tx: PostgresTransaction, runID: Int64, dagID: String, dag: DagDefinition, now: Date) async throws {
        var states: [String: TaskState] = [:]
        for row in try await tx.rows("SELECT task_id, state FROM task_instances WHERE run_id = \(runID)") {
            let (taskID, state) = try row.decode((String, String).self)
            states[taskID] = TaskState(rawValue: state) ?? .failed
        }
        let changes = RunProgress(dag: dag).propagate(states)
        tx.readiedWork = tx.readiedWork || changes.values.contains(.ready)
        for (taskID, state) in changes.sorted(by: { $0.key < $1.key }) {
            try await tx.execute(
                "UPDATE task_instances SET state = \(state.rawValue), not_before = \(now.millis) WHERE run_id = \(runID) AND task_id = \(taskID)")
            states[taskID] = state
        }
        if let outcome = RunProgress.outcome(of: Array(states.values)) {
            try await finishRun(tx, runID: runID, dagID: dagID, state: outcome, reason: nil, now: now)
        }
    }

    public func expireLeases(now: Date) async throws -> Int {
        try await loseAttempts(
            "SELECT id FROM attempts WHERE state = 'running' AND lease_expires_at < \(now.millis) ORDER BY id", now: now)
    }

    /// Implemented for the contract's sake; the engine never calls it on a shared store
    /// (`EngineConfiguration.exclusiveStore` is false), where attempts of other owners belong to
    /// live nodes and only expired leases mark orphans.
    public func abandonAttempts(notOwnedBy owner: String, now: Date) async throws -> Int {
        try await loseAttempts("SELECT id FROM attempts WHERE state = 'running' AND owner <> \(owner) ORDER BY id", now: now)
    }

    /// Ends the attempts `select` lists as lost, so their tasks are retried. They are not locked
    /// here: `finishOne` locks each run first, as every finisher does, and finds an attempt that
    /// another node ended meanwhile no longer running.
    private func loseAttempts(_ select: PostgresQuery, now: Date) async throws -> Int {
        try await write { tx in
            let ids = try await tx.rows(select).map { try $0.decode(Int64.self) }
            for id in ids {
                _ = try await self.finishOne(tx, AttemptResult(attemptID: id, end: .lost), now: now)
            }
            return ids.count
        }
    }
}
