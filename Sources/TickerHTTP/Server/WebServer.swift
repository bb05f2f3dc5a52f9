import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle

/// The HTTP side of `ticker serve`, as one more service of its group.
public enum WebServer {
    /// Request bodies larger than this are refused with 413 (a validate request of 10,000 codes
    /// is about 200 KB).
    public static let maxBodyBytes = 1 << 20

    /// An application on `host:port` (port 0: any free port) serving the operations endpoints, the
    /// API and the UI. Logs the address it bound once it listens, which is how tests and operators
    /// learn a port chosen by the system. With `tls`, it serves only HTTPS, with the holder's
    /// current certificate for each new connection, and sends `Strict-Transport-Security`.
    public static func make(
        host: String, port: Int, tls: TLSIdentityHolder? = nil, trustedProxies: TrustedProxies = .none, operations: OperationsRoutes, api: APIRoutes,
        ui: UIRoutes?, more: [any WebRoutes] = [], logger: Logger
    ) throws -> some Service {
        let router = Router(context: TickerRequestContext.self)
        // Before any route: every audit line below needs the client's address.
        router.add(middleware: AuditScopeMiddleware(proxies: trustedProxies))
        // Request counts and durations by route (`hb_requests`, `http_server_request_duration`).
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware(strictTransport: tls != nil))
        // The vault's routes carry their own, larger limit (an import is one request).
        router.add(middleware: BodyLimitMiddleware(maxBytes: maxBodyBytes, skipping: "/v1/"))
        operations.add(to: router)
        try api.add(to: router)
        ui?.add(to: router)
        for routes in more { try routes.add(to: router) }
        return Application(
            router: router,
            server: server(tls: tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "ticker"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                let scheme = tls == nil ? "http" : "https"
                logger.info("http listening", metadata: ["address": "\(scheme)://\(host):\(bound)"])
            },
            logger: logger)
    }

    private static func server(tls: TLSIdentityHolder?) -> HTTPServerBuilder {
        guard let tls else { return .http1() }
        return HTTPServerBuilder { responder in
            ReloadingTLSChannel(base: HTTP1Channel(responder: responder), identity: tls)
        }
    }
}
