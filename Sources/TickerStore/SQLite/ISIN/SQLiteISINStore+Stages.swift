import Foundation
import GRDB

extension SQLiteISINStore {
    public func beginStage(_ info: StageInfo, now: Date) async throws -> StageID {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM isin_stages WHERE key = ?", arguments: [info.key])
            try db.execute(
                sql: """
                    INSERT INTO isin_stages (key, source, format, fetched_at, sha256, bytes, begun_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [info.key, info.source, info.format, info.fetchedAt.millis, info.sha256, info.bytes, now.millis])
            return db.lastInsertedRowID
        }
    }

    public func appendToStage(_ stage: StageID, rows: [StagedRow]) async throws -> [DuplicateRow] {
        try await pool.write { db in
            guard try db.cachedValue(Int.self, "SELECT 1 FROM isin_stages WHERE id = ?", [stage]) != nil else {
                throw ISINStoreError.stageNotFound(stage)
            }
            let insert = try db.cachedStatement(sql: """
                INSERT INTO isin_staged (stage_id, isin, line, name, cfi, currency, issuer_lei)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
            var duplicates: [DuplicateRow] = []
            for row in rows {
                let a = row.instrument.attributes
                // Unchecked: the argument count is right by construction, and checking it per row
                // shows up in a million-row import.
                insert.setUncheckedArguments([stage, row.instrument.isin, row.line, a.name, a.cfi, a.currency, a.issuerLEI])
                try insert.execute()
                if db.changesCount == 0 {
                    let first = try db.cachedValue(
                        Int.self, "SELECT line FROM isin_staged WHERE stage_id = ? AND isin = ?",
                        [stage, row.instrument.isin])
                    duplicates.append(DuplicateRow(isin: row.instrument.isin, line: row.line, firstLine: first ?? 0))
                }
            }
            return duplicates
        }
    }

    public func finishStage(_ stage: StageID, counts: StageCounts, problems: [RowProblem]) async throws {
        let json = try ProblemsJSON.encode(problems)
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE isin_stages SET valid = ?, invalid = ?, duplicate = ?, problems = ? WHERE id = ?",
                arguments: [counts.valid, counts.invalid, counts.duplicate, json, stage])
            guard db.changesCount == 1 else { throw ISINStoreError.stageNotFound(stage) }
        }
    }

    public func stage(key: String) async throws -> StageRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM isin_stages WHERE key = ?", arguments: [key]).map(Self.stageRecord)
        }
    }

    public func discardStage(_ stage: StageID) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM isin_stages WHERE id = ?", arguments: [stage])
        }
    }

    public func pruneStages(begunBefore cutoff: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM isin_stages WHERE begun_at < ?", arguments: [cutoff.millis])
            return db.changesCount
        }
    }

    static func stageRecord(_ row: Row) -> StageRecord {
        let valid: Int? = row["valid"]
        return StageRecord(
            id: row["id"],
            info: StageInfo(
                key: row["key"], source: row["source"], format: row["format"],
                fetchedAt: Date(millis: row["fetched_at"]), sha256: row["sha256"], bytes: row["bytes"]),
            counts: valid.map { StageCounts(valid: $0, invalid: row["invalid"], duplicate: row["duplicate"]) },
            problems: ProblemsJSON.decode(row["problems"]),
            begunAt: Date(millis: row["begun_at"]))
    }
}
