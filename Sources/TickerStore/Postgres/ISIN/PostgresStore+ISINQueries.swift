import Foundation
import PostgresNIO

extension PostgresStore {
    public func snapshots(limit: Int) async throws -> [SnapshotRecord] {
        try await read { tx in
            try await tx.rows("SELECT \(unescaped: Self.snapshotColumns) FROM isin_snapshots ORDER BY id DESC LIMIT \(limit)")
                .map(Self.snapshotRecord)
        }
    }

    public func snapshot(_ id: Int64) async throws -> SnapshotRecord? {
        try await read { tx in try await Self.snapshotRecord(tx, id) }
    }

    public func currentSnapshot() async throws -> SnapshotRecord? {
        try await snapshots(limit: 1).first
    }

    public func instruments(snapshot id: Int64, after afterISIN: String?, limit: Int) async throws -> [Instrument] {
        try await read { tx in
            try await tx.rows(
                """
                SELECT isin, name, cfi, currency, issuer_lei FROM isin_versions
                WHERE isin > \(afterISIN ?? "") AND valid_from <= \(id) AND (valid_to IS NULL OR valid_to > \(id))
                ORDER BY isin LIMIT \(limit)
                """
            ).map(Self.instrument)
        }
    }

    public func history(isin: String) async throws -> [InstrumentVersion] {
        try await read { tx in
            try await tx.rows(
                """
                SELECT v.isin, v.name, v.cfi, v.currency, v.issuer_lei, v.valid_from, v.valid_to, s.published_at
                FROM isin_versions v JOIN isin_snapshots s ON s.id = v.valid_from
                WHERE v.isin = \(isin) ORDER BY v.valid_from
                """
            ).map { row in
                let (isin, name, cfi, currency, lei, from, until, since) = try row.decode(
                    (String, String?, String?, String?, String?, Int64, Int64?, Int64).self)
                return InstrumentVersion(
                    isin: isin, attributes: InstrumentAttributes(name: name, cfi: cfi, currency: currency, issuerLEI: lei),
                    fromSnapshot: from, untilSnapshot: until, since: Date(millis: since))
            }
        }
    }

    /// Every word of the text as a prefix, all required, against the current versions' names.
    /// Words are folded in Swift the way names were when staged, so "nestle" finds "Nestlé"
    /// without a database extension, and nothing typed is read as query syntax.
    public func search(_ text: String, limit: Int) async throws -> [Instrument] {
        let words = ISINSearchWords.words(text).split(separator: " ")
        guard !words.isEmpty else { return [] }
        let query = words.map { "\($0):*" }.joined(separator: " & ")
        return try await read { tx in
            try await tx.rows(
                """
                SELECT isin, name, cfi, currency, issuer_lei FROM isin_versions
                WHERE valid_to IS NULL AND to_tsvector('simple', words) @@ to_tsquery('simple', \(query))
                ORDER BY ts_rank(to_tsvector('simple', words), to_tsquery('simple', \(query))) DESC, isin
                LIMIT \(limit)
                """
            ).map(Self.instrument)
        }
    }

    public func diff(from: Int64, to: Int64, after afterISIN: String?, limit: Int) async throws -> [DiffEntry] {
        let after = afterISIN ?? ""
        return try await read { tx in
            // Only ISINs with a version starting or ending in (from, to] can differ.
            try await tx.rows(
                """
                WITH touched AS (
                    SELECT DISTINCT isin FROM isin_versions
                    WHERE isin > \(after)
                      AND ((valid_from > \(from) AND valid_from <= \(to)) OR (valid_to > \(from) AND valid_to <= \(to)))
                )
                SELECT t.isin, a.id, a.name, a.cfi, a.currency, a.issuer_lei, b.id, b.name, b.cfi, b.currency, b.issuer_lei
                FROM touched t
                LEFT JOIN isin_versions a ON a.isin = t.isin AND a.valid_from <= \(from) AND (a.valid_to IS NULL OR a.valid_to > \(from))
                LEFT JOIN isin_versions b ON b.isin = t.isin AND b.valid_from <= \(to) AND (b.valid_to IS NULL OR b.valid_to > \(to))
                WHERE (a.id IS NULL) <> (b.id IS NULL)
                   OR (a.id IS NOT NULL AND NOT (a.name IS NOT DISTINCT FROM b.name AND a.cfi IS NOT DISTINCT FROM b.cfi
                       AND a.currency IS NOT DISTINCT FROM b.currency AND a.issuer_lei IS NOT DISTINCT FROM b.issuer_lei))
                ORDER BY t.isin LIMIT \(limit)
                """
            ).map(Self.diffEntry)
        }
    }

    /// Columns: isin, name, cfi, currency, issuer_lei.
    private static func instrument(_ row: PostgresRow) throws -> Instrument {
        let columns = row.makeRandomAccess()
        return Instrument(isin: try columns[0].decode(String.self), attributes: try attributes(columns, from: 1))
    }

    private static func attributes(_ columns: PostgresRandomAccessRow, from i: Int) throws -> InstrumentAttributes {
        InstrumentAttributes(
            name: try columns[i].decode(String?.self), cfi: try columns[i + 1].decode(String?.self),
            currency: try columns[i + 2].decode(String?.self), issuerLEI: try columns[i + 3].decode(String?.self))
    }

    private static func diffEntry(_ row: PostgresRow) throws -> DiffEntry {
        let columns = row.makeRandomAccess()
        let before = try columns[1].decode(Int64?.self) == nil ? nil : try attributes(columns, from: 2)
        let after = try columns[6].decode(Int64?.self) == nil ? nil : try attributes(columns, from: 7)
        let kind: DiffEntry.Kind = before == nil ? .added : after == nil ? .removed : .changed
        return DiffEntry(isin: try columns[0].decode(String.self), kind: kind, before: before, after: after)
    }
}
