import Foundation
import Logging
import Testing
import TickerCore
import TickerStore

/// Several `ticker serve` nodes on one PostgreSQL database: every slot is recorded once, even
/// when a node is killed with `kill -9` and comes back. (`scripts/chaos` runs the long version.)
@Suite("Nodes sharing PostgreSQL", .enabled(if: PostgresTestDatabase.available))
struct PostgresNodesTests {
    @Test("two nodes share the work; one killed and restarted: no slot lost or recorded twice")
    func twoNodes() async throws {
        let database = try PostgresTestDatabase()
        defer { database.drop() }
        let nodes = try (0..<2).map { _ in try TickerHarness() }
        for node in nodes {
            node.settings["TICKER_DB"] = database.url
            // Nodes of one deployment share their KEKs.
            node.settings["TICKER_KEYS_FILE_DIR"] = nodes[0].root.appendingPathComponent("keys").path
            try node.writeDag("tick", "dag: tick\nschedule: {every: 1s}\noverlap: allow\nmax_active_runs: 10\ntasks:\n  first: {operator: noop}\n  second: {operator: noop, depends_on: first}\n")
            try node.startServer()
        }
        let store = try PostgresStore(url: database.url, maxConnections: 2, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let pool = Task { await store.run() }
        defer { pool.cancel() }
        try await store.migrate()  // whichever comes first, the nodes or this, creates the schema once
        try await nodes[0].waitUntil("both nodes recorded slots", timeout: 60) {
            try await store.allRuns("tick").count >= 3
        }
        nodes[0].killServer()
        try await Task.sleep(for: .seconds(2))
        try nodes[0].startServer()
        try await Task.sleep(for: .seconds(3))
        for node in nodes { #expect(try await node.stopServer() == 0, "\(node.serverOutput.suffix(3000))") }

        let runs = try await store.allRuns("tick")
        let slots = runs.map { Int64($0.slotAt.timeIntervalSince1970) }
        let first = try #require(slots.min())
        let watermark = try #require(try await store.dag("tick")?.nextSlotAt)
        let expected = Set(first..<Int64(watermark.timeIntervalSince1970))
        #expect(slots.count == Set(slots).count, "a slot was recorded twice: \(slots)")
        #expect(expected.subtracting(slots).isEmpty, "slots lost: \(expected.subtracting(slots).sorted())")
        // The killed node's attempts end as lost when their leases expire; every other run ran.
        let unfinished = runs.filter { $0.state != .succeeded }
        #expect(unfinished.count <= 2, "\(unfinished.map { "\($0.id) \($0.state)" })")
        #expect(runs.count >= 6)
        let owners = Set(try await store.attempts(dagID: "tick").map(\.owner))
        #expect(owners.count >= 2, "the work was shared: \(owners)")
        // Three processes beat into the node table: the two stopped gracefully said goodbye, the
        // killed one did not. Every attempt's owner is one of them.
        let table = try await store.nodes()
        #expect(table.count == 3, "\(table)")
        #expect(table.filter { $0.stoppedAt != nil }.count == 2, "\(table)")
        #expect(owners.isSubset(of: Set(table.map(\.id))), "\(owners) \(table.map(\.id))")
    }
}

/// A new database on the test cluster (`TICKER_TEST_POSTGRES_URL`), made and dropped with `psql`.
struct PostgresTestDatabase {
    static var available: Bool {
        let env = ProcessInfo.processInfo.environment
        return env["TICKER_TEST_POSTGRES_URL"] != nil || env["CI"] == "true"
    }

    let url: String
    private let admin: String
    private let name = "it_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()

    init() throws {
        guard let admin = ProcessInfo.processInfo.environment["TICKER_TEST_POSTGRES_URL"] else {
            throw HarnessError("TICKER_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
        }
        self.admin = admin
        try Self.psql(admin, "CREATE DATABASE \(name)")
        var components = URLComponents(string: admin)!
        components.path = "/" + name
        url = components.string!
    }

    func drop() {
        try? Self.psql(admin, "DROP DATABASE \(name) WITH (FORCE)")
    }

    private static func psql(_ url: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("psql failed: \(sql)") }
    }
}
