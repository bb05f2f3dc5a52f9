import Foundation
import PostgresNIO

extension PostgresStore {
    /// Publishes in one transaction under an advisory lock: two nodes publishing at once take
    /// turns, since each publish builds on the versions the previous one left.
    public func publish(_ stage: StageID, policy: PublishPolicy, now: Date) async throws -> SnapshotRecord {
        try await write { tx in
            try await tx.execute("SELECT pg_advisory_xact_lock(\(Self.isinPublishLock))")
            guard let row = try await tx.rows("SELECT \(unescaped: Self.stageColumns) FROM isin_stages WHERE id = \(stage)").first else {
                throw ISINStoreError.stageNotFound(stage)
            }
            let record = try Self.stageRecord(row)
            guard var counts = record.counts else { throw ISINStoreError.stageNotFinished(stage) }
            // The staged rows are the truth; the parse's own count could only disagree after a bug.
            counts.valid = try await tx.count("SELECT count(*) FROM isin_staged WHERE stage_id = \(stage)")
            let previous = try await tx.rows("SELECT id, valid FROM isin_snapshots ORDER BY id DESC LIMIT 1").first?.decode((Int64, Int).self)
            try ISINPublishRules.check(count: counts.valid, previous: previous, policy: policy)
            let snapshot = try await tx.value(
                """
                INSERT INTO isin_snapshots (source, format, fetched_at, published_at, sha256, bytes,
                    valid, invalid, duplicate, added, removed, changed, problems)
                VALUES (\(record.info.source), \(record.info.format), \(record.info.fetchedAt.millis), \(now.millis),
                    \(record.info.sha256), \(record.info.bytes), \(counts.valid), \(counts.invalid), \(counts.duplicate), 0, 0, 0,
                    \(try ProblemsJSON.encode(record.problems)))
                RETURNING id
                """, as: Int64.self) ?? 0
            let diff = try await Self.applyVersions(tx, stage: stage, snapshot: snapshot)
            try await tx.execute(
                "UPDATE isin_snapshots SET added = \(diff.added), removed = \(diff.removed), changed = \(diff.changed) WHERE id = \(snapshot)")
            try await tx.execute("DELETE FROM isin_stages WHERE id = \(stage)")
            return try await Self.snapshotRecord(tx, snapshot)!
        }
    }

    /// Serializes publishes across nodes ("ISIN" in ASCII).
    static let isinPublishLock: Int64 = 0x4953_494E

    /// Ends the current versions that the stage drops or changes and starts versions for what it
    /// adds or changes: the same rule as the SQLite store.
    private static func applyVersions(_ tx: PostgresTransaction, stage: StageID, snapshot: Int64) async throws -> (added: Int, removed: Int, changed: Int) {
        let ended = try await tx.count(
            """
            WITH ended AS (
                UPDATE isin_versions v SET valid_to = \(snapshot)
                WHERE v.valid_to IS NULL AND NOT EXISTS (
                    SELECT 1 FROM isin_staged s
                    WHERE s.stage_id = \(stage) AND s.isin = v.isin
                      AND s.name IS NOT DISTINCT FROM v.name AND s.cfi IS NOT DISTINCT FROM v.cfi
                      AND s.currency IS NOT DISTINCT FROM v.currency AND s.issuer_lei IS NOT DISTINCT FROM v.issuer_lei)
                RETURNING 1
            ) SELECT count(*) FROM ended
            """)
        let changed = try await tx.count(
            """
            SELECT count(*) FROM isin_versions v
            WHERE v.valid_to = \(snapshot) AND EXISTS (SELECT 1 FROM isin_staged s WHERE s.stage_id = \(stage) AND s.isin = v.isin)
            """)
        let started = try await tx.count(
            """
            WITH started AS (
                INSERT INTO isin_versions (isin, valid_from, name, cfi, currency, issuer_lei, words)
                SELECT s.isin, \(snapshot), s.name, s.cfi, s.currency, s.issuer_lei, s.words FROM isin_staged s
                WHERE s.stage_id = \(stage) AND NOT EXISTS (
                    SELECT 1 FROM isin_versions v WHERE v.isin = s.isin AND v.valid_to IS NULL)
                RETURNING 1
            ) SELECT count(*) FROM started
            """)
        return (added: started - changed, removed: ended - changed, changed: changed)
    }

    static func snapshotRecord(_ tx: PostgresTransaction, _ id: Int64) async throws -> SnapshotRecord? {
        try await tx.rows("SELECT \(unescaped: snapshotColumns) FROM isin_snapshots WHERE id = \(id)").first.map(snapshotRecord)
    }

    static let snapshotColumns =
        "id, source, format, fetched_at, published_at, sha256, bytes, valid, invalid, duplicate, added, removed, changed, problems"

    static func snapshotRecord(_ row: PostgresRow) throws -> SnapshotRecord {
        let columns = row.makeRandomAccess()
        return SnapshotRecord(
            id: try columns[0].decode(Int64.self), source: try columns[1].decode(String.self), format: try columns[2].decode(String.self),
            fetchedAt: Date(millis: try columns[3].decode(Int64.self)), publishedAt: Date(millis: try columns[4].decode(Int64.self)),
            sha256: try columns[5].decode(String?.self), bytes: try columns[6].decode(Int64?.self),
            counts: StageCounts(valid: try columns[7].decode(Int.self), invalid: try columns[8].decode(Int.self), duplicate: try columns[9].decode(Int.self)),
            added: try columns[10].decode(Int.self), removed: try columns[11].decode(Int.self), changed: try columns[12].decode(Int.self),
            problems: ProblemsJSON.decode(try columns[13].decode(String.self)))
    }
}
