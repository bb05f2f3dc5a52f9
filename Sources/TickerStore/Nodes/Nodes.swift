import Foundation

/// What a node does: `ticker serve --no-scheduler` or `--no-worker` leave one out.
public enum NodeRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Records due slots as runs.
    case scheduler
    /// Claims and runs attempts.
    case worker
}

/// One `ticker serve` process as it last reported itself. Its id is the owner name in the rows of
/// the attempts it runs, so an attempt leads to the node that ran it.
public struct NodeRecord: Sendable, Hashable {
    public var id: String
    public var host: String
    public var pid: Int
    public var roles: Set<NodeRole>
    public var version: String
    public var startedAt: Date
    public var heartbeatAt: Date
    /// Set when the node stopped gracefully; a node killed outright simply stops beating.
    public var stoppedAt: Date?

    public init(
        id: String, host: String, pid: Int, roles: Set<NodeRole>, version: String, startedAt: Date, heartbeatAt: Date,
        stoppedAt: Date? = nil
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.roles = roles
        self.version = version
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.stoppedAt = stoppedAt
    }

    /// What an operator reads from the last heartbeat.
    public enum Status: String, Sendable {
        /// Beat within the lease: its attempts are safe.
        case alive
        /// Stopped gracefully (SIGTERM, drained).
        case stopped
        /// No beat for longer than a lease and no goodbye: killed, hung or cut off. Other nodes
        /// retry its attempts once their leases expire.
        case missing
    }

    public func status(now: Date, lease: Duration) -> Status {
        if stoppedAt != nil { return .stopped }
        return now.timeIntervalSince(heartbeatAt) <= Double(lease.components.seconds) ? .alive : .missing
    }
}

/// The table of nodes: each `ticker serve` beats into it, so operators see which nodes share the
/// store, what they run and which one went quiet.
public protocol NodeStore: Sendable {
    /// Inserts the node or refreshes its heartbeat (and its roles and version).
    func beat(_ node: NodeRecord) async throws
    /// Marks the node stopped after a graceful shutdown.
    func leave(nodeID: String, now: Date) async throws
    /// Every recorded node, most recent heartbeat first.
    func nodes() async throws -> [NodeRecord]
    /// Forgets nodes whose last heartbeat is older than `cutoff`. Returns how many.
    func pruneNodes(heartbeatBefore cutoff: Date) async throws -> Int
}

extension NodeRecord {
    /// Roles as stored: sorted names, comma-separated.
    var storedRoles: String { roles.map(\.rawValue).sorted().joined(separator: ",") }

    static func roles(stored: String) -> Set<NodeRole> {
        Set(stored.split(separator: ",").compactMap { NodeRole(rawValue: String($0)) })
    }
}
