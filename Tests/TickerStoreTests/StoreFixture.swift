import Foundation
import Logging
import PostgresNIO
import TickerCore

@testable import TickerStore

/// The stores the contract suites run against. PostgreSQL needs `TICKER_TEST_POSTGRES_URL`, which
/// `scripts/test` sets after starting a private cluster; on CI a missing URL fails the PostgreSQL
/// cases instead of skipping them.
enum StoreKind: String, CustomStringConvertible, Sendable, CaseIterable {
    case sqlite
    case postgres

    static var available: [StoreKind] {
        let env = ProcessInfo.processInfo.environment
        return env["TICKER_TEST_POSTGRES_URL"] != nil || env["CI"] == "true" ? allCases : [.sqlite]
    }

    var description: String { rawValue }
}

/// A fresh store of `kind`, removed afterwards.
func withStore<T: Sendable>(_ kind: StoreKind, _ body: (any SchedulerStore & APITokenStore & NodeStore & VaultStore & DataKeyStore & AuditStore) async throws -> T) async throws -> T {
    switch kind {
    case .sqlite: try await withSQLiteStore(body)
    case .postgres: try await withPostgresStore(body)
    }
}

/// A fresh SQLite store in a temporary folder, removed afterwards.
func withSQLiteStore<T>(_ body: (SQLiteStore) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-store-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try DataDirectory(path: folder.path).openStore()
    return try await body(store)
}

/// A PostgreSQL store on a new database of the test cluster, dropped afterwards.
func withPostgresStore<T: Sendable>(_ body: (PostgresStore) async throws -> T) async throws -> T {
    guard let url = ProcessInfo.processInfo.environment["TICKER_TEST_POSTGRES_URL"] else {
        throw StoreError.invalidArgument("TICKER_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
    }
    let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    var components = URLComponents(string: url)!
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    try await administer(url, "CREATE DATABASE \(name)")
    components.path = "/" + name
    // A loaded test machine can leave a transaction's task unscheduled for more than the
    // product's 10 s; PostgreSQL then ends the session and the transaction fails (see
    // `PostgresStoreTests.idleTransactionEnded`, which sets its own). Tests are not about that timeout.
    let store = try PostgresStore(url: components.string!, maxConnections: 4, idleInTransactionTimeout: .seconds(120), logger: logger)
    let result: Result<T, any Error>
    do {
        result = .success(try await whileRunning(store) {
            try await store.migrate()
            return try await body(store)
        })
    } catch {
        result = .failure(error)
    }
    try await administer(url, "DROP DATABASE \(name) WITH (FORCE)")
    return try result.get()
}

/// Runs one statement on the cluster's own database (a pool's `run()` may be called only once,
/// so each statement gets its own short-lived client).
private func administer(_ url: String, _ sql: String) async throws {
    let admin = try PostgresStore(url: url, maxConnections: 1, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    try await whileRunning(admin) { try await admin.client.query(PostgresQuery(unsafeSQL: sql)) }
}

/// Runs `body` while the store's connection pool runs.
func whileRunning<T: Sendable>(_ store: PostgresStore, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await store.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// Fixed instants on a minute boundary, so interval schedules fire exactly at them.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

func minutes(_ n: Double) -> Date { t0.addingTimeInterval(n * 60) }

func everyMinute(
    _ id: String = "m", misfire: MisfirePolicy = .latestOnce, overlap: OverlapPolicy = .skip, maxActive: Int = 1,
    runTimeout: Duration? = nil, tasks: [TaskDefinition]? = nil
) -> DagDefinition {
    DagDefinition(
        id: id, schedule: ScheduleSpec(rule: .interval(every: .seconds(60), anchor: nil)), misfire: misfire,
        misfireGrace: .seconds(30), overlap: overlap, maxActiveRuns: maxActive, runTimeout: runTimeout,
        tasks: tasks ?? [TaskDefinition(id: "t", operatorName: "noop")])
}
