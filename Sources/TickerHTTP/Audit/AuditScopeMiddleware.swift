import HTTPTypes
import Hummingbird
import TickerAudit

/// Opens an `AuditNote` for each request, with the client's address (behind trusted proxies,
/// the one they name), so that the audit lines of any layer below know where a request came from.
public struct AuditScopeMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let proxies: TrustedProxies

    public init(proxies: TrustedProxies) {
        self.proxies = proxies
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let note = AuditNote(source: ClientAddress.of(request, context: context, proxies: proxies))
        return try await AuditNote.$current.withValue(note) { try await next(request, context) }
    }
}

/// Where a request came from, for audit lines and rate limits.
public enum ClientAddress {
    /// The header a trusted proxy names the client in.
    public static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The peer's IP address, or behind a trusted proxy the one it names in `X-Forwarded-For`
    /// (see `TrustedProxies`).
    public static func of<Context: RemoteAddressRequestContext>(_ request: Request, context: Context, proxies: TrustedProxies) -> String {
        proxies.client(peer: context.remoteAddress?.ipAddress ?? "unknown", forwardedFor: request.headers[forwardedFor])
    }
}
