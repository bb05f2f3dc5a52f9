import Foundation
import Logging
import ServiceLifecycle
import TickerCore
import TickerStore

/// Ticker as a library: what `ticker serve` runs, for programs that add their own operators or
/// define DAGs in Swift.
///
/// ```swift
/// var registry = OperatorRegistry.builtIn
/// registry.register(PostToLedger.self, as: "post_to_ledger")
/// let server = TickerServer(dataDirectory: ".ticker", dagsFolder: "dags", registry: registry,
///                           codeDags: [try nightlyReport()])
/// try await server.run()   // until SIGTERM or SIGINT
/// ```
public struct TickerServer: Sendable {
    public var dataDirectory: String
    /// A PostgreSQL URL: scheduling state lives there, shared with the other nodes that name it.
    /// Nil keeps it in the data directory's SQLite database, owned by this process alone.
    public var database: String?
    public var dagsFolder: String
    public var registry: OperatorRegistry
    public var codeDags: [DagDefinition]
    public var engine: EngineConfiguration
    /// More services to run beside the engine, stopped with it on SIGTERM; they are made once the
    /// store is open, from the store and the engine (an HTTP API reads the one and wakes the other).
    public var services: @Sendable (Serving) async throws -> [any Service]
    public var logger: Logger

    public init(
        dataDirectory: String = ".ticker", database: String? = nil, dagsFolder: String = "dags", registry: OperatorRegistry = .builtIn,
        codeDags: [DagDefinition] = [], engine: EngineConfiguration = EngineConfiguration(),
        services: @escaping @Sendable (Serving) async throws -> [any Service] = { _ in [] }, logger: Logger = Logger(label: "ticker")
    ) {
        self.services = services
        self.dataDirectory = dataDirectory
        self.database = database
        self.dagsFolder = dagsFolder
        self.registry = registry
        self.codeDags = codeDags
        self.engine = engine
        self.logger = logger
    }

    /// Takes the data directory's lock, opens and checks the store, syncs the DAGs, then runs the
    /// scheduler and the workers until SIGTERM or SIGINT, draining gracefully.
    public func run() async throws {
        let directory = DataDirectory(path: dataDirectory)
        try directory.prepare()
        let lock = try directory.lockForServing()
        guard let database else {
            let store = try SQLiteStore(path: directory.databasePath)
            guard try await store.quickCheck() else { throw StoreError.notADatabase(path: directory.databasePath) }
            try await run(store: store, exclusive: true, directory: directory) { _ in [] }
            return withExtendedLifetime(lock) {}
        }
        let store = try PostgresStore(url: database, logger: logger)
        // The pool runs beside the service group and stops after it, so that draining attempts
        // can still record their results.
        let pool = Task { await store.run() }
        defer { pool.cancel() }
        try await store.migrate()
        try await run(store: store, exclusive: false, directory: directory) { engine in
            [BackgroundService(name: "work-notifications") { await store.listenForWork { engine.workArrived() } }]
        }
        withExtendedLifetime(lock) {}
    }

    private func run(
        store: any ServingStore, exclusive: Bool, directory: DataDirectory, storeServices: (Engine) -> [any Service]
    ) async throws {
        for dag in codeDags {
            let problems = dag.validate()
            guard problems.isEmpty else {
                throw StoreError.invalidArgument("DAG '\(dag.id)' defined in code is invalid: " + problems.map(\.description).joined(separator: "; "))
            }
        }
        let folder = URL(fileURLWithPath: dagsFolder, isDirectory: true)
        let sync = DagFolderSync(folder: folder, registry: registry, codeDags: codeDags, store: store, logger: logger,
            deferral: exclusive ? nil : Self.deferToNewerNodes(store, lease: engine.lease))
        try await sync.syncOnce()
        var config = engine
        config.exclusiveStore = exclusive
        let engine = Engine(store: store, registry: registry, config: config, logger: logger)
        logger.info(
            "ticker serving",
            metadata: [
                "data_dir": "\(directory.url.path)", "dags": "\(folder.path)", "workers": "\(config.workerSlots)",
                "database": "\((store as? PostgresStore)?.displayName ?? directory.databasePath)",
            ])
        let presence = NodePresence(
            store: store, node: .current(owner: engine.owner, config: config), interval: config.heartbeat, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: presence), .init(service: engine), .init(service: sync),
                    .init(service: QueueGauges(store: store, logger: logger)),
                ]
                    + storeServices(engine).map { .init(service: $0) }
                    + (try await services(Serving(store: store, engine: engine))).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

extension TickerServer {
    /// On a shared store, a node does not sync its DAG folder while a newer version runs.
    fileprivate static func deferToNewerNodes(_ store: any ServingStore, lease: Duration) -> @Sendable () async throws -> String? {
        {
            FolderAuthority.newerNode(than: TickerVersion.current, in: try await store.nodes(), now: Date(), lease: lease)
                .map { "\($0.id) (\($0.version))" }
        }
    }
}

/// What a server's store offers: scheduling state, API tokens and the node table.
public typealias ServingStore = SchedulerStore & APITokenStore & NodeStore & VaultStore & DataKeyStore & AuditStore

/// What a running server hands to the services it runs beside the engine.
public struct Serving: Sendable {
    /// The store the engine uses, opened and checked.
    public let store: any ServingStore
    public let engine: Engine
}
