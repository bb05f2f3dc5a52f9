import Foundation
import GRDB

extension SQLiteStore {
    public func appendLogs(_ chunks: [LogChunk]) async throws {
        guard !chunks.isEmpty else { return }
        try await pool.write { db in try Self.insertLogs(db, chunks) }
    }

    static func insertLogs(_ db: Database, _ chunks: [LogChunk]) throws {
        guard !chunks.isEmpty else { return }
        let insert = try db.cachedStatement(
            sql: "INSERT INTO attempt_logs (attempt_id, at, stream, text) VALUES (?, ?, ?, ?)")
        for chunk in chunks {
            try insert.execute(arguments: [chunk.attemptID, chunk.at.millis, chunk.stream, chunk.text])
        }
    }

    public func logs(attemptID: Int64, afterSequence: Int64) async throws -> [LogChunk] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM attempt_logs WHERE attempt_id = ? AND id > ? ORDER BY id LIMIT 10000",
                arguments: [attemptID, afterSequence]
            ).map {
                LogChunk(attemptID: $0["attempt_id"], at: Date(millis: $0["at"]), stream: $0["stream"], text: $0["text"], sequence: $0["id"])
            }
        }
    }

    public func pruneLogs(endedBefore cutoff: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM attempt_logs WHERE attempt_id IN (SELECT id FROM attempts WHERE ended_at < ?)",
                arguments: [cutoff.millis])
            return db.changesCount
        }
    }
}
