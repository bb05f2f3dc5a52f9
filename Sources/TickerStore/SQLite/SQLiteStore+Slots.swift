import Foundation
import GRDB
import TickerCore

extension SQLiteStore {
    /// At most this many slots of one DAG are recorded per transaction; a longer backlog (a long
    /// downtime of an every-second schedule) is worked off in several passes, each durable.
    static let slotsPerPass = 5_000

    public func nextDueSlot() async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT MIN(next_slot_at) FROM dags WHERE active = 1 AND paused = 0"
            ).map(Date.init(millis:))
        }
    }

    public func materializeDueSlots(now: Date) async throws -> MaterializeReport {
        try await pool.write { db in
            var report = MaterializeReport()
            let due = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, version_id, next_slot_at FROM dags
                    WHERE active = 1 AND paused = 0 AND next_slot_at IS NOT NULL AND next_slot_at <= ?
                    """, arguments: [now.millis])
            for row in due {
                let dag = try self.definitions.definition(row["version_id"], in: db)
                try self.materialize(
                    db, dag, versionID: row["version_id"], watermark: Date(millis: row["next_slot_at"]),
                    now: now, report: &report)
            }
            return report
        }
    }

    private func materialize(
        _ db: Database, _ dag: CompiledDag, versionID: Int64, watermark: Date, now: Date,
        report: inout MaterializeReport
    ) throws {
        let id = dag.definition.id
        guard let schedule = dag.schedule else {
            try db.execute(sql: "UPDATE dags SET next_slot_at = NULL WHERE id = ?", arguments: [id])
            return
        }
        var slots = [watermark]
        while slots.count < Self.slotsPerPass, let next = schedule.nextFire(after: slots[slots.count - 1]), next <= now {
            slots.append(next)
        }
        let plan = dag.definition.planSlots(slots, now: now, active: try activeRuns(db, id))
        if plan.cancelActiveRuns {
            report.runsCancelled += try activeRuns(db, id).running
            try cancelRuns(db, dagID: id, reason: "cancelled by a newer slot (overlap policy cancel_other)", now: now)
        }
        for (slot, decision) in plan.decisions {
            let inserted = try insertRun(
                db, dag: dag, versionID: versionID, slot: slot, kind: .scheduled, state: decision.runState,
                reason: decision.reason, conf: .object([:]), now: now)
            if inserted != nil { report.record(decision) }
        }
        let next = schedule.nextFire(after: slots[slots.count - 1])
        try db.execute(sql: "UPDATE dags SET next_slot_at = ? WHERE id = ?", arguments: [next?.millis, id])
    }

    func activeRuns(_ db: Database, _ dagID: String) throws -> ActiveRuns {
        ActiveRuns(
            running: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE dag_id = ? AND state = 'running'", arguments: [dagID]) ?? 0,
            queued: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE dag_id = ? AND state = 'queued'", arguments: [dagID]) ?? 0)
    }

    /// Inserts a run, and its task instances when it starts running. Returns nil when the slot
    /// already has a run (the uniqueness index said no): the caller must not count it.
    @discardableResult
    func insertRun(
        _ db: Database, dag: CompiledDag, versionID: Int64, slot: Date, kind: RunKind, state: RunState,
        reason: String?, conf: JSONValue, now: Date
    ) throws -> Int64? {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO runs (dag_id, version_id, slot_at, kind, state, reason, conf, created_at, ended_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                dag.definition.id, versionID, slot.millis, kind.rawValue,
                state == .running ? RunState.queued.rawValue : state.rawValue, reason, conf.encodedString(),
                now.millis, state.isFinal ? now.millis : nil,
            ])
        guard db.changesCount == 1 else { return nil }
        let runID = db.lastInsertedRowID
        if state.isFinal { RunMetrics.runEnded(state, in: db) }
        if state == .running { try startRun(db, runID: runID, dag: dag.definition, now: now) }
        return runID
    }

    /// Moves a queued run to running and creates its task instances in their initial states.
    func startRun(_ db: Database, runID: Int64, dag: DagDefinition, now: Date) throws {
        let deadline = dag.runTimeout.map { now.millis + $0.millis }
        try db.cachedExecute(
            "UPDATE runs SET state = 'running', started_at = ?, deadline_at = ? WHERE id = ?", [now.millis, deadline, runID])
        let insert = try db.cachedStatement(
            sql: "INSERT INTO task_instances (run_id, task_id, state, not_before) VALUES (?, ?, ?, ?)")
        for (taskID, state) in RunProgress(dag: dag).initialStates().sorted(by: { $0.key < $1.key }) {
            try insert.execute(arguments: [runID, taskID, state.rawValue, now.millis])
        }
    }

    /// Ends a run and starts queued runs of its DAG that now fit its concurrency limit.
    func finishRun(_ db: Database, runID: Int64, dagID: String, state: RunState, reason: String?, now: Date) throws {
        try db.cachedExecute(
            "UPDATE runs SET state = ?, reason = COALESCE(?, reason), ended_at = ? WHERE id = ? AND state IN ('queued', 'running')",
            [state.rawValue, reason, now.millis, runID])
        if db.changesCount == 1 { RunMetrics.runEnded(state, in: db) }
        try startQueuedRuns(db, dagID: dagID, now: now)
    }

    /// Starts the oldest queued runs of the DAG that fit its current concurrency limit.
    ///
    /// Called after every run ends, so the common case (nothing queued) is one index probe; the
    /// running count, which grows with the number of active runs, is only taken when needed.
    func startQueuedRuns(_ db: Database, dagID: String, now: Date) throws {
        let anyQueued = try db.cachedValue(
            Bool.self, "SELECT EXISTS (SELECT 1 FROM runs WHERE dag_id = ? AND state = 'queued')", [dagID])
        guard anyQueued == true,
            let versionID = try Int64.fetchOne(db, sql: "SELECT version_id FROM dags WHERE id = ?", arguments: [dagID])
        else { return }
        let limit = try definitions.definition(versionID, in: db).definition.concurrencyLimit
        let running = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM runs WHERE dag_id = ? AND state = 'running'", arguments: [dagID]) ?? 0
        guard running < limit else { return }
        let queued = try Row.fetchAll(
            db, sql: "SELECT id, version_id FROM runs WHERE dag_id = ? AND state = 'queued' ORDER BY slot_at, id LIMIT ?",
            arguments: [dagID, limit - running])
        for row in queued {
            try startRun(db, runID: row["id"], dag: try definitions.definition(row["version_id"], in: db).definition, now: now)
        }
    }

    /// Cancels the DAG's running runs: unfinished tasks become cancelled, and workers holding
    /// their attempts learn it at their next heartbeat.
    func cancelRuns(_ db: Database, dagID: String, reason: String, now: Date) throws {
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM runs WHERE dag_id = ? AND state = 'running'", arguments: [dagID])
        for id in ids {
            try endRunEarly(db, runID: id, dagID: dagID, state: .cancelled, reason: reason, now: now)
        }
    }

    func endRunEarly(_ db: Database, runID: Int64, dagID: String, state: RunState, reason: String, now: Date) throws {
        try db.execute(
            sql: "UPDATE task_instances SET state = 'cancelled', error = ? WHERE run_id = ? AND state IN ('waiting', 'ready', 'running')",
            arguments: [reason, runID])
        try finishRun(db, runID: runID, dagID: dagID, state: state, reason: reason, now: now)
    }

    public func trigger(dagID: String, conf: JSONValue, now: Date) async throws -> RunRecord {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT version_id FROM dags WHERE id = ? AND active = 1", arguments: [dagID]) else {
                throw StoreError.dagNotFound(dagID)
            }
            let dag = try self.definitions.definition(row["version_id"], in: db)
            let active = try self.activeRuns(db, dagID)
            let state: RunState = active.running < dag.definition.concurrencyLimit && active.queued == 0 ? .running : .queued
            let runID = try self.insertRun(
                db, dag: dag, versionID: row["version_id"], slot: now, kind: .manual, state: state, reason: nil,
                conf: conf, now: now)
            try Self.recordEvent(db, dagID, "triggered", "run \(runID ?? 0)", now: now)
            return try self.runRecord(db, runID ?? 0)
        }
    }

    public func backfill(dagID: String, from: Date, to: Date, now: Date) async throws -> [RunRecord] {
        guard from <= to else { throw StoreError.invalidArgument("--from must not be after --to") }
        return try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT version_id FROM dags WHERE id = ?", arguments: [dagID]) else {
                throw StoreError.dagNotFound(dagID)
            }
            let versionID: Int64 = row["version_id"]
            let dag = try self.definitions.definition(versionID, in: db)
            let slots = try dag.backfillSlots(from: from, to: to, now: now)
            var ids: [Int64] = []
            for slot in slots {
                if let id = try self.insertRun(
                    db, dag: dag, versionID: versionID, slot: slot, kind: .backfill, state: .queued, reason: nil,
                    conf: .object([:]), now: now)
                {
                    ids.append(id)
                }
            }
            try self.startQueuedRuns(db, dagID: dagID, now: now)
            try Self.recordEvent(db, dagID, "backfill", "\(ids.count) runs for \(from) ... \(to)", now: now)
            return try ids.map { try self.runRecord(db, $0) }
        }
    }

    public func timeOutRuns(now: Date) async throws -> Int {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, dag_id, started_at, deadline_at FROM runs WHERE state = 'running' AND deadline_at < ?",
                arguments: [now.millis])
            for row in rows {
                let seconds = ((row["deadline_at"] as Int64) - (row["started_at"] as Int64)) / 1000
                try self.endRunEarly(
                    db, runID: row["id"], dagID: row["dag_id"], state: .failed,
                    reason: "run timed out after \(seconds)s", now: now)
            }
            return rows.count
        }
    }
}
