import Foundation
import GRDB

extension SQLiteStore: NodeStore {
    public func beat(_ node: NodeRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO nodes (id, host, pid, roles, version, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET roles = excluded.roles, version = excluded.version,
                        heartbeat_at = excluded.heartbeat_at, stopped_at = NULL
                    """,
                arguments: [node.id, node.host, node.pid, node.storedRoles, node.version, node.startedAt.millis, node.heartbeatAt.millis])
        }
    }

    public func leave(nodeID: String, now: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE nodes SET stopped_at = ? WHERE id = ?", arguments: [now.millis, nodeID])
        }
    }

    public func nodes() async throws -> [NodeRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, host, pid, roles, version, started_at, heartbeat_at, stopped_at FROM nodes ORDER BY heartbeat_at DESC, id"
            ).map { row in
                NodeRecord(
                    id: row[0], host: row[1], pid: row[2], roles: NodeRecord.roles(stored: row[3]), version: row[4],
                    startedAt: Date(millis: row[5]), heartbeatAt: Date(millis: row[6]), stoppedAt: (row[7] as Int64?).map(Date.init(millis:)))
            }
        }
    }

    public func pruneNodes(heartbeatBefore cutoff: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM nodes WHERE heartbeat_at < ?", arguments: [cutoff.millis])
            return db.changesCount
        }
    }
}
