import Foundation
import Logging
import ServiceLifecycle
import TickerEngine
import TickerISIN
import TickerStore

extension ISINPipeline {
    /// The pipeline on the ISIN store and the data directory's work folder (downloads). The
    /// store is the shared PostgreSQL database when one is configured, so every node serves the
    /// same snapshots; otherwise the data directory's `isin.sqlite`.
    static func open(_ directory: DataDirectory, database: String?, logger: Logger) async throws -> ISINPipeline {
        guard let database else { return ISINPipeline(store: try directory.openISINStore(), workDirectory: directory.isinWorkURL) }
        let store = try PostgresStore(url: database, maxConnections: 4, logger: logger)
        // The pool lives as long as the process: the ISIN tasks of a draining engine still need it.
        Task { await store.run() }
        try await store.migrate()
        return ISINPipeline(store: store, workDirectory: directory.isinWorkURL)
    }
}

extension OperatorRegistry {
    /// The built-in operators plus the ISIN pipeline's.
    static func ticker(isin: ISINPipeline) -> OperatorRegistry {
        var registry = OperatorRegistry.builtIn
        ISINOperators.register(in: &registry, pipeline: isin)
        return registry
    }
}

