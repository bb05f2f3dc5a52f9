import Foundation
import PostgresNIO

/// The ISIN store on PostgreSQL: the same tables and rules as `isin.sqlite`, in the shared
/// database, so every node serves the same snapshots. Readers are never blocked by a publish
/// (MVCC) and see the previous snapshot until it commits.
extension PostgresStore: ISINStore {
    public func beginStage(_ info: StageInfo, now: Date) async throws -> StageID {
        try await write { tx in
            try await tx.execute("DELETE FROM isin_stages WHERE key = \(info.key)")
            return try await tx.value(
                """
                INSERT INTO isin_stages (key, source, format, fetched_at, sha256, bytes, begun_at)
                VALUES (\(info.key), \(info.source), \(info.format), \(info.fetchedAt.millis), \(info.sha256), \(info.bytes), \(now.millis))
                RETURNING id
                """, as: Int64.self) ?? 0
        }
    }

    /// One statement per batch. A row whose ISIN the stage already holds (from an earlier batch or
    /// earlier in this one) is not inserted, and is reported with the line of the row kept.
    public func appendToStage(_ stage: StageID, rows: [StagedRow]) async throws -> [DuplicateRow] {
        guard !rows.isEmpty else {
            return try await read { tx in
                guard try await tx.value("SELECT 1 FROM isin_stages WHERE id = \(stage)", as: Int.self) != nil else {
                    throw ISINStoreError.stageNotFound(stage)
                }
                return []
            }
        }
        let staged = rows.enumerated().map { n, row in
            let a = row.instrument.attributes
            return StagedInstrument(
                n: n, isin: row.instrument.isin, line: row.line, name: a.name, cfi: a.cfi, currency: a.currency, lei: a.issuerLEI,
                words: a.name.map(ISINSearchWords.words))
        }
        return try await write { tx in
            guard try await tx.value("SELECT 1 FROM isin_stages WHERE id = \(stage) FOR KEY SHARE", as: Int.self) != nil else {
                throw ISINStoreError.stageNotFound(stage)
            }
            let inserted = try await tx.rows(
                """
                INSERT INTO isin_staged (stage_id, isin, line, name, cfi, currency, issuer_lei, words)
                SELECT \(stage), r.isin, r.line, r.name, r.cfi, r.currency, r.lei, r.words
                FROM json_to_recordset(\(try PostgresBatch.json(staged))::json)
                     AS r(n integer, isin text, line integer, name text, cfi text, currency text, lei text, words text)
                ORDER BY r.n
                ON CONFLICT DO NOTHING
                RETURNING isin, line
                """)
            // The first row of each ISIN in the batch is the one inserted, if any was.
            var kept = Set(try inserted.map { try $0.decode((String, Int).self) }.map(StagedKey.init))
            let duplicates = rows.filter { kept.remove(StagedKey(($0.instrument.isin, $0.line))) == nil }
            guard !duplicates.isEmpty else { return [] }
            var firstLine: [String: Int] = [:]
            for row in try await tx.rows(
                "SELECT isin, line FROM isin_staged WHERE stage_id = \(stage) AND isin = ANY(\(Array(Set(duplicates.map(\.instrument.isin)))))")
            {
                let (isin, line) = try row.decode((String, Int).self)
                firstLine[isin] = line
            }
            return duplicates.map { DuplicateRow(isin: $0.instrument.isin, line: $0.line, firstLine: firstLine[$0.instrument.isin] ?? 0) }
        }
    }

    public func finishStage(_ stage: StageID, counts: StageCounts, problems: [RowProblem]) async throws {
        let json = try ProblemsJSON.encode(problems)
        try await write { tx in
            let updated = try await tx.rows(
                """
                UPDATE isin_stages SET valid = \(counts.valid), invalid = \(counts.invalid), duplicate = \(counts.duplicate),
                       problems = \(json)
                WHERE id = \(stage) RETURNING id
                """)
            guard updated.count == 1 else { throw ISINStoreError.stageNotFound(stage) }
        }
    }

    public func stage(key: String) async throws -> StageRecord? {
        try await read { tx in
            try await tx.rows("SELECT \(unescaped: Self.stageColumns) FROM isin_stages WHERE key = \(key)").first.map(Self.stageRecord)
        }
    }

    public func discardStage(_ stage: StageID) async throws {
        try await write { tx in try await tx.execute("DELETE FROM isin_stages WHERE id = \(stage)") }
    }

    public func pruneStages(begunBefore cutoff: Date) async throws -> Int {
        try await write { tx in
            try await tx.rows("DELETE FROM isin_stages WHERE begun_at < \(cutoff.millis) RETURNING id").count
        }
    }

    static let stageColumns = "id, key, source, format, fetched_at, sha256, bytes, begun_at, valid, invalid, duplicate, problems"

    static func stageRecord(_ row: PostgresRow) throws -> StageRecord {
        let (id, key, source, format, fetchedAt, sha256, bytes, begunAt, valid, invalid, duplicate, problems) = try row.decode(
            (Int64, String, String, String, Int64, String?, Int64?, Int64, Int?, Int?, Int?, String?).self)
        return StageRecord(
            id: id,
            info: StageInfo(key: key, source: source, format: format, fetchedAt: Date(millis: fetchedAt), sha256: sha256, bytes: bytes),
            counts: valid.map { StageCounts(valid: $0, invalid: invalid ?? 0, duplicate: duplicate ?? 0) },
            problems: ProblemsJSON.decode(problems), begunAt: Date(millis: begunAt))
    }
}

/// A staged row as the batch statement reads it.
private struct StagedInstrument: Encodable {
    /// The row's place in the batch: the first row of an ISIN is the one kept.
    var n: Int
    var isin: String
    var line: Int
    var name: String?
    var cfi: String?
    var currency: String?
    var lei: String?
    var words: String?
}

private struct StagedKey: Hashable {
    var isin: String
    var line: Int

    init(_ pair: (String, Int)) {
        isin = pair.0
        line = pair.1
    }
}
