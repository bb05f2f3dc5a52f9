import Crypto
import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import TickerAudit
import TickerHTTP
import TickerKeys
import TickerStore
import TickerVault
import TickerVaultAPI

/// The vault API of `openapi/vault.yaml`, mounted under `/v1`.
public struct VaultRoutes: WebRoutes {
    /// An item is at most 1 MiB of envelope, 1.4 MiB as base64url; an import or a key rotation
    /// carries many items in one request.
    public static let maxBodyBytes = 32 << 20

    let service: VaultService
    let proxies: TrustedProxies
    let audit: AuditLog?
    let logger: Logger
    /// Whether item reads and writes take `VaultItemLane` (tests turn it off to compare).
    let itemLane: Bool

    /// `serverSecret` keys the fake prelogin answers; every node of a deployment must use the same
    /// one (see `VaultRoutes.serverSecret(from:atRest:)`).
    /// `isinBuckets` answers the plan editor's k-anonymous ISIN checks (nil: 404, no list).
    public init(
        store: any VaultStore, serverSecret: SymmetricKey, isinBuckets: ISINBuckets? = nil, limits: VaultRateLimits = VaultRateLimits(),
        trustedProxies: TrustedProxies = .none, audit: AuditLog? = nil, itemLane: Bool = true, logger: Logger
    ) {
        self.itemLane = itemLane
        proxies = trustedProxies
        self.audit = audit
        let accounts = VaultAccounts(store: store, serverSecret: serverSecret)
        service = VaultService(
            accounts: accounts, items: VaultItems(store: store), shares: VaultShares(store: store), limiters: VaultLimiters(limits),
            isinBuckets: isinBuckets)
        self.logger = logger
    }

    /// The deployment's prelogin secret, from the database, where the first node to start stored
    /// it sealed with the server's data keys.
    public static func serverSecret(from store: any VaultStore, atRest: AtRest) async throws -> SymmetricKey {
        try await atRest.serverSecret(named: "prelogin", store: store, now: Date())
    }

    public func add(to router: Router<TickerRequestContext>) throws {
        let web = VaultWebFiles()
        if let missing = web.missing {
            logger.error("the browser vault client is not installed; /vault/ answers 503", metadata: ["looked_for": "\(missing)"])
        }
        web.add(to: router)
        let auditing = audit.map { AuditMiddleware(log: $0, actions: VaultAuditActions.operations, rejected: VaultAuditActions.rejected) }
        let errors = VaultErrorMiddleware(problems: ProblemMiddleware(logger: logger))
        var group = router.group("v1")
            // Method and path at debug level; never a header (they carry session tokens).
            .add(middleware: LogRequestsMiddleware<TickerRequestContext>(.debug))
            .add(middleware: ClientAddressMiddleware<TickerRequestContext>(proxies: proxies))
            .add(middleware: BodyLimitMiddleware<TickerRequestContext>(maxBytes: Self.maxBodyBytes) { VaultFailure(.contentTooLarge, "body_too_large", $0).response })
        if itemLane { group = group.add(middleware: VaultItemLane(service: service, errors: errors, audit: auditing)) }
        let transport = RecordingTransport(router: group) { VaultFailure(.methodNotAllowed, "method_not_allowed", $0).response }
        try service.registerHandlers(
            on: transport, serverURL: URL(string: "/")!,
            configuration: Configuration(dateTranscoder: APIDates(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
            middlewares: (auditing.map { [$0] } ?? []) + [
                errors,
                VaultSessionMiddleware(accounts: service.accounts),
                NullManifestMiddleware(),
                TimeoutMiddleware(timeout: .seconds(30)),
                EmptyBodyMiddleware(),
            ])
        transport.addMethodNotAllowed()
        // Any other path under /v1 answers in the protocol's shape too.
        for method: HTTPRequest.Method in [.get, .post, .put, .patch, .delete] {
            group.on("**", method: method) { request, _ in VaultFailure(.notFound, "not_found", "no operation at \(request.uri.path)").response }
        }
    }
}
