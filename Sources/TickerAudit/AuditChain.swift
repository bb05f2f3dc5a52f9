import Crypto
import Foundation
import TickerStore

/// The hashing rules of the log. An entry's hash covers every field and the previous entry's
/// hash, each field length-prefixed so that no two different entries encode alike.
public enum AuditChain {
    /// `SHA-256("TAL1" ‖ seq ‖ at_ms ‖ len‖actor ‖ len‖action ‖ len‖target ‖ len‖outcome ‖ len‖source ‖ previous)`,
    /// integers big-endian (seq and time 8 bytes, lengths 4).
    public static func hash(_ draft: AuditDraft, seq: Int64, previousHash: [UInt8]) -> [UInt8] {
        var bytes = Array("TAL1".utf8)
        bytes.append(bigEndian: UInt64(bitPattern: seq))
        bytes.append(bigEndian: UInt64(bitPattern: millis(draft.at)))
        for field in [draft.actor, draft.action, draft.target, draft.outcome, draft.source] {
            let utf8 = Array(field.utf8)
            bytes.append(bigEndian: UInt32(utf8.count))
            bytes += utf8
        }
        bytes += previousHash
        return Array(SHA256.hash(data: bytes))
    }

    /// What `AuditStore.appendAudit` calls for each entry.
    public static let link: AuditLink = { draft, seq, previous in hash(draft, seq: seq, previousHash: previous) }

    /// The hash an entry as read back should have.
    public static func expectedHash(of entry: AuditEntry) -> [UInt8] {
        hash(
            AuditDraft(at: entry.at, actor: entry.actor, action: entry.action, target: entry.target, outcome: entry.outcome, source: entry.source),
            seq: entry.seq, previousHash: entry.previousHash)
    }

    /// What a checkpoint signs: `"TAC1" ‖ seq ‖ hash ‖ at_ms ‖ key_id`.
    public static func checkpointMessage(seq: Int64, hash: [UInt8], at: Date, keyID: Int64) -> [UInt8] {
        var bytes = Array("TAC1".utf8)
        bytes.append(bigEndian: UInt64(bitPattern: seq))
        bytes += hash
        bytes.append(bigEndian: UInt64(bitPattern: millis(at)))
        bytes.append(bigEndian: UInt64(bitPattern: keyID))
        return bytes
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

extension [UInt8] {
    mutating func append<T: FixedWidthInteger>(bigEndian value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
