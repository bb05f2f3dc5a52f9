import Foundation
import GRDB
import Synchronization
import TickerCore

/// The embedded store: one SQLite database in WAL mode, owned by one `ticker serve` process.
///
/// Writes are serialized by SQLite itself, so every method is one `write` transaction and the
/// slot uniqueness index settles any race. CLI commands may read and write concurrently.
public final class SQLiteStore: SchedulerStore {
    let pool: DatabasePool
    public let path: String
    let definitions = DefinitionCache()
    /// Vault commits, batched: see `commit(_:now:)`.
    let vaultCommits: GroupCommit<PendingVaultChange, [String: Int64]>

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws {
        self.path = path
        let pool = try OpenDatabase.pool(path: path, migrator: SQLiteSchema.migrator, busyTimeout: 10)
        self.pool = pool
        vaultCommits = GroupCommit(batchLimit: 64) { batch in await Self.commit(batch, in: pool) }
    }

    /// Whether the database answers and has every migration of this version: what a readiness
    /// probe asks, cheaply, many times a minute.
    public func isReady() async throws -> Bool {
        try await pool.read { db in try SQLiteSchema.migrator.hasCompletedMigrations(db) }
    }

    /// Checks the whole file for corruption (`PRAGMA quick_check`); used by readiness probes and
    /// by `serve` at start-up.
    public func quickCheck() async throws -> Bool {
        try await pool.read { db in
            try String.fetchOne(db, sql: "PRAGMA quick_check") == "ok"
        }
    }
}

/// Decoded DAG definitions by version id, so hot paths don't decode JSON on every transaction.
/// Versions are immutable, so entries never go stale.
final class DefinitionCache: Sendable {
    private let entries = Mutex<[Int64: CompiledDag]>([:])

    func definition(_ versionID: Int64, in db: Database) throws -> CompiledDag {
        if let hit = entries.withLock({ $0[versionID] }) { return hit }
        let text = try String.fetchOne(db, sql: "SELECT definition FROM dag_versions WHERE id = ?", arguments: [versionID])
        return try remember(versionID, text)
    }

    /// The same for stores that read asynchronously: `load` returns the definition's JSON.
    func definition(_ versionID: Int64, load: () async throws -> String?) async throws -> CompiledDag {
        if let hit = entries.withLock({ $0[versionID] }) { return hit }
        return try remember(versionID, try await load())
    }

    private func remember(_ versionID: Int64, _ text: String?) throws -> CompiledDag {
        guard let text else { throw StoreError.invalidArgument("DAG version \(versionID) is missing from the database") }
        let compiled = try CompiledDag(json: text)
        entries.withLock { $0[versionID] = compiled }
        return compiled
    }
}

/// A definition with its schedule compiled once.
struct CompiledDag: Sendable {
    let definition: DagDefinition
    let schedule: Schedule?

    init(definition: DagDefinition) throws {
        self.definition = definition
        self.schedule = try definition.schedule?.compile()
    }

    init(json: String) throws {
        try self.init(definition: try JSONDecoder().decode(DagDefinition.self, from: Data(json.utf8)))
    }

    static func encode(_ definition: DagDefinition) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(definition), as: UTF8.self)
    }

    /// The schedule's slots in [from, to] (never after `now`) that a backfill creates runs for;
    /// both stores apply the same rules and limit.
    func backfillSlots(from: Date, to: Date, now: Date) throws -> [Date] {
        guard let schedule else { throw StoreError.dagHasNoSchedule(definition.id) }
        let slots = schedule.fireTimes(after: from.addingTimeInterval(-0.001), through: min(to, now), limit: 10_001)
        guard slots.count <= 10_000 else {
            throw StoreError.invalidArgument("the range holds more than 10000 slots; backfill it in smaller ranges")
        }
        return slots
    }

    static func scheduleKey(_ definition: DagDefinition) throws -> String? {
        guard let schedule = definition.schedule else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(schedule), as: UTF8.self)
    }
}
