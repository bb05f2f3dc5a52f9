import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import TickerAudit
import TickerCore
import TickerEngine
import TickerHTTP
import TickerVaultHTTP
import TickerISIN
import TickerKeys
import TickerStore
import TickerVault

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the scheduler and the workers on the data directory until SIGTERM or SIGINT.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Attempts that may run at once (env TICKER_WORKERS, default 32).")
    var workers: Int?

    @Option(help: "Seconds running attempts may finish after SIGTERM (env TICKER_DRAIN_TIMEOUT, default 30).")
    var drainTimeout: Int?

    @Option(help: "Seconds an attempt stays its worker's without a heartbeat; a dead node's attempts run again after this (env TICKER_LEASE_SECONDS, default 15).")
    var leaseSeconds: Int?

    @Option(help: "Seconds between heartbeats that renew running attempts' leases (env TICKER_HEARTBEAT_SECONDS, default 5).")
    var heartbeatSeconds: Int?

    @Option(help: "Proxies whose X-Forwarded-For names the client, for rate limits: addresses and networks, comma-separated, such as 10.0.0.0/8 (env TICKER_HTTP_TRUSTED_PROXIES, default none).")
    var trustedProxies: String?

    @Option(help: "Address the HTTP server listens on (env TICKER_HTTP_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "HTTP port; 0 picks a free one (env TICKER_HTTP_PORT, default 8080).")
    var port: Int?

    @Option(help: "PEM certificate chain, server certificate first, to serve HTTPS only; SIGHUP reloads it (env TICKER_TLS_CERT). `ticker dev-cert` makes one for a laptop.")
    var tlsCert: String?

    @Option(help: "PEM private key of the first certificate in --tls-cert (env TICKER_TLS_KEY).")
    var tlsKey: String?

    @Flag(help: "Do not materialize slots (a worker-only process).")
    var noScheduler = false

    @Flag(help: "Do not run attempts (a scheduler-only process).")
    var noWorker = false

    func run() async throws {
        let settings = try await Settings.resolve(global)
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var config = EngineConfiguration()
        config.workerSlots = workers ?? settings.reader.int(forKey: "workers", default: 32)
        config.drainTimeout = .seconds(drainTimeout ?? settings.reader.int(forKey: "drain.timeout", default: 30))
        config.runsScheduler = !noScheduler
        config.runsWorker = !noWorker
        config.logRetention = .seconds(settings.reader.int(forKey: "log.retention.days", default: 30) * 86_400)
        guard config.workerSlots > 0 else { throw ValidationError("--workers must be at least 1") }
        let lease = leaseSeconds ?? settings.reader.int(forKey: "lease.seconds", default: 15)
        let heartbeat = heartbeatSeconds ?? settings.reader.int(forKey: "heartbeat.seconds", default: 5)
        // Two beats must fit in a lease, so that one late beat (a slow database, a pause for
        // garbage collection of the host) does not cost a running attempt its lease.
        guard heartbeat >= 1, lease >= 2 * heartbeat + 1 else {
            throw ValidationError(
                "the lease (\(lease) s) must be more than twice the heartbeat (\(heartbeat) s, at least 1), "
                    + "so that one late heartbeat does not lose a running attempt: for example --lease-seconds 15 --heartbeat-seconds 5")
        }
        config.lease = .seconds(lease)
        config.heartbeat = .seconds(heartbeat)
        let logger = Logger(label: "ticker")
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
        let directory = DataDirectory(path: settings.dataDir)
        let isin = try await ISINPipeline.open(directory, database: settings.database, logger: logger)
        let deadline = SnapshotDeadlineWatch(
            store: isin.store,
            deadline: SnapshotDeadline(limit: .seconds(settings.reader.int(forKey: "isin.deadline.hours", default: 26) * 3600)),
            logger: logger)
        let proxies: TrustedProxies
        do {
            proxies = try TrustedProxies(parsing: trustedProxies ?? settings.reader.string(forKey: "http.trusted_proxies", default: ""))
        } catch {
            throw ValidationError("--trusted-proxies: \(error)")
        }
        let http = HTTPSettings(
            host: host ?? settings.reader.string(forKey: "http.host", default: "127.0.0.1"),
            port: port ?? settings.reader.int(forKey: "http.port", default: 8080),
            policy: AccessPolicy(publicISINs: settings.reader.bool(forKey: "api.public_isins", default: false)))
        let engineConfig = config
        let tls = try TLSSettings.identity(certificate: tlsCert, key: tlsKey, settings: settings, logger: logger)
        let tlsPoll = settings.reader.int(forKey: "tls.reload.seconds", default: 30)
        guard tlsPoll >= 1 else { throw ValidationError("tls.reload.seconds must be at least 1, not \(tlsPoll)") }
        let checkpointEvery = settings.reader.int(forKey: "audit.checkpoint.seconds", default: 60)
        guard checkpointEvery >= 1 else { throw ValidationError("audit.checkpoint.seconds must be at least 1, not \(checkpointEvery)") }
        // Loaded now, so a wrong module path, token or PIN stops the start with its reason.
        let keeper = try KeeperSettings.keeper(settings)
        let server = TickerServer(
            dataDirectory: settings.dataDir, database: settings.database, dagsFolder: settings.dagsDir, registry: .ticker(isin: isin),
            engine: engineConfig,
            services: { serving in
                let readiness = readiness(serving.store, isin: isin, config: engineConfig)
                let audit = AuditLog(store: serving.store, logger: logger)
                let atRest = AtRest(keys: try await dataKeys(keeper, store: serving.store, audit: audit, logger: logger))
                let checkpoints = AuditCheckpointer(
                    store: serving.store, signer: try await AuditSigner.openOrCreate(store: serving.store, atRest: atRest),
                    interval: .seconds(checkpointEvery), logger: logger)
                let api = APIRoutes(
                    scheduler: serving.store, tokens: serving.store, nodes: serving.store, isins: isin.store, policy: http.policy,
                    lease: engineConfig.lease,
                    wake: { serving.engine.poke() }, audit: audit, logger: logger)
                let vault = VaultRoutes(
                    store: SealedVaultStore(serving.store, atRest: atRest), serverSecret: try await VaultRoutes.serverSecret(from: serving.store, atRest: atRest),
                    isinBuckets: api.isinBuckets,
                    trustedProxies: proxies, audit: audit, logger: logger)
                let web = try WebServer.make(
                    host: http.host, port: http.port, tls: tls, trustedProxies: proxies, operations: OperationsRoutes(readiness: readiness, metrics: metrics),
                    api: api, ui: try UIRoutes(api: api), more: [vault], logger: logger)
                var services: [any Service] = [BackgroundService(name: "isin-deadline") { await deadline.run() }, checkpoints, web]
                if let tls { services.append(await TLSReloader(tls, pollInterval: .seconds(tlsPoll), logger: logger)) }
                return services
            },
            logger: logger)
        try await server.run()
    }

    /// The data keys, after checking the keeper holds the current KEK. A key file is made on
    /// first start (and warned about at every start); a token's KEK is made by `ticker keys init`,
    /// an operator's deliberate step.
    private func dataKeys(_ keeper: any KeyWrapper, store: any DataKeyStore, audit: AuditLog, logger: Logger) async throws -> DataKeys {
        let keys = DataKeys(keeper: keeper, store: store) { scope, version in
            await audit.record(AuditEvent(actor: "system", action: "keys.datakey.create", target: "\(scope) (kek:v\(version))", outcome: .ok, source: "local"))
        }
        KeeperSettings.warnIfSoft(keeper, logger: logger)
        let version = keeper.isHardwareBacked ? try await keys.check() : try await keys.initialise()
        logger.info("data keys are sealed by KEK v\(version)", metadata: ["keeper": "\(keeper.location)"])
        return keys
    }

    private struct HTTPSettings: Sendable {
        var host: String
        var port: Int
        var policy: AccessPolicy
    }

    /// Ready when both databases answer with their current schema and, in a scheduling process,
    /// the scheduler loop is passing.
    private func readiness(_ store: any SchedulerStore, isin: ISINPipeline, config: EngineConfiguration) -> Readiness {
        var checks: [Readiness.Check] = [
            .database("database", isReady: { try await store.isReady() }),
        ]
        if let isinStore = isin.store as? SQLiteISINStore {
            checks.append(.database("isin database", isReady: { try await isinStore.isReady() }))

        }
        if config.runsScheduler { checks.append(.scheduler(config.schedulerBeat)) }
        return Readiness(checks: checks)
    }
}
