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
    public var dagsFolder: String
    public var registry: OperatorRegistry
    public var codeDags: [DagDefinition]
    public var engine: EngineConfiguration
    /// More services to run beside the engine, stopped with it on SIGTERM; they are made once the
    /// store is open, from the store and the engine (an HTTP API reads the one and wakes the other).
    public var services: @Sendable (Serving) throws -> [any Service]
    public var logger: Logger

    public init(
        dataDirectory: String = ".ticker", dagsFolder: String = "dags", registry: OperatorRegistry = .builtIn,
        codeDags: [DagDefinition] = [], engine: EngineConfiguration = EngineConfiguration(),
        services: @escaping @Sendable (Serving) throws -> [any Service] = { _ in [] }, logger: Logger = Logger(label: "ticker")
    ) {
        self.services = services
        self.dataDirectory = dataDirectory
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
        let store = try SQLiteStore(path: directory.databasePath)
        guard try await store.quickCheck() else { throw StoreError.notADatabase(path: directory.databasePath) }
        for dag in codeDags {
            let problems = dag.validate()
            guard problems.isEmpty else {
                throw StoreError.invalidArgument("DAG '\(dag.id)' defined in code is invalid: " + problems.map(\.description).joined(separator: "; "))
            }
        }
        let folder = URL(fileURLWithPath: dagsFolder, isDirectory: true)
        let sync = DagFolderSync(folder: folder, registry: registry, codeDags: codeDags, store: store, logger: logger)
        try await sync.syncOnce()
        let engine = Engine(store: store, registry: registry, config: engine, logger: logger)
        logger.info(
            "ticker serving",
            metadata: ["data_dir": "\(directory.url.path)", "dags": "\(folder.path)", "workers": "\(self.engine.workerSlots)"])
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: engine), .init(service: sync)]
                    + (try services(Serving(store: store, engine: engine))).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        withExtendedLifetime(lock) {}
    }
}

/// What a running server hands to the services it runs beside the engine.
public struct Serving: Sendable {
    /// The store the engine uses, opened and checked.
    public let store: SQLiteStore
    public let engine: Engine
}
