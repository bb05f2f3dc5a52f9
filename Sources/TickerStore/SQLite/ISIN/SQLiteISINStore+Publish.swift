import Foundation
import GRDB

extension SQLiteISINStore {
    public func publish(_ stage: StageID, policy: PublishPolicy, now: Date) async throws -> SnapshotRecord {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM isin_stages WHERE id = ?", arguments: [stage]) else {
                throw ISINStoreError.stageNotFound(stage)
            }
            let record = Self.stageRecord(row)
            guard var counts = record.counts else { throw ISINStoreError.stageNotFinished(stage) }
            // The staged rows are the truth; the parse's own count could only disagree after a bug.
            counts.valid = try Int.fetchOne(db, sql: "SELECT count(*) FROM isin_staged WHERE stage_id = ?", arguments: [stage]) ?? 0
            let previous = try Row.fetchOne(db, sql: "SELECT id, valid FROM isin_snapshots ORDER BY id DESC LIMIT 1")
                .map { (id: $0["id"] as Int64, valid: $0["valid"] as Int) }
            try ISINPublishRules.check(count: counts.valid, previous: previous, policy: policy)

            let json = try ProblemsJSON.encode(record.problems)
            try db.execute(
                sql: """
                    INSERT INTO isin_snapshots (source, format, fetched_at, published_at, sha256, bytes,
                        valid, invalid, duplicate, added, removed, changed, problems)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?)
                    """,
                arguments: [
                    record.info.source, record.info.format, record.info.fetchedAt.millis, now.millis,
                    record.info.sha256, record.info.bytes, counts.valid, counts.invalid, counts.duplicate, json,
                ])
            let snapshot = db.lastInsertedRowID
            let diff = try Self.applyVersions(db, stage: stage, snapshot: snapshot)
            try db.execute(
                sql: "UPDATE isin_snapshots SET added = ?, removed = ?, changed = ? WHERE id = ?",
                arguments: [diff.added, diff.removed, diff.changed, snapshot])
            try db.execute(sql: "DELETE FROM isin_stages WHERE id = ?", arguments: [stage])
            return try Self.snapshotRecord(db, snapshot)!
        }
    }

    /// Ends the current versions that the stage drops or changes, starts versions for what it adds
    /// or changes, and indexes the new names. One pass over the current versions.
    private static func applyVersions(_ db: Database, stage: StageID, snapshot: Int64) throws -> (added: Int, removed: Int, changed: Int) {
        let args: StatementArguments = ["snapshot": snapshot, "stage": stage]
        try db.execute(
            sql: """
                UPDATE isin_versions SET valid_to = :snapshot
                WHERE valid_to IS NULL AND NOT EXISTS (
                    SELECT 1 FROM isin_staged s
                    WHERE s.stage_id = :stage AND s.isin = isin_versions.isin
                      AND s.name IS isin_versions.name AND s.cfi IS isin_versions.cfi
                      AND s.currency IS isin_versions.currency AND s.issuer_lei IS isin_versions.issuer_lei)
                """,
            arguments: args)
        let ended = db.changesCount
        let changed = try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM isin_versions v
                WHERE v.valid_to = :snapshot
                  AND EXISTS (SELECT 1 FROM isin_staged s WHERE s.stage_id = :stage AND s.isin = v.isin)
                """,
            arguments: args) ?? 0
        try db.execute(
            sql: """
                INSERT INTO isin_versions (isin, valid_from, name, cfi, currency, issuer_lei)
                SELECT s.isin, :snapshot, s.name, s.cfi, s.currency, s.issuer_lei FROM isin_staged s
                WHERE s.stage_id = :stage AND NOT EXISTS (
                    SELECT 1 FROM isin_versions v WHERE v.isin = s.isin AND v.valid_to IS NULL)
                """,
            arguments: args)
        let started = db.changesCount
        try db.execute(
            sql: """
                INSERT INTO isin_names (rowid, name)
                SELECT id, name FROM isin_versions WHERE valid_from = :snapshot AND name IS NOT NULL
                """,
            arguments: args)
        return (added: started - changed, removed: ended - changed, changed: changed)
    }

    static func snapshotRecord(_ db: Database, _ id: Int64) throws -> SnapshotRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM isin_snapshots WHERE id = ?", arguments: [id]).map(snapshotRecord)
    }

    static func snapshotRecord(_ row: Row) -> SnapshotRecord {
        SnapshotRecord(
            id: row["id"], source: row["source"], format: row["format"],
            fetchedAt: Date(millis: row["fetched_at"]), publishedAt: Date(millis: row["published_at"]),
            sha256: row["sha256"], bytes: row["bytes"],
            counts: StageCounts(valid: row["valid"], invalid: row["invalid"], duplicate: row["duplicate"]),
            added: row["added"], removed: row["removed"], changed: row["changed"],
            problems: ProblemsJSON.decode(row["problems"]))
    }
}
