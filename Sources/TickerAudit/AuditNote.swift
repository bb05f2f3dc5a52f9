import Synchronization

/// What the layers of one request learn about it for its audit line: the source address (from
/// the outermost layer), the actor (from whichever layer authenticates), and a target more
/// telling than the path when a handler knows one. Bound to the request's task.
public final class AuditNote: Sendable {
    @TaskLocal public static var current: AuditNote?

    private struct Facts {
        var actor = "anonymous"
        var target: String?
    }

    public let source: String
    private let facts = Mutex(Facts())

    public init(source: String) {
        self.source = source
    }

    public var actor: String { facts.withLock { $0.actor } }
    public var target: String? { facts.withLock { $0.target } }

    /// Called by the layer that authenticated the caller.
    public static func identify(_ actor: String) {
        current?.facts.withLock { $0.actor = actor }
    }

    /// Called by a handler that knows what the request is about beyond its path.
    public static func describe(target: String) {
        current?.facts.withLock { $0.target = target }
    }
}
