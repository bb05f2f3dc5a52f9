import Foundation
import GRDB
import TickerCore

extension SQLiteStore {
    public func syncDags(_ dags: [DagDefinition], deactivateOthers: Bool, now: Date) async throws -> DagSyncReport {
        let encoded = try dags.map { (def: $0, json: try CompiledDag.encode($0), key: try CompiledDag.scheduleKey($0)) }
        return try await pool.write { db in
            var report = DagSyncReport()
            for item in encoded {
                try Self.sync(db, item.def, json: item.json, scheduleKey: item.key, now: now, report: &report)
            }
            if deactivateOthers {
                report.deactivated = try Self.deactivate(db, keeping: dags.map(\.id), now: now)
            }
            return report
        }
    }

    private static func sync(
        _ db: Database, _ def: DagDefinition, json: String, scheduleKey: String?, now: Date,
        report: inout DagSyncReport
    ) throws {
        let current = try Row.fetchOne(
            db,
            sql: """
                SELECT d.version_id, d.schedule_key, d.active, v.definition
                FROM dags d JOIN dag_versions v ON v.id = d.version_id WHERE d.id = ?
                """, arguments: [def.id])
        let firstSlot = try CompiledDag(definition: def).schedule?.nextFire(after: now)?.millis
        guard let current else {
            let version = try insertVersion(db, def.id, json: json, now: now)
            try db.execute(
                sql: """
                    INSERT INTO dags (id, version_id, schedule_key, paused, next_slot_at, active, updated_at)
                    VALUES (?, ?, ?, ?, ?, 1, ?)
                    """, arguments: [def.id, version, scheduleKey, def.pausedOnCreate, firstSlot, now.millis])
            try recordEvent(db, def.id, "created", def.origin, now: now)
            report.created.append(def.id)
            return
        }
        let wasActive: Bool = current["active"]
        let sameDefinition = (current["definition"] as String) == json
        if sameDefinition && wasActive { return }
        let version: Int64 = sameDefinition ? current["version_id"] : try insertVersion(db, def.id, json: json, now: now)
        let scheduleChanged = (current["schedule_key"] as String?) != scheduleKey
        if scheduleChanged || !wasActive {
            // A new schedule (or a DAG whose file came back) starts from now: the slots of the old
            // schedule were already materialized, and none are invented for the time it was gone.
            try db.execute(
                sql: "UPDATE dags SET version_id = ?, schedule_key = ?, next_slot_at = ?, active = 1, updated_at = ? WHERE id = ?",
                arguments: [version, scheduleKey, firstSlot, now.millis, def.id])
        } else {
            try db.execute(
                sql: "UPDATE dags SET version_id = ?, updated_at = ? WHERE id = ?",
                arguments: [version, now.millis, def.id])
        }
        let what = !wasActive ? "reactivated" : (scheduleChanged ? "schedule changed" : "definition changed")
        try recordEvent(db, def.id, "updated", "\(what) (\(def.origin))", now: now)
        report.updated.append(def.id)
    }

    private static func insertVersion(_ db: Database, _ dagID: String, json: String, now: Date) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO dag_versions (dag_id, definition, created_at) VALUES (?, ?, ?)",
            arguments: [dagID, json, now.millis])
        return db.lastInsertedRowID
    }

    private static func deactivate(_ db: Database, keeping ids: [String], now: Date) throws -> [String] {
        let keep = Set(ids)
        let active = try String.fetchAll(db, sql: "SELECT id FROM dags WHERE active = 1")
        let gone = active.filter { !keep.contains($0) }
        for id in gone {
            try db.execute(sql: "UPDATE dags SET active = 0, updated_at = ? WHERE id = ?", arguments: [now.millis, id])
            try recordEvent(db, id, "deactivated", "its definition is no longer in the DAG folder", now: now)
        }
        return gone
    }

    static func recordEvent(_ db: Database, _ dagID: String, _ kind: String, _ detail: String?, now: Date) throws {
        try db.execute(
            sql: "INSERT INTO dag_events (dag_id, at, kind, detail) VALUES (?, ?, ?, ?)",
            arguments: [dagID, now.millis, kind, detail])
    }

    public func dags() async throws -> [DagRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM dags ORDER BY id").map { try self.dagRecord($0, db) }
        }
    }

    public func dag(_ id: String) async throws -> DagRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM dags WHERE id = ?", arguments: [id]).map { try self.dagRecord($0, db) }
        }
    }

    func dagRecord(_ row: Row, _ db: Database) throws -> DagRecord {
        DagRecord(
            id: row["id"],
            definition: try definitions.definition(row["version_id"], in: db).definition,
            paused: row["paused"],
            nextSlotAt: (row["next_slot_at"] as Int64?).map(Date.init(millis:)),
            active: row["active"],
            updatedAt: Date(millis: row["updated_at"]))
    }

    public func setPaused(_ id: String, _ paused: Bool, now: Date) async throws {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT version_id, paused FROM dags WHERE id = ?", arguments: [id]) else {
                throw StoreError.dagNotFound(id)
            }
            guard (row["paused"] as Bool) != paused else { return }
            // While paused a DAG has no slots; on unpause its schedule resumes from now.
            let schedule = try self.definitions.definition(row["version_id"], in: db).schedule
            let next = paused ? nil : schedule?.nextFire(after: now)?.millis
            try db.execute(
                sql: "UPDATE dags SET paused = ?, next_slot_at = COALESCE(?, next_slot_at), updated_at = ? WHERE id = ?",
                arguments: [paused, next, now.millis, id])
            if !paused && next == nil {
                try db.execute(sql: "UPDATE dags SET next_slot_at = NULL WHERE id = ?", arguments: [id])
            }
            try Self.recordEvent(db, id, paused ? "paused" : "unpaused", nil, now: now)
        }
    }

    public func events(dagID: String, limit: Int) async throws -> [DagEvent] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM dag_events WHERE dag_id = ? ORDER BY id DESC LIMIT ?",
                arguments: [dagID, limit]
            ).map { DagEvent(dagID: $0["dag_id"], at: Date(millis: $0["at"]), kind: $0["kind"], detail: $0["detail"]) }
        }
    }
}
