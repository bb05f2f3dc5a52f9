import Foundation
import GRDB

extension SQLiteISINStore {
    public func snapshots(limit: Int) async throws -> [SnapshotRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM isin_snapshots ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.snapshotRecord)
        }
    }

    public func snapshot(_ id: Int64) async throws -> SnapshotRecord? {
        try await pool.read { db in try Self.snapshotRecord(db, id) }
    }

    public func currentSnapshot() async throws -> SnapshotRecord? {
        try await snapshots(limit: 1).first
    }

    public func instruments(snapshot id: Int64, after afterISIN: String?, limit: Int) async throws -> [Instrument] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT isin, name, cfi, currency, issuer_lei FROM isin_versions
                    WHERE isin > ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)
                    ORDER BY isin LIMIT ?
                    """,
                arguments: [afterISIN ?? "", id, id, limit]
            ).map { Instrument(isin: $0["isin"], attributes: $0.attributes()) }
        }
    }

    public func history(isin: String) async throws -> [InstrumentVersion] {
        try await pool.read { db in
            // Cached: the API's look-up route runs this many times a second, and preparing it cost
            // more than running it.
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT v.*, s.published_at FROM isin_versions v JOIN isin_snapshots s ON s.id = v.valid_from
                        WHERE v.isin = ? ORDER BY v.valid_from
                        """),
                arguments: [isin]
            ).map {
                InstrumentVersion(
                    isin: $0["isin"], attributes: $0.attributes(), fromSnapshot: $0["valid_from"],
                    untilSnapshot: $0["valid_to"], since: Date(millis: $0["published_at"]))
            }
        }
    }

    public func search(_ text: String, limit: Int) async throws -> [Instrument] {
        guard let query = Self.ftsQuery(text) else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT v.isin, v.name, v.cfi, v.currency, v.issuer_lei
                    FROM isin_names JOIN isin_versions v ON v.id = isin_names.rowid
                    WHERE isin_names MATCH ? AND v.valid_to IS NULL
                    ORDER BY isin_names.rank, v.isin LIMIT ?
                    """,
                arguments: [query, limit]
            ).map { Instrument(isin: $0["isin"], attributes: $0.attributes()) }
        }
    }

    /// Every word of the text as a quoted prefix term, so that nothing a person types is read as
    /// FTS5 syntax (`AND`, `NEAR`, `-`, quotes). Nil when the text has no word.
    static func ftsQuery(_ text: String) -> String? {
        let words = text.split { !$0.isLetter && !$0.isNumber }
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    public func diff(from: Int64, to: Int64, after afterISIN: String?, limit: Int) async throws -> [DiffEntry] {
        try await pool.read { db in
            // Only ISINs with a version starting or ending in (from, to] can differ; walking the
            // ISIN index in order lets a page stop as soon as it is full.
            try Row.fetchAll(
                db,
                sql: """
                    WITH touched AS (
                        SELECT DISTINCT isin FROM isin_versions INDEXED BY isin_versions_by_isin
                        WHERE isin > :after
                          AND ((valid_from > :from AND valid_from <= :to) OR (valid_to > :from AND valid_to <= :to))
                    )
                    SELECT t.isin,
                        a.id AS a_id, a.name AS a_name, a.cfi AS a_cfi, a.currency AS a_currency, a.issuer_lei AS a_issuer_lei,
                        b.id AS b_id, b.name AS b_name, b.cfi AS b_cfi, b.currency AS b_currency, b.issuer_lei AS b_issuer_lei
                    FROM touched t
                    LEFT JOIN isin_versions a
                        ON a.isin = t.isin AND a.valid_from <= :from AND (a.valid_to IS NULL OR a.valid_to > :from)
                    LEFT JOIN isin_versions b
                        ON b.isin = t.isin AND b.valid_from <= :to AND (b.valid_to IS NULL OR b.valid_to > :to)
                    WHERE (a.id IS NULL) != (b.id IS NULL)
                       OR (a.id IS NOT NULL AND NOT (a.name IS b.name AND a.cfi IS b.cfi
                           AND a.currency IS b.currency AND a.issuer_lei IS b.issuer_lei))
                    ORDER BY t.isin LIMIT :limit
                    """,
                arguments: ["after": afterISIN ?? "", "from": from, "to": to, "limit": limit]
            ).map(Self.diffEntry)
        }
    }

    private static func diffEntry(_ row: Row) -> DiffEntry {
        let before: InstrumentAttributes? = (row["a_id"] as Int64?).map { _ in row.attributes(prefix: "a_") }
        let after: InstrumentAttributes? = (row["b_id"] as Int64?).map { _ in row.attributes(prefix: "b_") }
        let kind: DiffEntry.Kind = before == nil ? .added : after == nil ? .removed : .changed
        return DiffEntry(isin: row["isin"], kind: kind, before: before, after: after)
    }
}
