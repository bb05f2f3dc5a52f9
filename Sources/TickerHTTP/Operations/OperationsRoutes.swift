import Hummingbird
import Prometheus

/// The endpoints an orchestrator and a metrics scraper use: `/healthz` (the process answers),
/// `/readyz` (it may take traffic) and `/metrics` (Prometheus text format).
public struct OperationsRoutes: Sendable {
    public var readiness: Readiness
    public var metrics: PrometheusCollectorRegistry

    public init(readiness: Readiness, metrics: PrometheusCollectorRegistry) {
        self.readiness = readiness
        self.metrics = metrics
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("healthz") { _, _ in
            Self.text("ok\n", status: .ok)
        }
        router.get("readyz") { _, _ in
            let results = await readiness.evaluate()
            let body = results.map { "\($0.name): \($0.problem ?? "ok")" }.joined(separator: "\n") + "\n"
            let ready = results.allSatisfy { $0.problem == nil }
            return Self.text(body, status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            var buffer: [UInt8] = []
            metrics.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
