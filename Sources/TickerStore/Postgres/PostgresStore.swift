import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import TickerCore

/// The shared store: one PostgreSQL database that several `ticker serve` nodes use at once.
///
/// Every method is one transaction. Where SQLite relies on writes being serialized, this store
/// takes row locks: a DAG's row while its slots are recorded or its runs start (so concurrency
/// limits hold across nodes), a run's row while its tasks advance, and `FOR UPDATE SKIP LOCKED`
/// on ready tasks so that claims by several workers never wait for or collide with each other.
/// The slot uniqueness index remains the last word on duplicates. Transactions that PostgreSQL
/// aborts as a deadlock or serialization failure are retried from the start.
public final class PostgresStore: SchedulerStore, Service {
    let client: PostgresClient
    let logger: Logger
    let definitions = DefinitionCache()
    /// What the URL named, without its password: for logs and errors.
    public let displayName: String

    /// A store for `url` (`postgres://user:password@host:port/database`). Nothing is sent until
    /// `run()` runs (as a service, or in a task) and `migrate()` is called.
    /// `idleInTransactionTimeout` is how long PostgreSQL lets a transaction of ours sit idle
    /// before it ends the session (below).
    public init(url: String, maxConnections: Int = 20, idleInTransactionTimeout: Duration = .seconds(10), logger: Logger) throws {
        let parsed = try PostgresURL(url)
        var configuration = PostgresClient.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.user, password: parsed.password,
            database: parsed.database, tls: .disable)
        configuration.options.maximumConnections = maxConnections
        // A node paused or cut off in the middle of a transaction would keep its row locks, and
        // the DAGs and tasks they cover would wait for it; our transactions never idle for long,
        // so PostgreSQL ends such a session after 10 s and the node's writes fail, fenced.
        configuration.options.additionalStartupParameters = [
            ("application_name", "ticker"),
            ("idle_in_transaction_session_timeout", String(idleInTransactionTimeout.components.seconds * 1000)),
        ]
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        displayName = parsed.displayName
    }

    /// Runs the connection pool until cancelled or a graceful shutdown.
    public func run() async {
        await client.run()
    }

    /// Applies pending migrations, once across all nodes.
    public func migrate(now: Date = Date()) async throws {
        try await write { tx in
            try await tx.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))")
            try await tx.execute(PostgresQuery(unsafeSQL: PostgresSchema.ledger))
            let applied = Set(try await tx.rows("SELECT id FROM ticker_migrations").map { try $0.decode(String.self) })
            for migration in PostgresSchema.migrations where !applied.contains(migration.id) {
                for statement in migration.statements { try await tx.execute(PostgresQuery(unsafeSQL: statement)) }
                try await tx.execute("INSERT INTO ticker_migrations (id, applied_at) VALUES (\(migration.id), \(now.millis))")
            }
        }
    }

    /// Whether the database answers and has every migration of this version.
    public func isReady() async throws -> Bool {
        try await read { tx in
            let applied = try await tx.rows("SELECT id FROM ticker_migrations").map { try $0.decode(String.self) }
            return Set(PostgresSchema.migrations.map(\.id)).isSubset(of: applied)
        }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction, retrying it when PostgreSQL aborts it as a deadlock or a
    /// serialization failure. Commit hooks (metrics) run once it committed.
    func write<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let (result, ended) = try await client.withConnection(isolation: #isolation) { connection in
                    try await Self.transaction(on: connection, logger: logger) { tx in
                        let result = try await body(tx)
                        // Delivered at commit, and only then: listeners never chase work that was rolled back.
                        if tx.readiedWork { try await tx.execute("SELECT pg_notify(\(Self.workChannel), '')") }
                        return (result, tx.endedRuns)
                    }
                }
                ended.forEach(RunMetrics.runEnded)
                return result
            } catch {
                let failure = PostgresStoreError(error)
                guard failure.isRetryable, attempt < 8 else { throw failure.storeError ?? failure }
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 << min(attempt, 5)))))
            }
        }
    }

    /// Runs `body` on one connection in a read-only transaction (one consistent snapshot).
    func read<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection(isolation: #isolation) { connection in
                    try await Self.transaction(on: connection, readOnly: true, logger: logger) { tx in try await body(tx) }
                }
            } catch {
                let failure = PostgresStoreError(error)
                guard failure.sqlState == PostgresStoreError.staleConnection.sqlState, attempt < 4 else { throw failure.storeError ?? failure }
            }
        }
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK when `body` or the commit fails.
    ///
    /// Not postgres-nio's `withTransaction`: in 1.33 a statement written to a connection the
    /// server has closed (a session ended by `idle_in_transaction_session_timeout`, a restarted
    /// server) is dropped without failing, and its caller waits for ever; that includes the
    /// library's own ROLLBACK. Here each statement first checks the connection (see
    /// `PostgresTransaction.rows`), and a closed connection is not asked to roll back: the server
    /// already did. A connection whose ROLLBACK fails is closed, so the pool never lends it again
    /// in an aborted transaction.
    static func transaction<T>(
        on connection: PostgresConnection, readOnly: Bool = false, logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> sending T
    ) async throws -> sending T {
        // The pool may lend a connection whose close it has not heard of yet: nothing ran on it,
        // so the caller may simply take another.
        guard !connection.isClosed else { throw PostgresStoreError.staleConnection }
        let tx = PostgresTransaction(connection: connection, logger: logger)
        try await tx.execute(readOnly ? "BEGIN READ ONLY" : "BEGIN")
        do {
            let result = try await body(tx)
            try await tx.execute("COMMIT")
            return result
        } catch {
            if !connection.isClosed {
                do {
                    try await tx.execute("ROLLBACK")
                } catch {
                    try? await connection.close()
                }
            }
            throw error
        }
    }

    /// The channel on which a transaction that made tasks ready tells every node.
    static let workChannel = "ticker_work"

    /// Calls `wake` whenever a transaction on any node made tasks ready, until cancelled. After a
    /// lost connection it listens again a second later; the workers' polling covers the gap.
    public func listenForWork(_ wake: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.workChannel) { notifications in
                        for try await _ in notifications { wake() }
                    }
                }
            } catch {
                guard !Task.isCancelled else { return }
                logger.warning("listening for new work failed; polling until it is back", metadata: ["error": "\(PostgresStoreError(error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// A DAG version's definition, decoded once per process (versions never change).
    func definition(_ versionID: Int64, in tx: PostgresTransaction) async throws -> CompiledDag {
        try await definitions.definition(versionID) {
            try await tx.rows("SELECT definition FROM dag_versions WHERE id = \(versionID)").first?.decode(String.self)
        }
    }
}

/// One transaction's connection, and what must happen once it commits.
final class PostgresTransaction {
    let connection: PostgresConnection
    let logger: Logger
    /// Runs that reached a final state: counted in metrics after the commit.
    var endedRuns: [RunState] = []
    /// Whether tasks became ready to claim: other nodes are notified at the commit.
    var readiedWork = false

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Runs a statement. Its rows, if any, are read, because errors raised while producing them
    /// are only reported to a reader.
    func execute(_ query: PostgresQuery) async throws {
        guard !connection.isClosed else { throw PostgresStoreError.connectionClosed }
        for try await _ in try await connection.query(query, logger: logger) {}
    }

    /// Fails at once on a connection that is closed, rather than writing a statement that
    /// postgres-nio 1.33 would drop without ever answering (see `PostgresStore.transaction`).
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        guard !connection.isClosed else { throw PostgresStoreError.connectionClosed }
        return try await connection.query(query, logger: logger).collect()
    }

    /// The single value of the first row, or nil without rows.
    func value<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
        try await rows(query).first?.decode(T.self)
    }

    func count(_ query: PostgresQuery) async throws -> Int {
        try await value(query, as: Int.self) ?? 0
    }
}

/// A failure of the database, told without the SQL text or row values: PostgreSQL's own message
/// and SQLSTATE only, which is what an operator needs and all a log may hold.
public struct PostgresStoreError: Error, CustomStringConvertible {
    public var sqlState: String?
    public var message: String
    /// An error of our own thrown by the transaction's body (a `StoreError`, an
    /// `ISINStoreError`): not the database's, so callers get it unchanged.
    var storeError: (any Error)?

    init(_ error: any Error) {
        if error is StoreError || error is ISINStoreError || error is VaultStoreError || error is DataKeyStoreError {
            storeError = error
            message = String(describing: error)
            return
        }
        if let transaction = error as? PostgresTransactionError {
            let inner = transaction.closureError ?? transaction.commitError ?? transaction.beginError
            self = inner.map(PostgresStoreError.init) ?? PostgresStoreError(sqlState: nil, message: "transaction failed")
            return
        }
        if let already = error as? PostgresStoreError {
            self = already
            return
        }
        if let psql = error as? PSQLError {
            sqlState = psql.serverInfo?[.sqlState]
            message = psql.serverInfo?[.message] ?? "\(psql.code)"
            return
        }
        message = String(describing: error)
    }

    init(sqlState: String?, message: String) {
        self.sqlState = sqlState
        self.message = message
    }

    /// The connection was closed under the transaction, most often by the server's
    /// `idle_in_transaction_session_timeout` after the process stalled; the server rolled back.
    static let connectionClosed = PostgresStoreError(
        sqlState: "57P05", message: "the connection was closed during the transaction (idle too long in it?); nothing was committed")

    /// A closed connection lent by the pool before the transaction began (nothing ran).
    static let staleConnection = PostgresStoreError(sqlState: "08003", message: "the pool lent a closed connection")

    /// Deadlock, serialization failure, or a closed connection before BEGIN: the transaction may
    /// simply run again.
    var isRetryable: Bool { sqlState == "40P01" || sqlState == "40001" || sqlState == "08003" }

    public var description: String {
        sqlState.map { "PostgreSQL: \(message) (SQLSTATE \($0))" } ?? "PostgreSQL: \(message)"
    }
}

/// `postgres://user:password@host:port/database`, read strictly: a typo is reported, not guessed.
struct PostgresURL {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String?

    init(_ text: String) throws {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw StoreError.invalidArgument("the database URL must look like postgres://user:password@host:5432/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError.invalidArgument("the database URL names no host (postgres://user@HOST:5432/database)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError.invalidArgument("the database URL names no user (postgres://USER@\(host)/database)")
        }
        if let query = components.query, !query.isEmpty {
            throw StoreError.invalidArgument("the database URL's options (?\(query)) are not supported; TLS to PostgreSQL is not configurable yet")
        }
        self.host = host
        port = components.port ?? 5432
        self.user = user
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
    }

    var displayName: String { "postgres://\(user)@\(host):\(port)/\(database ?? user)" }
}
