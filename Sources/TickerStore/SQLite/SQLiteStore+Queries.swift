import Foundation
import GRDB
import TickerCore

extension SQLiteStore {
    public func runs(_ filter: RunFilter) async throws -> [RunRecord] {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let dagID = filter.dagID {
            clauses.append("dag_id = ?")
            arguments.append(dagID)
        }
        if !filter.states.isEmpty {
            clauses.append("state IN (\(filter.states.map { _ in "?" }.joined(separator: ",")))")
            arguments.append(contentsOf: filter.states.map(\.rawValue))
        }
        if let before = filter.beforeID {
            clauses.append("id < ?")
            arguments.append(before)
        }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments.append(max(1, min(filter.limit, 1000)))
        let sql = "SELECT \(Self.runColumns) FROM runs \(whereClause) ORDER BY id DESC LIMIT ?"
        let args = StatementArguments(arguments) ?? StatementArguments()
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: args).map(Self.runRecord)
        }
    }

    public func run(_ id: Int64) async throws -> RunDetail? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.runColumns), version_id FROM runs WHERE id = ?", arguments: [id]) else { return nil }
            let tasks = try Row.fetchAll(db, sql: "SELECT * FROM task_instances WHERE run_id = ?", arguments: [id]).map {
                TaskInstanceRecord(
                    runID: $0["run_id"], taskID: $0["task_id"], state: TaskState(rawValue: $0["state"]) ?? .failed,
                    attempts: $0["attempts"], notBefore: ($0["not_before"] as Int64?).map(Date.init(millis:)),
                    output: ($0["output"] as String?).flatMap { try? JSONValue(parsing: $0) }, error: $0["error"])
            }
            let attempts = try Row.fetchAll(db, sql: "SELECT * FROM attempts WHERE run_id = ? ORDER BY id", arguments: [id])
                .map(Self.attemptRecord)
            let dag = try self.definitions.definition(row[10], in: db).definition
            let order = Dictionary(uniqueKeysWithValues: dag.tasks.enumerated().map { ($1.id, $0) })
            return RunDetail(
                run: Self.runRecord(row),
                tasks: tasks.sorted { (order[$0.taskID] ?? .max, $0.taskID) < (order[$1.taskID] ?? .max, $1.taskID) },
                attempts: attempts)
        }
    }

    public func runs(dagID: String, slotsFrom: Date, through: Date) async throws -> [RunRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.runColumns) FROM runs WHERE dag_id = ? AND slot_at >= ? AND slot_at <= ? ORDER BY slot_at, id",
                arguments: [dagID, slotsFrom.millis, through.millis]
            ).map(Self.runRecord)
        }
    }

    public func lastRun(dagID: String) async throws -> RunRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.runColumns) FROM runs WHERE dag_id = ? AND state NOT IN ('skipped_overlap', 'skipped_misfire') ORDER BY slot_at DESC, id DESC LIMIT 1",
                arguments: [dagID]
            ).map(Self.runRecord)
        }
    }

    /// Each count is one scan of a partial index, so sampling stays cheap however long the
    /// history grows.
    public func queueDepth(now: Date) async throws -> QueueDepth {
        try await pool.read { db in
            func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
                try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
            }
            let ready = try count("SELECT COUNT(*) FROM task_instances WHERE state = 'ready' AND not_before <= ?", [now.millis])
            let allReady = try count("SELECT COUNT(*) FROM task_instances WHERE state = 'ready'")
            return QueueDepth(
                readyTasks: ready, delayedTasks: allReady - ready,
                queuedRuns: try count("SELECT COUNT(*) FROM runs WHERE state = 'queued'"),
                runningAttempts: try count("SELECT COUNT(*) FROM attempts WHERE state = 'running'"))
        }
    }

    public func attempts(dagID: String) async throws -> [AttemptRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT a.* FROM attempts a JOIN runs r ON r.id = a.run_id WHERE r.dag_id = ? ORDER BY a.id",
                arguments: [dagID]
            ).map(Self.attemptRecord)
        }
    }

    func runRecord(_ db: Database, _ id: Int64) throws -> RunRecord {
        guard let row = try db.cachedRow("SELECT \(Self.runColumns) FROM runs WHERE id = ?", [id]) else {
            throw StoreError.runNotFound(id)
        }
        return Self.runRecord(row)
    }

    /// The columns `runRecord(_:from:)` reads, in order; prefix with a table alias where joined.
    static let runColumns = "id, dag_id, slot_at, kind, state, reason, conf, created_at, started_at, ended_at"

    static func runColumns(_ alias: String) -> String {
        runColumns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
    }

    static func runRecord(_ row: Row) -> RunRecord { runRecord(row, from: 0) }

    /// Reads `runColumns` positionally starting at column `i`: no name lookups on hot paths.
    static func runRecord(_ row: Row, from i: Int) -> RunRecord {
        RunRecord(
            id: row[i], dagID: row[i + 1], slotAt: Date(millis: row[i + 2]),
            kind: RunKind(rawValue: row[i + 3]) ?? .manual, state: RunState(rawValue: row[i + 4]) ?? .failed,
            reason: row[i + 5], conf: decodeConf(row[i + 6]), createdAt: Date(millis: row[i + 7]),
            startedAt: (row[i + 8] as Int64?).map(Date.init(millis:)),
            endedAt: (row[i + 9] as Int64?).map(Date.init(millis:)))
    }

    /// Most runs have no configuration; skip the JSON decoder for them.
    static func decodeConf(_ text: String) -> JSONValue {
        text == "{}" ? .object([:]) : (try? JSONValue(parsing: text)) ?? .object([:])
    }

    static func attemptRecord(_ row: Row) -> AttemptRecord {
        AttemptRecord(
            id: row["id"], runID: row["run_id"], taskID: row["task_id"], number: row["number"], owner: row["owner"],
            state: AttemptState(rawValue: row["state"]) ?? .failed, startedAt: Date(millis: row["started_at"]),
            endedAt: (row["ended_at"] as Int64?).map(Date.init(millis:)),
            leaseExpiresAt: (row["lease_expires_at"] as Int64?).map(Date.init(millis:)), error: row["error"])
    }
}
