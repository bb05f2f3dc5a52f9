import HTTPTypes
import Hummingbird

/// Headers every response carries: a strict Content-Security-Policy (no inline script or style,
/// nothing from other origins), no framing, no MIME sniffing, no referrer to other sites.
/// (`same-origin`, not `no-referrer`: with the latter, browsers send `Origin: null` on our own form
/// posts, and the UI checks that header against CSRF.) Over TLS, also `Strict-Transport-Security`.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String {
        [
            "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
            "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
        ].joined(separator: "; ")
    }

    static func fields(strictTransport: Bool) -> HTTPFields {
        var fields = HTTPFields()
        if strictTransport { fields[.strictTransportSecurity] = TLSPolicy.strictTransportSecurity }
        fields[.contentSecurityPolicy] = contentSecurityPolicy
        fields[.xContentTypeOptions] = "nosniff"
        let named: [(String, String)] = [
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Cross-Origin-Resource-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        for (name, value) in named { fields[HTTPField.Name(name)!] = value }
        return fields
    }

    let fields: HTTPFields

    init(strictTransport: Bool = false) {
        fields = Self.fields(strictTransport: strictTransport)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for field in fields where response.headers[field.name] == nil { response.headers.append(field) }
        return response
    }
}
