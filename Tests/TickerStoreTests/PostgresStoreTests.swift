import Foundation
import PostgresNIO
import Synchronization
import Testing
import TickerCore

@testable import TickerStore

/// What only the PostgreSQL store has: notifications between nodes, URL checks, safe errors.
@Suite("PostgreSQL store", .enabled(if: StoreKind.available.contains(.postgres)))
struct PostgresStoreTests {
    @Test("a transaction that readies tasks wakes every listener, at its commit")
    func notifiesListeners() async throws {
        try await withPostgresStore { store in
            _ = try await store.syncDags([everyMinute()], deactivateOthers: true, now: minutes(0))
            let wakes = WakeCounter()
            let listener = Task { await store.listenForWork { wakes.count.withLock { $0 += 1 } } }
            defer { listener.cancel() }
            // LISTEN takes effect a moment after the task starts: trigger until a wake arrives.
            for _ in 0..<50 where wakes.count.withLock({ $0 }) == 0 {
                _ = try await store.trigger(dagID: "m", conf: .object([:]), now: Date())
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(wakes.count.withLock { $0 } > 0)
        }
    }

    /// postgres-nio 1.33 drops a statement written after the server closed the connection and
    /// never answers it; the store must fail the transaction instead, and keep working.
    ///
    /// Only this transaction gets the 1 s limit (`SET LOCAL`): with it on the whole store, the
    /// checks after it failed now and then in a full run, when the test's task waited more than a
    /// second for a thread between two statements. The time limit is what catches a hang; a
    /// wall-clock bound would only measure how busy the machine is.
    @Test("a transaction idle past idle_in_transaction_session_timeout fails, and the store goes on", .timeLimit(.minutes(3)))
    func idleTransactionEnded() async throws {
        try await withPostgresStore { store in
            // The store's own limit reaches the session (the fixture sets 120 s).
            #expect(try await store.read { tx in try await tx.value("SHOW idle_in_transaction_session_timeout", as: String.self) } == "2min")
            let error = await #expect(throws: PostgresStoreError.self) {
                try await store.write { tx in
                    try await tx.execute("SET LOCAL idle_in_transaction_session_timeout = '1s'")
                    try await Task.sleep(for: .seconds(3))
                    return try await tx.value("SELECT 2", as: Int.self)
                }
            }
            #expect(error?.sqlState == PostgresStoreError.connectionClosed.sqlState, "\(String(describing: error))")
            let after = try await store.read { tx in try await tx.value("SELECT 3", as: Int.self) }
            #expect(after == 3)
            #expect(try await store.isReady())
        }
    }

    @Test("database URLs are read strictly; the password never shows")
    func urls() throws {
        let url = try PostgresURL("postgres://ticker:s3cret@db.internal:6543/jobs")
        #expect((url.host, url.port, url.user, url.password, url.database) == ("db.internal", 6543, "ticker", "s3cret", "jobs"))
        #expect(url.displayName == "postgres://ticker@db.internal:6543/jobs")
        #expect(try PostgresURL("postgresql://me@localhost").port == 5432)
        for (text, complaint) in [
            ("mysql://a@b/c", "must look like postgres://"), ("postgres:///db", "names no host"),
            ("postgres://host/db", "names no user"), ("postgres://a@b/c?sslmode=require", "are not supported"),
        ] {
            #expect(throws: StoreError.self, "\(text)") { try PostgresURL(text) }
            do { _ = try PostgresURL(text) } catch { #expect("\(error)".contains(complaint), "\(error)") }
        }
    }

    @Test("a database error says what PostgreSQL said, with its SQLSTATE, and never the SQL or values")
    func safeErrors() async throws {
        try await withPostgresStore { store in
            let secret = "do-not-log-me"
            let error = await #expect(throws: PostgresStoreError.self) {
                try await store.write { tx in try await tx.execute("SELECT * FROM no_such_table WHERE name = \(secret)") }
            }
            let text = error.map { "\($0)" } ?? ""
            #expect(error?.sqlState == "42P01")
            #expect(text.contains("no_such_table") && text.contains("42P01"), "\(text)")
            #expect(!text.contains(secret) && !text.contains("SELECT"), "\(text)")
        }
    }
}

private final class WakeCounter: Sendable {
    let count = Mutex(0)
}
