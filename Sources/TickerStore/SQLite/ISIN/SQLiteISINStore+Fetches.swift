import Foundation
import GRDB

extension SQLiteISINStore {
    @discardableResult
    public func recordFetch(_ fetch: FetchRecord) async throws -> Int64 {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO isin_fetches (source, at, outcome, etag, last_modified, sha256, bytes, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    fetch.source, fetch.at.millis, fetch.outcome.rawValue, fetch.etag, fetch.lastModified,
                    fetch.sha256, fetch.bytes, fetch.message,
                ])
            return db.lastInsertedRowID
        }
    }

    public func setFetchOutcome(_ id: Int64, _ outcome: FetchRecord.Outcome, message: String?) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE isin_fetches SET outcome = ?, message = ? WHERE id = ?",
                arguments: [outcome.rawValue, message, id])
        }
    }

    public func lastGoodFetch(source: String) async throws -> FetchRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM isin_fetches WHERE source = ? AND outcome IN ('published', 'unchanged')
                    ORDER BY at DESC, id DESC LIMIT 1
                    """,
                arguments: [source]
            ).map(Self.fetchRecord)
        }
    }

    public func fetches(limit: Int) async throws -> [FetchRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM isin_fetches ORDER BY at DESC, id DESC LIMIT ?", arguments: [limit])
                .map(Self.fetchRecord)
        }
    }

    public func lastConfirmedCurrent() async throws -> Date? {
        try await pool.read { db in
            let published = try Int64.fetchOne(db, sql: "SELECT max(published_at) FROM isin_snapshots")
            // An unchanged source confirms the list only once there is a list to confirm.
            let unchanged = published == nil ? nil : try Int64.fetchOne(
                db, sql: "SELECT max(at) FROM isin_fetches WHERE outcome = 'unchanged'")
            return [published, unchanged].compactMap { $0 }.max().map(Date.init(millis:))
        }
    }

    private static func fetchRecord(_ row: Row) -> FetchRecord {
        FetchRecord(
            id: row["id"], source: row["source"], at: Date(millis: row["at"]),
            outcome: FetchRecord.Outcome(rawValue: row["outcome"]) ?? .failed,
            etag: row["etag"], lastModified: row["last_modified"], sha256: row["sha256"], bytes: row["bytes"],
            message: row["message"])
    }
}
