import Foundation
import PostgresNIO
import TickerCore

extension PostgresStore {
    /// Ready tasks are locked with `SKIP LOCKED`: workers on several nodes claim disjoint tasks
    /// without waiting for each other. One statement picks the tasks, creates their attempts and
    /// marks them running, whatever the batch size.
    public func claim(owner: String, limit: Int, lease: Duration, now: Date) async throws -> [ClaimedAttempt] {
        guard limit > 0 else { return [] }
        return try await write { tx in
            // Statistics lag behind a burst of new runs: believing a few ready rows, the planner
            // would sort all of them on every claim. The ordered index scan is always the right
            // plan here, since it stops after `limit` rows.
            try await tx.execute("SET LOCAL enable_bitmapscan = off")
            let rows = try await tx.rows(
                """
                WITH picked AS (
                    SELECT run_id, task_id, attempts + 1 AS number FROM task_instances
                    WHERE state = 'ready' AND not_before <= \(now.millis)
                    ORDER BY not_before LIMIT \(limit) FOR UPDATE SKIP LOCKED
                ), started AS (
                    INSERT INTO attempts (run_id, task_id, number, owner, state, started_at, heartbeat_at, lease_expires_at)
                    SELECT run_id, task_id, number, \(owner), 'running', \(now.millis), \(now.millis), \(now.millis + lease.millis)
                    FROM picked
                    RETURNING id, run_id, task_id, number
                ), marked AS (
                    UPDATE task_instances ti SET state = 'running', attempts = s.number, current_attempt = s.id
                    FROM started s WHERE ti.run_id = s.run_id AND ti.task_id = s.task_id
                )
                SELECT \(unescaped: SQLiteStore.runColumns("r")), r.version_id, s.id, s.task_id, s.number
                FROM started s JOIN runs r ON r.id = s.run_id ORDER BY s.id
                """)
            var claims: [ClaimedAttempt] = []
            var orphans: [AttemptResult] = []
            for row in rows {
                let run = try Self.runRecord(row)
                let columns = row.makeRandomAccess()
                let dag = try await self.definition(try columns[10].decode(Int64.self), in: tx).definition
                let (attemptID, taskID, number) = (try columns[11].decode(Int64.self), try columns[12].decode(String.self), try columns[13].decode(Int.self))
                guard let task = dag.task(taskID) else {
                    orphans.append(AttemptResult(attemptID: attemptID, end: .failed(error: "task '\(taskID)' is not in the DAG version its run started with")))
                    continue
                }
                claims.append(ClaimedAttempt(attemptID: attemptID, number: number, run: run, dag: dag, task: task, upstreamOutputs: [:]))
            }
            _ = try await self.record(orphans, in: tx, now: now)
            return try await self.withUpstreamOutputs(claims, in: tx)
        }
    }

    /// Fills in what each claimed task's upstream tasks returned, in one query for the batch.
    private func withUpstreamOutputs(_ claims: [ClaimedAttempt], in tx: PostgresTransaction) async throws -> [ClaimedAttempt] {
        let runIDs = Array(Set(claims.filter { !$0.task.dependsOn.isEmpty }.map(\.run.id)))
        guard !runIDs.isEmpty else { return claims }
        var outputs: [Int64: [String: String]] = [:]
        let rows = try await tx.rows(
            "SELECT run_id, task_id, output FROM task_instances WHERE run_id = ANY(\(runIDs)) AND state = 'succeeded' AND output IS NOT NULL")
        for row in rows {
            let (runID, taskID, output) = try row.decode((Int64, String, String).self)
            outputs[runID, default: [:]][taskID] = output
        }
        return claims.map { claim in
            var claim = claim
            for (taskID, output) in outputs[claim.run.id] ?? [:] where claim.task.dependsOn.contains(taskID) {
                claim.upstreamOutputs[taskID] = try? JSONValue(parsing: output)
            }
            return claim
        }
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
    /// here: `record` locks their runs first, as every finisher does, and finds an attempt that
    /// another node ended meanwhile no longer running.
    private func loseAttempts(_ select: PostgresQuery, now: Date) async throws -> Int {
        try await write { tx in
            let ids = try await tx.rows(select).map { try $0.decode(Int64.self) }
            _ = try await self.record(ids.map { AttemptResult(attemptID: $0, end: .lost) }, in: tx, now: now)
            return ids.count
        }
    }
}
