import Foundation
import PostgresNIO

extension PostgresStore: NodeStore {
    public func beat(_ node: NodeRecord) async throws {
        try await write { tx in
            try await tx.execute(
                """
                INSERT INTO nodes (id, host, pid, roles, version, started_at, heartbeat_at)
                VALUES (\(node.id), \(node.host), \(node.pid), \(node.storedRoles), \(node.version), \(node.startedAt.millis), \(node.heartbeatAt.millis))
                ON CONFLICT (id) DO UPDATE SET roles = excluded.roles, version = excluded.version,
                    heartbeat_at = excluded.heartbeat_at, stopped_at = NULL
                """)
        }
    }

    public func leave(nodeID: String, now: Date) async throws {
        try await write { tx in
            try await tx.execute("UPDATE nodes SET stopped_at = \(now.millis) WHERE id = \(nodeID)")
        }
    }

    public func nodes() async throws -> [NodeRecord] {
        try await read { tx in
            try await tx.rows(
                "SELECT id, host, pid, roles, version, started_at, heartbeat_at, stopped_at FROM nodes ORDER BY heartbeat_at DESC, id"
            ).map { row in
                let (id, host, pid, roles, version, started, heartbeat, stopped) = try row.decode(
                    (String, String, Int, String, String, Int64, Int64, Int64?).self)
                return NodeRecord(
                    id: id, host: host, pid: pid, roles: NodeRecord.roles(stored: roles), version: version,
                    startedAt: Date(millis: started), heartbeatAt: Date(millis: heartbeat), stoppedAt: stopped.map(Date.init(millis:)))
            }
        }
    }

    public func pruneNodes(heartbeatBefore cutoff: Date) async throws -> Int {
        try await write { tx in
            try await tx.rows("DELETE FROM nodes WHERE heartbeat_at < \(cutoff.millis) RETURNING id").count
        }
    }
}
