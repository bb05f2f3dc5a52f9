import Foundation
import TickerAPI
import TickerStore

extension APIService {
    func listNodes(_ input: Operations.ListNodes.Input) async throws -> Operations.ListNodes.Output {
        let now = now()
        let nodes = try await self.nodes.nodes().map { Components.Schemas.Node($0, now: now, lease: lease) }
        return .ok(.init(body: .json(.init(nodes: nodes, leaseSeconds: Int(lease.components.seconds)))))
    }
}

extension Components.Schemas.Node {
    init(_ node: NodeRecord, now: Date, lease: Duration) {
        self.init(
            id: node.id, host: node.host, pid: node.pid,
            roles: node.roles.map(\.rawValue).sorted().compactMap { .init(rawValue: $0) }, version: node.version,
            startedAt: node.startedAt, heartbeatAt: node.heartbeatAt, stoppedAt: node.stoppedAt,
            status: .init(rawValue: node.status(now: now, lease: lease).rawValue) ?? .missing)
    }
}
