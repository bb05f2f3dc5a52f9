import Foundation
import PostgresNIO
import TickerCore

extension PostgresStore {
    /// Records every due slot of every due DAG in a fixed number of statements, whatever the
    /// number of DAGs: a pass over a thousand schedules that fire together costs five round trips,
    /// not five thousand.
    ///
    /// Each due DAG is locked with `SKIP LOCKED`: when several nodes run the scheduler, each DAG's
    /// slots are recorded by whichever node locked it first, and the others move on to other DAGs.
    /// The slot uniqueness index stays the last word.
    public func materializeDueSlots(now: Date) async throws -> MaterializeReport {
        try await write { tx in
            let due = try await tx.rows(
                """
                SELECT id, version_id, next_slot_at FROM dags
                WHERE active AND NOT paused AND next_slot_at IS NOT NULL AND next_slot_at <= \(now.millis)
                ORDER BY next_slot_at FOR NO KEY UPDATE SKIP LOCKED
                """
            ).map { try $0.decode((String, Int64, Int64).self) }
            guard !due.isEmpty else { return MaterializeReport() }
            let active = try await self.activeRuns(tx, dagIDs: due.map(\.0))
            var pass = SlotPass()
            var report = MaterializeReport()
            for (dagID, versionID, watermark) in due {
                let dag = try await self.definition(versionID, in: tx)
                let cancelsActiveRuns = pass.plan(dag, versionID: versionID, watermark: Date(millis: watermark), active: active[dagID] ?? ActiveRuns(running: 0, queued: 0), now: now)
                if cancelsActiveRuns {
                    report.runsCancelled += active[dagID]?.running ?? 0
                    try await self.cancelRuns(tx, dagID: dagID, reason: "cancelled by a newer slot (overlap policy cancel_other)", now: now)
                }
            }
            try await self.insert(pass, in: tx, now: now, report: &report)
            try await tx.execute(
                """
                UPDATE dags d SET next_slot_at = w.next
                FROM (SELECT * FROM json_to_recordset(\(try PostgresBatch.json(pass.watermarks))::json) AS w(dag text, next bigint)
                      LIMIT \(pass.watermarks.count)) AS w
                WHERE d.id = w.dag
                """)
            return report
        }
    }

    /// Running and queued runs of each DAG, in one query.
    private func activeRuns(_ tx: PostgresTransaction, dagIDs: [String]) async throws -> [String: ActiveRuns] {
        var active: [String: ActiveRuns] = [:]
        let rows = try await tx.rows(
            """
            SELECT dag_id, COUNT(*) FILTER (WHERE state = 'running'), COUNT(*) FILTER (WHERE state = 'queued')
            FROM runs WHERE dag_id = ANY(\(dagIDs)) AND state IN ('running', 'queued') GROUP BY dag_id
            """)
        for row in rows {
            let (dagID, running, queued) = try row.decode((String, Int, Int).self)
            active[dagID] = ActiveRuns(running: running, queued: queued)
        }
        return active
    }

    /// Inserts the pass's runs, skipping slots that already have one, then the task instances of
    /// the runs that start.
    private func insert(_ pass: SlotPass, in tx: PostgresTransaction, now: Date, report: inout MaterializeReport) async throws {
        guard !pass.runs.isEmpty else { return }
        let inserted = try await tx.rows(
            """
            INSERT INTO runs (dag_id, version_id, slot_at, kind, state, reason, created_at, started_at, ended_at, deadline_at)
            SELECT n.dag, n.version, n.slot, 'scheduled', n.state, n.reason, \(now.millis), n.started, n.ended, n.deadline
            FROM json_to_recordset(\(try PostgresBatch.json(pass.runs))::json)
                 AS n(dag text, version bigint, slot bigint, state text, reason text, started bigint, ended bigint, deadline bigint)
            ON CONFLICT (dag_id, slot_at) WHERE kind <> 'manual' DO NOTHING
            RETURNING id, dag_id, slot_at
            """)
        var tasks: [InitialTask] = []
        for row in inserted {
            let (runID, dagID, slot) = try row.decode((Int64, String, Int64).self)
            guard let planned = pass.planned[SlotKey(dag: dagID, slot: slot)] else { continue }
            report.record(planned.decision)
            let state = planned.decision.runState
            if state.isFinal { tx.endedRuns.append(state) }
            guard state == .running else { continue }
            for (taskID, taskState) in RunProgress(dag: planned.dag).initialStates().sorted(by: { $0.key < $1.key }) {
                tasks.append(InitialTask(run: runID, task: taskID, state: taskState.rawValue))
                if taskState == .ready { tx.readiedWork = true }
            }
        }
        guard !tasks.isEmpty else { return }
        try await tx.execute(
            """
            INSERT INTO task_instances (run_id, task_id, state, not_before)
            SELECT t.run, t.task, t.state, \(now.millis) FROM json_to_recordset(\(try PostgresBatch.json(tasks))::json) AS t(run bigint, task text, state text)
            """)
    }
}

/// What one materialize pass decided for every due DAG, before any of it is written.
private struct SlotPass {
    var runs: [NewRun] = []
    var planned: [SlotKey: (decision: SlotDecision, dag: DagDefinition)] = [:]
    var watermarks: [Watermark] = []

    /// Plans the DAG's due slots (at most `slotsPerPass` of them) and where its watermark moves.
    /// Returns whether the DAG's active runs must be cancelled first (`cancel_other`).
    mutating func plan(_ dag: CompiledDag, versionID: Int64, watermark: Date, active: ActiveRuns, now: Date) -> Bool {
        let id = dag.definition.id
        guard let schedule = dag.schedule else {
            watermarks.append(Watermark(dag: id, next: nil))
            return false
        }
        var slots = [watermark]
        while slots.count < SQLiteStore.slotsPerPass, let next = schedule.nextFire(after: slots[slots.count - 1]), next <= now {
            slots.append(next)
        }
        let plan = dag.definition.planSlots(slots, now: now, active: active)
        for (slot, decision) in plan.decisions {
            let state = decision.runState
            runs.append(
                NewRun(
                    dag: id, version: versionID, slot: slot.millis, state: state.rawValue, reason: decision.reason,
                    started: state == .running ? now.millis : nil, ended: state.isFinal ? now.millis : nil,
                    deadline: state == .running ? dag.definition.runTimeout.map { now.millis + $0.millis } : nil))
            planned[SlotKey(dag: id, slot: slot.millis)] = (decision, dag.definition)
        }
        watermarks.append(Watermark(dag: id, next: schedule.nextFire(after: slots[slots.count - 1])?.millis))
        return plan.cancelActiveRuns
    }
}

private struct SlotKey: Hashable {
    var dag: String
    var slot: Int64
}

/// Rows of the batch statements; property names are the record sets' column names.
private struct NewRun: Encodable {
    var dag: String
    var version: Int64
    var slot: Int64
    var state: String
    var reason: String?
    var started: Int64?
    var ended: Int64?
    var deadline: Int64?
}

private struct InitialTask: Encodable {
    var run: Int64
    var task: String
    var state: String
}

private struct Watermark: Encodable {
    var dag: String
    var next: Int64?
}
