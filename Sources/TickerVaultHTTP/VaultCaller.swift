import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import TickerStore
import TickerVault

/// Who is calling: the signed-in account (nil on the public operations) and the peer's address.
/// Set by middleware around each operation, read by the handlers.
struct VaultCaller: Sendable {
    @TaskLocal static var current = VaultCaller()

    var account: VaultAccountRecord?
    /// The hash of the session token, to keep this session when others are revoked.
    var session: [UInt8] = []
    var address = "unknown"

    /// The signed-in account; throws `unauthorized` on an operation the middleware left public.
    static func signedIn() throws -> (account: VaultAccountRecord, session: [UInt8]) {
        guard let account = current.account else { throw VaultAuthError.unauthorized }
        return (account, current.session)
    }
}

/// Records the peer's IP address for the rate limits of the public operations. Behind a proxy
/// every client shares the proxy's address, so the per-address limits are set generously and the
/// per-account ones do the real work.
struct ClientAddressMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var caller = VaultCaller.current
        caller.address = context.remoteAddress?.ipAddress ?? "unknown"
        return try await VaultCaller.$current.withValue(caller) { try await next(request, context) }
    }
}

/// Requires a valid session on every operation but the public ones, and makes its account the
/// caller's.
struct VaultSessionMiddleware: ServerMiddleware {
    static let publicOperations: Set<String> = ["createAccount", "prelogin", "createSession", "startRecovery", "completeRecovery"]
    let accounts: VaultAccounts

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if Self.publicOperations.contains(operationID) { return try await next(request, body, metadata) }
        guard let header = request.headerFields[.authorization], header.hasPrefix("Bearer ") else { throw VaultAuthError.unauthorized }
        let (account, session) = try await accounts.authenticate(token: String(header.dropFirst("Bearer ".count)))
        var caller = VaultCaller.current
        caller.account = account
        caller.session = session
        return try await VaultCaller.$current.withValue(caller) { try await next(request, body, metadata) }
    }
}
