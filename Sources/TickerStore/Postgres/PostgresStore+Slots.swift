import Foundation
import PostgresNIO
import TickerCore

extension PostgresStore {
    public func nextDueSlot() async throws -> Date? {
        try await read { tx in
            try await tx.value("SELECT MIN(next_slot_at) FROM dags WHERE active AND NOT paused", as: Int64?.self)?
                .map(Date.init(millis:))
        }
    }

    func activeRuns(_ tx: PostgresTransaction, _ dagID: String) async throws -> ActiveRuns {
        let row = try await tx.rows(
            """
            SELECT COUNT(*) FILTER (WHERE state = 'running'), COUNT(*) FILTER (WHERE state = 'queued')
            FROM runs WHERE dag_id = \(dagID) AND state IN ('running', 'queued')
            """
        ).first?.decode((Int, Int).self)
        return ActiveRuns(running: row?.0 ?? 0, queued: row?.1 ?? 0)
    }

    /// Inserts a run, and its task instances when it starts running. Returns nil when the slot
    /// already has a run (the uniqueness index said no): the caller must not count it.
    @discardableResult
    func insertRun(
        _ tx: PostgresTransaction, dag: CompiledDag, versionID: Int64, slot: Date, kind: RunKind, state: RunState,
        reason: String?, conf: JSONValue, now: Date
    ) async throws -> Int64? {
        let stored = state == .running ? RunState.queued.rawValue : state.rawValue
        let endedAt = state.isFinal ? now.millis : nil
        guard let runID = try await tx.value(
            """
            INSERT INTO runs (dag_id, version_id, slot_at, kind, state, reason, conf, created_at, ended_at)
            VALUES (\(dag.definition.id), \(versionID), \(slot.millis), \(kind.rawValue), \(stored), \(reason),
                    \(conf.encodedString()), \(now.millis), \(endedAt))
            ON CONFLICT (dag_id, slot_at) WHERE kind <> 'manual' DO NOTHING RETURNING id
            """, as: Int64.self)
        else { return nil }
        if state.isFinal { tx.endedRuns.append(state) }
        if state == .running { try await startRun(tx, runID: runID, dag: dag.definition, now: now) }
        return runID
    }

    /// Moves a queued run to running and creates its task instances in their initial states.
    func startRun(_ tx: PostgresTransaction, runID: Int64, dag: DagDefinition, now: Date) async throws {
        let deadline = dag.runTimeout.map { now.millis + $0.millis }
        try await tx.execute("UPDATE runs SET state = 'running', started_at = \(now.millis), deadline_at = \(deadline) WHERE id = \(runID)")
        let initial = RunProgress(dag: dag).initialStates().sorted { $0.key < $1.key }
        tx.readiedWork = tx.readiedWork || initial.contains { $0.value == .ready }
        try await tx.execute(
            """
            INSERT INTO task_instances (run_id, task_id, state, not_before)
            SELECT \(runID), task, state, \(now.millis) FROM unnest(\(initial.map(\.key))::text[], \(initial.map(\.value.rawValue))::text[]) AS t(task, state)
            """)
    }

    /// Ends a run and starts queued runs of its DAG that now fit its concurrency limit.
    func finishRun(_ tx: PostgresTransaction, runID: Int64, dagID: String, state: RunState, reason: String?, now: Date) async throws {
        let ended = try await tx.rows(
            """
            UPDATE runs SET state = \(state.rawValue), reason = COALESCE(\(reason), reason), ended_at = \(now.millis)
            WHERE id = \(runID) AND state IN ('queued', 'running') RETURNING id
            """)
        if !ended.isEmpty { tx.endedRuns.append(state) }
        try await startQueuedRuns(tx, dagID: dagID, now: now)
    }

    /// Starts the oldest queued runs of the DAG that fit its current concurrency limit. The DAG's
    /// row is locked first, so two nodes ending runs of one DAG at once cannot both start the
    /// same queued run or exceed the limit together.
    func startQueuedRuns(_ tx: PostgresTransaction, dagID: String, now: Date) async throws {
        let anyQueued = try await tx.value("SELECT EXISTS (SELECT 1 FROM runs WHERE dag_id = \(dagID) AND state = 'queued')", as: Bool.self)
        guard anyQueued == true,
            let versionID = try await tx.value("SELECT version_id FROM dags WHERE id = \(dagID) FOR NO KEY UPDATE", as: Int64.self)
        else { return }
        let limit = try await definition(versionID, in: tx).definition.concurrencyLimit
        let running = try await tx.count("SELECT COUNT(*) FROM runs WHERE dag_id = \(dagID) AND state = 'running'")
        guard running < limit else { return }
        let queued = try await tx.rows(
            "SELECT id, version_id FROM runs WHERE dag_id = \(dagID) AND state = 'queued' ORDER BY slot_at, id LIMIT \(limit - running)")
        for row in queued {
            let (id, version) = try row.decode((Int64, Int64).self)
            try await startRun(tx, runID: id, dag: try await definition(version, in: tx).definition, now: now)
        }
    }

    /// Cancels the DAG's running runs: unfinished tasks become cancelled, and workers holding
    /// their attempts learn it at their next heartbeat. The runs are locked before their tasks,
    /// in the order finishers lock them.
    func cancelRuns(_ tx: PostgresTransaction, dagID: String, reason: String, now: Date) async throws {
        let ids = try await tx.rows("SELECT id FROM runs WHERE dag_id = \(dagID) AND state = 'running' ORDER BY id FOR NO KEY UPDATE")
            .map { try $0.decode(Int64.self) }
        for id in ids {
            try await endRunEarly(tx, runID: id, dagID: dagID, state: .cancelled, reason: reason, now: now)
        }
    }

    func endRunEarly(_ tx: PostgresTransaction, runID: Int64, dagID: String, state: RunState, reason: String, now: Date) async throws {
        try await tx.execute(
            """
            UPDATE task_instances SET state = 'cancelled', error = \(reason)
            WHERE run_id = \(runID) AND state IN ('waiting', 'ready', 'running')
            """)
        try await finishRun(tx, runID: runID, dagID: dagID, state: state, reason: reason, now: now)
    }

    public func trigger(dagID: String, conf: JSONValue, now: Date) async throws -> RunRecord {
        try await write { tx in
            guard let versionID = try await tx.value(
                "SELECT version_id FROM dags WHERE id = \(dagID) AND active FOR NO KEY UPDATE", as: Int64.self)
            else { throw StoreError.dagNotFound(dagID) }
            let dag = try await self.definition(versionID, in: tx)
            let active = try await self.activeRuns(tx, dagID)
            let state: RunState = active.running < dag.definition.concurrencyLimit && active.queued == 0 ? .running : .queued
            let runID = try await self.insertRun(
                tx, dag: dag, versionID: versionID, slot: now, kind: .manual, state: state, reason: nil, conf: conf, now: now)
            try await Self.recordEvent(tx, dagID, "triggered", "run \(runID ?? 0)", now: now)
            return try await self.runRecord(tx, runID ?? 0)
        }
    }

    public func backfill(dagID: String, from: Date, to: Date, now: Date) async throws -> [RunRecord] {
        guard from <= to else { throw StoreError.invalidArgument("--from must not be after --to") }
        return try await write { tx in
            guard let versionID = try await tx.value("SELECT version_id FROM dags WHERE id = \(dagID) FOR NO KEY UPDATE", as: Int64.self) else {
                throw StoreError.dagNotFound(dagID)
            }
            let dag = try await self.definition(versionID, in: tx)
            let slots = try dag.backfillSlots(from: from, to: to, now: now)
            var ids: [Int64] = []
            for slot in slots {
                if let id = try await self.insertRun(
                    tx, dag: dag, versionID: versionID, slot: slot, kind: .backfill, state: .queued, reason: nil,
                    conf: .object([:]), now: now)
                {
                    ids.append(id)
                }
            }
            try await self.startQueuedRuns(tx, dagID: dagID, now: now)
            try await Self.recordEvent(tx, dagID, "backfill", "\(ids.count) runs for \(from) ... \(to)", now: now)
            var records: [RunRecord] = []
            for id in ids { records.append(try await self.runRecord(tx, id)) }
            return records
        }
    }

    public func timeOutRuns(now: Date) async throws -> Int {
        try await write { tx in
            let rows = try await tx.rows(
                """
                SELECT id, dag_id, started_at, deadline_at FROM runs
                WHERE state = 'running' AND deadline_at < \(now.millis) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED
                """)
            for row in rows {
                let (id, dagID, started, deadline) = try row.decode((Int64, String, Int64, Int64).self)
                try await self.endRunEarly(
                    tx, runID: id, dagID: dagID, state: .failed, reason: "run timed out after \((deadline - started) / 1000)s", now: now)
            }
            return rows.count
        }
    }
}
