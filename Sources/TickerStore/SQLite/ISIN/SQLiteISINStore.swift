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
        // Publishing a million rows touches more pages than the default 2 MB cache holds. No
        // memory map: its pages count as the process's memory, and a million-row update would
        // pass 200 MB resident.
        pool = try OpenDatabase.pool(
            path: path, migrator: ISINSchema.migrator, busyTimeout: 30, pragmas: ["PRAGMA cache_size = -32768"])
    }

    /// Whether the database answers and has every migration of this version.
    public func isReady() async throws -> Bool {
        try await pool.read { db in try ISINSchema.migrator.hasCompletedMigrations(db) }
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
