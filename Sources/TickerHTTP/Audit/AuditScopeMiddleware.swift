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
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        let note = AuditNote(source: proxies.client(peer: peer, forwardedFor: request.headers[ClientAddress.forwardedFor]))
        return try await AuditNote.$current.withValue(note) { try await next(request, context) }
    }
}

/// The header a trusted proxy names the client in.
public enum ClientAddress {
    public static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}
