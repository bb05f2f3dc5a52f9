import Foundation
import PostgresNIO

extension PostgresStore {
    @discardableResult
    public func recordFetch(_ fetch: FetchRecord) async throws -> Int64 {
        try await write { tx in
            try await tx.value(
                """
                INSERT INTO isin_fetches (source, at, outcome, etag, last_modified, sha256, bytes, message)
                VALUES (\(fetch.source), \(fetch.at.millis), \(fetch.outcome.rawValue), \(fetch.etag), \(fetch.lastModified),
                        \(fetch.sha256), \(fetch.bytes), \(fetch.message))
                RETURNING id
                """, as: Int64.self) ?? 0
        }
    }

    public func setFetchOutcome(_ id: Int64, _ outcome: FetchRecord.Outcome, message: String?) async throws {
        try await write { tx in
            try await tx.execute("UPDATE isin_fetches SET outcome = \(outcome.rawValue), message = \(message) WHERE id = \(id)")
        }
    }

    public func lastGoodFetch(source: String) async throws -> FetchRecord? {
        try await read { tx in
            try await tx.rows(
                """
                SELECT \(unescaped: Self.fetchColumns) FROM isin_fetches WHERE source = \(source) AND outcome IN ('published', 'unchanged')
                ORDER BY at DESC, id DESC LIMIT 1
                """
            ).first.map(Self.fetchRecord)
        }
    }

    public func fetches(limit: Int) async throws -> [FetchRecord] {
        try await read { tx in
            try await tx.rows("SELECT \(unescaped: Self.fetchColumns) FROM isin_fetches ORDER BY at DESC, id DESC LIMIT \(limit)")
                .map(Self.fetchRecord)
        }
    }

    public func lastConfirmedCurrent() async throws -> Date? {
        try await read { tx in
            let published = try await tx.value("SELECT max(published_at) FROM isin_snapshots", as: Int64?.self) ?? nil
            // An unchanged source confirms the list only once there is a list to confirm.
            let unchanged =
                published == nil ? nil : try await tx.value("SELECT max(at) FROM isin_fetches WHERE outcome = 'unchanged'", as: Int64?.self) ?? nil
            return [published, unchanged].compactMap { $0 }.max().map(Date.init(millis:))
        }
    }

    private static let fetchColumns = "id, source, at, outcome, etag, last_modified, sha256, bytes, message"

    private static func fetchRecord(_ row: PostgresRow) throws -> FetchRecord {
        let (id, source, at, outcome, etag, lastModified, sha256, bytes, message) = try row.decode(
            (Int64, String, Int64, String, String?, String?, String?, Int64?, String?).self)
        return FetchRecord(
            id: id, source: source, at: Date(millis: at), outcome: FetchRecord.Outcome(rawValue: outcome) ?? .failed, etag: etag,
            lastModified: lastModified, sha256: sha256, bytes: bytes, message: message)
    }
}
