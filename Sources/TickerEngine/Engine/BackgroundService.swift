import ServiceLifecycle

/// A loop that runs until graceful shutdown, as a service of the server's group.
public struct BackgroundService: Service {
    public let name: String
    let body: @Sendable () async -> Void

    public init(name: String, body: @escaping @Sendable () async -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
    }
}
