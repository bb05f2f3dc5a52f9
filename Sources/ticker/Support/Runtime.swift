import Foundation
import Logging
import TickerAudit
import TickerCore
import TickerEngine
import TickerISIN
import TickerStore

/// What most commands need: settings, the opened store, and the DAG folder synced into it.
struct Runtime {
    let settings: Settings
    let store: any ServingStore
    let isin: ISINPipeline
    let registry: OperatorRegistry
    let logger: Logger

    static func open(_ options: GlobalOptions, syncDags: Bool = true) async throws -> Runtime {
        let settings = try await Settings.resolve(options)
        var logger = Logger(label: "ticker")
        logger.logLevel = settings.logLevel
        let directory = DataDirectory(path: settings.dataDir)
        let store = try await openStore(settings, directory: directory, logger: logger)
        let isin = try await ISINPipeline.open(directory, database: settings.database, logger: logger)
        let runtime = Runtime(settings: settings, store: store, isin: isin, registry: .ticker(isin: isin), logger: logger)
        // On a shared database the servers' folders define the DAGs: a command run from a laptop
        // with another folder must not change them.
        if syncDags && settings.database == nil { try await runtime.syncDagFolder() }
        return runtime
    }

    /// The shared PostgreSQL store when one is configured, else the data directory's SQLite one.
    private static func openStore(_ settings: Settings, directory: DataDirectory, logger: Logger) async throws -> any ServingStore {
        guard let url = settings.database else { return try directory.openStore() }
        let store = try PostgresStore(url: url, maxConnections: 2, logger: logger)
        // The pool lives as long as the command.
        Task { await store.run() }
        try await store.migrate()
        return store
    }

    var dagFolder: URL { URL(fileURLWithPath: settings.dagsDir, isDirectory: true) }

    /// An audit line for what this command did, as the Unix user who ran it. A command that
    /// cannot write it fails, so an unaudited change is never reported as done quietly.
    func audit(_ action: String, target: String, outcome: AuditOutcome = .ok) async throws {
        try await AuditLog(store: store, logger: logger).append(
            [AuditEvent(actor: AuditActor.commandLine, action: action, target: target, outcome: outcome, source: "local")])
    }

    /// Brings the store up to date with the DAG files, so commands see what the files say even
    /// when no server runs. Problems are printed once; they never stop a read-only command.
    func syncDagFolder() async throws {
        guard FileManager.default.fileExists(atPath: dagFolder.path) else { return }
        var quiet = logger
        quiet.logLevel = .critical
        let sync = DagFolderSync(folder: dagFolder, registry: registry, store: store, logger: quiet, deactivatesMissing: false)
        let problems = try await sync.syncOnce()
        for problem in problems {
            FileHandle.standardError.write(Data("warning: \(problem)\n".utf8))
        }
    }

    func requireDag(_ id: String) async throws -> DagRecord {
        guard let dag = try await store.dag(id) else { throw StoreError.dagNotFound(id) }
        return dag
    }
}
