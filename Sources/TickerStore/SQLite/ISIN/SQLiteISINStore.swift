import Foundation
import GRDB

/// The embedded ISIN store: `isin.sqlite` in WAL mode. Readers never block the publish and see
/// the previous snapshot until it commits.
public final class SQLiteISINStore: ISINStore {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Publishing a million rows touches more pages than the default 2 MB cache holds.
            try db.execute(sql: "PRAGMA cache_size = -32768")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try MigrationLock.withLock(forDatabaseAt: path) {
                try pool.read { db in
                    if try ISINSchema.migrator.hasBeenSuperseded(db) {
                        throw StoreError.cannotOpen(
                            path: path, reason: "it was written by a newer version of Ticker; upgrade Ticker")
                    }
                }
                try ISINSchema.migrator.migrate(pool)
            }
        } catch let error as DatabaseError {
            throw SQLiteStore.describe(error, path: path)
        }
    }
}

extension Row {
    /// The attributes in a row's `name`, `cfi`, `currency` and `issuer_lei` columns, or in the same
    /// columns with `prefix`.
    func attributes(prefix: String = "") -> InstrumentAttributes {
        InstrumentAttributes(
            name: self[prefix + "name"], cfi: self[prefix + "cfi"], currency: self[prefix + "currency"],
            issuerLEI: self[prefix + "issuer_lei"])
    }
}

enum ProblemsJSON {
    static func encode(_ problems: [RowProblem]) throws -> String {
        String(decoding: try JSONEncoder().encode(problems), as: UTF8.self)
    }

    static func decode(_ text: String?) -> [RowProblem] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([RowProblem].self, from: Data(text.utf8))) ?? []
    }
}
