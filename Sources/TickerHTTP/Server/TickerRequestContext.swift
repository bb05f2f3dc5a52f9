import Hummingbird
import NIOCore

/// The request context of Ticker's web server: Hummingbird's basics plus the peer's address,
/// which rate limits of unauthenticated endpoints key on.
public struct TickerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// A set of routes mounted on the web server beside the built-in ones (the vault's `/v1`).
public protocol WebRoutes: Sendable {
    func add(to router: Router<TickerRequestContext>) throws
}
