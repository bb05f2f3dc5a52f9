import Foundation
import PostgresNIO
import TickerCore

extension PostgresStore {
    public func runs(_ filter: RunFilter) async throws -> [RunRecord] {
        let states = filter.states.map(\.rawValue)
        let limit = max(1, min(filter.limit, 1000))
        return try await read { tx in
            try await tx.rows(
                """
                SELECT \(unescaped: Self.runColumns) FROM runs
                WHERE (\(filter.dagID)::text IS NULL OR dag_id = \(filter.dagID))
                  AND (\(states.isEmpty) OR state = ANY(\(states)))
                  AND (\(filter.beforeID)::bigint IS NULL OR id < \(filter.beforeID))
                ORDER BY id DESC LIMIT \(limit)
                """
            ).map(Self.runRecord)
        }
    }

    public func run(_ id: Int64) async throws -> RunDetail? {
        try await read { tx in
            guard let row = try await tx.rows("SELECT \(unescaped: Self.runColumns), version_id FROM runs WHERE id = \(id)").first else {
                return nil
            }
            let versionID = try row.makeRandomAccess()[10].decode(Int64.self)
            let tasks = try await tx.rows(
                "SELECT run_id, task_id, state, attempts, not_before, output, error FROM task_instances WHERE run_id = \(id)"
            ).map { row in
                let (runID, taskID, state, attempts, notBefore, output, error) = try row.decode(
                    (Int64, String, String, Int, Int64?, String?, String?).self)
                return TaskInstanceRecord(
                    runID: runID, taskID: taskID, state: TaskState(rawValue: state) ?? .failed, attempts: attempts,
                    notBefore: notBefore.map(Date.init(millis:)), output: output.flatMap { try? JSONValue(parsing: $0) }, error: error)
            }
            let attempts = try await tx.rows(
                "SELECT \(unescaped: Self.attemptColumns) FROM attempts WHERE run_id = \(id) ORDER BY id"
            ).map(Self.attemptRecord)
            let dag = try await self.definition(versionID, in: tx).definition
            let order = Dictionary(uniqueKeysWithValues: dag.tasks.enumerated().map { ($1.id, $0) })
            return RunDetail(
                run: try Self.runRecord(row),
                tasks: tasks.sorted { (order[$0.taskID] ?? .max, $0.taskID) < (order[$1.taskID] ?? .max, $1.taskID) },
                attempts: attempts)
        }
    }

    public func runs(dagID: String, slotsFrom: Date, through: Date) async throws -> [RunRecord] {
        try await read { tx in
            try await tx.rows(
                """
                SELECT \(unescaped: Self.runColumns) FROM runs
                WHERE dag_id = \(dagID) AND slot_at >= \(slotsFrom.millis) AND slot_at <= \(through.millis) ORDER BY slot_at, id
                """
            ).map(Self.runRecord)
        }
    }

    public func lastRun(dagID: String) async throws -> RunRecord? {
        try await read { tx in
            try await tx.rows(
                """
                SELECT \(unescaped: Self.runColumns) FROM runs
                WHERE dag_id = \(dagID) AND state NOT IN ('skipped_overlap', 'skipped_misfire')
                ORDER BY slot_at DESC, id DESC LIMIT 1
                """
            ).first.map(Self.runRecord)
        }
    }

    public func queueDepth(now: Date) async throws -> QueueDepth {
        try await read { tx in
            let (ready, delayed) = try await tx.rows(
                """
                SELECT COUNT(*) FILTER (WHERE not_before <= \(now.millis)), COUNT(*) FILTER (WHERE not_before > \(now.millis))
                FROM task_instances WHERE state = 'ready'
                """
            ).first?.decode((Int, Int).self) ?? (0, 0)
            return QueueDepth(
                readyTasks: ready, delayedTasks: delayed,
                queuedRuns: try await tx.count("SELECT COUNT(*) FROM runs WHERE state = 'queued'"),
                runningAttempts: try await tx.count("SELECT COUNT(*) FROM attempts WHERE state = 'running'"))
        }
    }

    public func attempts(dagID: String) async throws -> [AttemptRecord] {
        try await read { tx in
            try await tx.rows(
                """
                SELECT \(unescaped: Self.attemptColumns("a")) FROM attempts a JOIN runs r ON r.id = a.run_id
                WHERE r.dag_id = \(dagID) ORDER BY a.id
                """
            ).map(Self.attemptRecord)
        }
    }

    func runRecord(_ tx: PostgresTransaction, _ id: Int64) async throws -> RunRecord {
        guard let row = try await tx.rows("SELECT \(unescaped: Self.runColumns) FROM runs WHERE id = \(id)").first else {
            throw StoreError.runNotFound(id)
        }
        return try Self.runRecord(row)
    }

    static var runColumns: String { SQLiteStore.runColumns }

    /// Reads `runColumns`, in order, from the start of the row.
    static func runRecord(_ row: PostgresRow) throws -> RunRecord {
        let columns = row.makeRandomAccess()
        return RunRecord(
            id: try columns[0].decode(Int64.self), dagID: try columns[1].decode(String.self),
            slotAt: Date(millis: try columns[2].decode(Int64.self)),
            kind: RunKind(rawValue: try columns[3].decode(String.self)) ?? .manual,
            state: RunState(rawValue: try columns[4].decode(String.self)) ?? .failed,
            reason: try columns[5].decode(String?.self), conf: SQLiteStore.decodeConf(try columns[6].decode(String.self)),
            createdAt: Date(millis: try columns[7].decode(Int64.self)),
            startedAt: try columns[8].decode(Int64?.self).map(Date.init(millis:)),
            endedAt: try columns[9].decode(Int64?.self).map(Date.init(millis:)))
    }

    static let attemptColumns = "id, run_id, task_id, number, owner, state, started_at, ended_at, lease_expires_at, error"

    static func attemptColumns(_ alias: String) -> String {
        attemptColumns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
    }

    static func attemptRecord(_ row: PostgresRow) throws -> AttemptRecord {
        let (id, runID, taskID, number, owner, state, started, ended, lease, error) = try row.decode(
            (Int64, Int64, String, Int, String, String, Int64, Int64?, Int64?, String?).self)
        return AttemptRecord(
            id: id, runID: runID, taskID: taskID, number: number, owner: owner, state: AttemptState(rawValue: state) ?? .failed,
            startedAt: Date(millis: started), endedAt: ended.map(Date.init(millis:)), leaseExpiresAt: lease.map(Date.init(millis:)),
            error: error)
    }

    // MARK: Logs

    public func appendLogs(_ chunks: [LogChunk]) async throws {
        guard !chunks.isEmpty else { return }
        try await write { tx in try await Self.insertLogs(tx, chunks) }
    }

    /// One statement for the whole batch: a worker flushes many small chunks at once.
    static func insertLogs(_ tx: PostgresTransaction, _ chunks: [LogChunk]) async throws {
        guard !chunks.isEmpty else { return }
        try await tx.execute(
            """
            INSERT INTO attempt_logs (attempt_id, at, stream, text)
            SELECT * FROM unnest(\(chunks.map(\.attemptID))::bigint[], \(chunks.map(\.at.millis))::bigint[],
                                 \(chunks.map(\.stream))::text[], \(chunks.map(\.text))::text[])
            """)
    }

    public func logs(attemptID: Int64, afterSequence: Int64) async throws -> [LogChunk] {
        try await read { tx in
            try await tx.rows(
                """
                SELECT id, attempt_id, at, stream, text FROM attempt_logs
                WHERE attempt_id = \(attemptID) AND id > \(afterSequence) ORDER BY id LIMIT 10000
                """
            ).map { row in
                let (id, attempt, at, stream, text) = try row.decode((Int64, Int64, Int64, String, String).self)
                return LogChunk(attemptID: attempt, at: Date(millis: at), stream: stream, text: text, sequence: id)
            }
        }
    }

    public func pruneLogs(endedBefore cutoff: Date) async throws -> Int {
        try await write { tx in
            try await tx.rows(
                """
                DELETE FROM attempt_logs WHERE attempt_id IN (SELECT id FROM attempts WHERE ended_at < \(cutoff.millis))
                RETURNING id
                """
            ).count
        }
    }
}
