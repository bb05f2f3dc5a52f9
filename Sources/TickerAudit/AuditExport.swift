import Foundation
import TickerStore

/// The log as JSON lines, for archiving outside the database: each line one entry
/// (`"type":"entry"`), then the checkpoints and the signing keys' public halves. Hashes,
/// signatures and keys are lowercase hex.
public enum AuditExport {
    public static func line(_ entry: AuditEntry) -> String {
        json([
            "type": "entry", "seq": entry.seq, "at": iso(entry.at), "actor": entry.actor, "action": entry.action, "target": entry.target,
            "outcome": entry.outcome, "source": entry.source, "previous_hash": hex(entry.previousHash), "hash": hex(entry.hash),
        ])
    }

    public static func line(_ checkpoint: AuditCheckpoint) -> String {
        json([
            "type": "checkpoint", "seq": checkpoint.seq, "at": iso(checkpoint.at), "hash": hex(checkpoint.hash), "key_id": checkpoint.keyID,
            "signature": hex(checkpoint.signature),
        ])
    }

    public static func line(_ key: AuditSigningKey) -> String {
        json(["type": "key", "id": key.id, "public_key": hex(key.publicKey)])
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    private static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
