import Hummingbird
import Logging
import ServiceLifecycle

/// The HTTP side of `ticker serve`, as one more service of its group.
public enum WebServer {
    /// Request bodies larger than this are refused with 413 (a validate request of 10,000 codes
    /// is about 200 KB).
    public static let maxBodyBytes = 1 << 20

    /// An application on `host:port` (port 0: any free port) serving the operations endpoints, the
    /// API and the UI. Logs the address it bound once it listens, which is how tests and operators
    /// learn a port chosen by the system.
    public static func make(
        host: String, port: Int, operations: OperationsRoutes, api: APIRoutes, ui: UIRoutes?, more: [any WebRoutes] = [], logger: Logger
    ) throws -> some Service {
        let router = Router(context: TickerRequestContext.self)
        // Request counts and durations by route (`hb_requests`, `http_server_request_duration`).
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        // The vault's routes carry their own, larger limit (an import is one request).
        router.add(middleware: BodyLimitMiddleware(maxBytes: maxBodyBytes, skipping: "/v1/"))
        operations.add(to: router)
        try api.add(to: router)
        ui?.add(to: router)
        for routes in more { try routes.add(to: router) }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "ticker"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.info("http listening", metadata: ["address": "http://\(host):\(bound)"])
            },
            logger: logger)
    }
}
