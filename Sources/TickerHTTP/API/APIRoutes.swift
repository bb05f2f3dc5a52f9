import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import TickerAPI
import TickerAudit
import TickerStore

/// The REST API of `openapi/ticker.yaml`, mounted under `/api/v1`.
public struct APIRoutes: Sendable {
    let service: APIService
    let policy: AccessPolicy
    let logger: Logger
    /// Where audited operations are written; nil in tests of other things.
    public let audit: AuditLog?

    /// `lease` is the engine's attempt lease: the node list calls a node silent for longer missing.
    public init(
        scheduler: any SchedulerStore, tokens: any APITokenStore, nodes: any NodeStore, isins: any ISINStore, policy: AccessPolicy,
        lease: Duration = .seconds(15), wake: @escaping @Sendable () -> Void, audit: AuditLog? = nil, logger: Logger
    ) {
        let authenticator = Authenticator(store: tokens, audit: audit)
        service = APIService(
            scheduler: scheduler, tokens: tokens, nodes: nodes, lease: lease, authenticator: authenticator, isins: isins,
            buckets: ISINBuckets(store: isins), wake: wake, now: { Date() })
        self.policy = policy
        self.logger = logger
        self.audit = audit
    }

    /// The ISIN hash buckets the API serves, for other routes to share (one index in memory).
    public var isinBuckets: ISINBuckets { service.buckets }

    public func add<Context: RequestContext>(to router: Router<Context>) throws {
        router.add(
            middleware: ISINLookupReplay(
                cache: SnapshotCache(store: service.isins), policy: policy, authenticator: service.authenticator))
        let transport = RecordingTransport(router: router)
        try service.registerHandlers(
            on: transport, serverURL: URL(string: "/api/v1")!,
            configuration: Configuration(dateTranscoder: APIDates(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
            middlewares: audited([
                ProblemMiddleware(logger: logger),
                AuthMiddleware(policy: policy, authenticator: service.authenticator),
                TimeoutMiddleware(timeout: .seconds(30)),
                EmptyBodyMiddleware(),
            ]))
        transport.addMethodNotAllowed()
    }

    private func audited(_ middlewares: [any ServerMiddleware]) -> [any ServerMiddleware] {
        guard let audit else { return middlewares }
        return [AuditMiddleware(log: audit, actions: APIAuditActions.operations, rejected: APIAuditActions.rejected)] + middlewares
    }
}
