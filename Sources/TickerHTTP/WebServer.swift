import Hummingbird
import Logging
import ServiceLifecycle

/// The HTTP side of `ticker serve`, as one more service of its group.
public enum WebServer {
    /// An application on `host:port` (port 0: any free port) serving `routes`. Logs the address it
    /// bound once it listens, which is how tests and operators learn a port chosen by the system.
    public static func make(host: String, port: Int, routes: OperationsRoutes, logger: Logger) -> some Service {
        let router = Router()
        // Request counts and durations by route (`hb_requests`, `http_server_request_duration`).
        router.add(middleware: MetricsMiddleware())
        routes.add(to: router)
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
