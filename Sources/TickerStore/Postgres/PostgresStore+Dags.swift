import Foundation
import PostgresNIO
import TickerCore

extension PostgresStore {
    public func syncDags(_ dags: [DagDefinition], deactivateOthers: Bool, now: Date) async throws -> DagSyncReport {
        let encoded = try dags.map { (def: $0, json: try CompiledDag.encode($0), key: try CompiledDag.scheduleKey($0)) }
        return try await write { tx in
            // Nodes syncing the same folder at once take turns; the second finds nothing to do.
            try await tx.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock + 1))")
            var report = DagSyncReport()
            for item in encoded {
                try await Self.sync(tx, item.def, json: item.json, scheduleKey: item.key, now: now, report: &report)
            }
            if deactivateOthers {
                report.deactivated = try await Self.deactivate(tx, keeping: dags.map(\.id), now: now)
            }
            return report
        }
    }

    private static func sync(
        _ tx: PostgresTransaction, _ def: DagDefinition, json: String, scheduleKey: String?, now: Date,
        report: inout DagSyncReport
    ) async throws {
        let current = try await tx.rows(
            """
            SELECT d.version_id, d.schedule_key, d.active, v.definition
            FROM dags d JOIN dag_versions v ON v.id = d.version_id WHERE d.id = \(def.id) FOR NO KEY UPDATE OF d
            """
        ).first?.decode((Int64, String?, Bool, String).self)
        let firstSlot = try CompiledDag(definition: def).schedule?.nextFire(after: now)?.millis
        guard let (currentVersion, currentKey, wasActive, currentJSON) = current else {
            let version = try await insertVersion(tx, def.id, json: json, now: now)
            try await tx.execute(
                """
                INSERT INTO dags (id, version_id, schedule_key, paused, next_slot_at, active, updated_at)
                VALUES (\(def.id), \(version), \(scheduleKey), \(def.pausedOnCreate), \(firstSlot), true, \(now.millis))
                """)
            try await recordEvent(tx, def.id, "created", def.origin, now: now)
            report.created.append(def.id)
            return
        }
        let sameDefinition = currentJSON == json
        if sameDefinition && wasActive { return }
        let version = sameDefinition ? currentVersion : try await insertVersion(tx, def.id, json: json, now: now)
        let scheduleChanged = currentKey != scheduleKey
        if scheduleChanged || !wasActive {
            // As in SQLite: a new schedule, or a DAG whose file came back, starts from now.
            try await tx.execute(
                """
                UPDATE dags SET version_id = \(version), schedule_key = \(scheduleKey), next_slot_at = \(firstSlot),
                       active = true, updated_at = \(now.millis) WHERE id = \(def.id)
                """)
        } else {
            try await tx.execute("UPDATE dags SET version_id = \(version), updated_at = \(now.millis) WHERE id = \(def.id)")
        }
        let what = !wasActive ? "reactivated" : (scheduleChanged ? "schedule changed" : "definition changed")
        try await recordEvent(tx, def.id, "updated", "\(what) (\(def.origin))", now: now)
        report.updated.append(def.id)
    }

    private static func insertVersion(_ tx: PostgresTransaction, _ dagID: String, json: String, now: Date) async throws -> Int64 {
        try await tx.value(
            "INSERT INTO dag_versions (dag_id, definition, created_at) VALUES (\(dagID), \(json), \(now.millis)) RETURNING id",
            as: Int64.self) ?? 0
    }

    private static func deactivate(_ tx: PostgresTransaction, keeping ids: [String], now: Date) async throws -> [String] {
        let gone = try await tx.rows(
            "UPDATE dags SET active = false, updated_at = \(now.millis) WHERE active AND NOT (id = ANY(\(ids))) RETURNING id"
        ).map { try $0.decode(String.self) }.sorted()
        for id in gone {
            try await recordEvent(tx, id, "deactivated", "its definition is no longer in the DAG folder", now: now)
        }
        return gone
    }

    static func recordEvent(_ tx: PostgresTransaction, _ dagID: String, _ kind: String, _ detail: String?, now: Date) async throws {
        try await tx.execute("INSERT INTO dag_events (dag_id, at, kind, detail) VALUES (\(dagID), \(now.millis), \(kind), \(detail))")
    }

    public func dags() async throws -> [DagRecord] {
        try await read { tx in
            var records: [DagRecord] = []
            for row in try await tx.rows("SELECT \(unescaped: Self.dagColumns) FROM dags ORDER BY id") {
                records.append(try await self.dagRecord(row, tx))
            }
            return records
        }
    }

    public func dag(_ id: String) async throws -> DagRecord? {
        try await read { tx in
            guard let row = try await tx.rows("SELECT \(unescaped: Self.dagColumns) FROM dags WHERE id = \(id)").first else { return nil }
            return try await self.dagRecord(row, tx)
        }
    }

    static let dagColumns = "id, version_id, paused, next_slot_at, active, updated_at"

    func dagRecord(_ row: PostgresRow, _ tx: PostgresTransaction) async throws -> DagRecord {
        let (id, version, paused, next, active, updated) = try row.decode((String, Int64, Bool, Int64?, Bool, Int64).self)
        return DagRecord(
            id: id, definition: try await definition(version, in: tx).definition, paused: paused,
            nextSlotAt: next.map(Date.init(millis:)), active: active, updatedAt: Date(millis: updated))
    }

    public func setPaused(_ id: String, _ paused: Bool, now: Date) async throws {
        try await write { tx in
            guard let (version, wasPaused) = try await tx.rows(
                "SELECT version_id, paused FROM dags WHERE id = \(id) FOR NO KEY UPDATE"
            ).first?.decode((Int64, Bool).self) else {
                throw StoreError.dagNotFound(id)
            }
            guard wasPaused != paused else { return }
            // While paused a DAG has no slots; on unpause its schedule resumes from now.
            let next = paused ? nil : try await self.definition(version, in: tx).schedule?.nextFire(after: now)?.millis
            if paused {
                try await tx.execute("UPDATE dags SET paused = true, updated_at = \(now.millis) WHERE id = \(id)")
            } else {
                try await tx.execute("UPDATE dags SET paused = false, next_slot_at = \(next), updated_at = \(now.millis) WHERE id = \(id)")
            }
            try await Self.recordEvent(tx, id, paused ? "paused" : "unpaused", nil, now: now)
        }
    }

    public func events(dagID: String, limit: Int) async throws -> [DagEvent] {
        try await read { tx in
            try await tx.rows("SELECT dag_id, at, kind, detail FROM dag_events WHERE dag_id = \(dagID) ORDER BY id DESC LIMIT \(limit)")
                .map { row in
                    let (dag, at, kind, detail) = try row.decode((String, Int64, String, String?).self)
                    return DagEvent(dagID: dag, at: Date(millis: at), kind: kind, detail: detail)
                }
        }
    }
}
