import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import TickerHTTP
import TickerAudit
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

/// Records the client's IP address for the rate limits (see `ClientAddress`).
struct ClientAddressMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var caller = VaultCaller.current
        caller.address = ClientAddress.of(request, context: context, proxies: proxies)
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
        let caller = try await Self.signIn(request.headerFields[.authorization], accounts: accounts)
        return try await VaultCaller.$current.withValue(caller) { try await next(request, body, metadata) }
    }

    /// The caller with the account of the session token in `authorization`; throws
    /// `unauthorized` without a valid one. Names the account in the request's audit scope.
    static func signIn(_ authorization: String?, accounts: VaultAccounts) async throws -> VaultCaller {
        guard let header = authorization, header.hasPrefix("Bearer ") else { throw VaultAuthError.unauthorized }
        let (account, session) = try await accounts.authenticate(token: String(header.dropFirst("Bearer ".count)))
        AuditNote.identify("user:\(account.userID)")
        var caller = VaultCaller.current
        caller.account = account
        caller.session = session
        return caller
    }
}
