import Crypto
import Foundation
import TickerStore

/// One thing wrong with the log, at the first entry it affects.
public struct AuditProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case missing, edited, unlinked, rewritten, badSignature, unknownKey, truncated
    }

    public let seq: Int64
    public let kind: Kind
    public let description: String
}

/// What `AuditVerifier` found: how much it read and every problem, first one first.
public struct AuditReport: Sendable {
    public var entries: Int64 = 0
    public var lastSeq: Int64 = 0
    public var checkpoints = 0
    public var lastSignedSeq: Int64?
    public var problems: [AuditProblem] = []

    public var isIntact: Bool { problems.isEmpty }
    public var firstProblem: AuditProblem? { problems.min { $0.seq < $1.seq } }
}

/// Checks the chain entry by entry (so a log of any length is read in pages), then the
/// checkpoints' signatures and that every signed point is still there with the hash it had.
///
/// What it catches: an edited entry (its fields no longer give its hash), a deleted entry (a gap
/// in `seq`), an inserted or reordered entry (its `previous_hash` is not the entry before's),
/// a rewrite that recomputed every hash after the change (the next checkpoint disagrees, and
/// cannot be re-signed without the signing key), and entries deleted from the end up to the last
/// checkpoint. Entries after the last checkpoint can be dropped from the end unseen; the
/// checkpoint interval bounds that window.
public struct AuditVerifier {
    private var report: AuditReport
    private var previousHash = AuditGenesis.hash
    private let checkpoints: [Int64: AuditCheckpoint]
    private var lastCheckpointSeen: Int64 = 0

    /// Only checkpoints whose signature holds are compared with the entries: a forged one is
    /// reported as such, not as a rewrite of the entries before it.
    public init(checkpoints: [AuditCheckpoint], keys: [Int64: Curve25519.Signing.PublicKey]) {
        var genuine: [AuditCheckpoint] = []
        var report = AuditReport()
        for checkpoint in checkpoints {
            if let problem = Self.signatureProblem(checkpoint, keys: keys) {
                report.problems.append(problem)
            } else {
                genuine.append(checkpoint)
            }
        }
        report.checkpoints = checkpoints.count
        report.lastSignedSeq = genuine.map(\.seq).max()
        self.report = report
        self.checkpoints = Dictionary(genuine.map { ($0.seq, $0) }) { first, _ in first }
    }

    public mutating func check(_ entry: AuditEntry) {
        let expected = report.lastSeq + 1
        report.entries += 1
        if entry.seq != expected {
            problem(expected, .missing, entry.seq > expected
                ? "entries \(expected)…\(entry.seq - 1) are missing: deleted from the log"
                : "entry \(entry.seq) comes after entry \(report.lastSeq): the log is out of order")
        } else if entry.previousHash != previousHash {
            problem(entry.seq, .unlinked, "entry \(entry.seq) does not follow entry \(entry.seq - 1): an entry was inserted, removed or moved before it")
        }
        if AuditChain.expectedHash(of: entry) != entry.hash {
            problem(entry.seq, .edited, "entry \(entry.seq) was edited: its fields do not give its hash")
        }
        if let checkpoint = checkpoints[entry.seq], checkpoint.hash != entry.hash {
            problem(lastCheckpointSeen + 1, .rewritten,
                "entries \(lastCheckpointSeen + 1)…\(entry.seq) were rewritten: the checkpoint signed at \(entry.seq) holds another hash")
        }
        if checkpoints[entry.seq] != nil { lastCheckpointSeen = entry.seq }
        previousHash = entry.hash
        report.lastSeq = max(report.lastSeq, entry.seq)
    }

    public func finish() -> AuditReport {
        var report = report
        if let signed = report.lastSignedSeq, signed > report.lastSeq {
            report.problems.append(
                AuditProblem(seq: report.lastSeq + 1, kind: .truncated,
                    description: "entries \(report.lastSeq + 1)…\(signed) are missing: a checkpoint signed entry \(signed), the log ends at \(report.lastSeq)"))
        }
        report.problems.sort { $0.seq < $1.seq }
        return report
    }

    private static func signatureProblem(_ checkpoint: AuditCheckpoint, keys: [Int64: Curve25519.Signing.PublicKey]) -> AuditProblem? {
        guard let key = keys[checkpoint.keyID] else {
            return AuditProblem(
                seq: checkpoint.seq, kind: .unknownKey, description: "the checkpoint at \(checkpoint.seq) names signing key \(checkpoint.keyID), which is not known")
        }
        let message = AuditChain.checkpointMessage(seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at, keyID: checkpoint.keyID)
        if key.isValidSignature(checkpoint.signature, for: message) { return nil }
        return AuditProblem(seq: checkpoint.seq, kind: .badSignature, description: "the checkpoint at \(checkpoint.seq) has a bad signature: it was altered or forged")
    }

    private mutating func problem(_ seq: Int64, _ kind: AuditProblem.Kind, _ description: String) {
        report.problems.append(AuditProblem(seq: seq, kind: kind, description: description))
    }
}

extension AuditVerifier {
    /// Verifies the whole log in a store, reading `pageSize` entries at a time.
    public static func verify(
        _ store: any AuditStore, keys: [Int64: Curve25519.Signing.PublicKey], pageSize: Int = 5_000
    ) async throws -> AuditReport {
        var verifier = AuditVerifier(checkpoints: try await store.auditCheckpoints(), keys: keys)
        var after: Int64 = 0
        while true {
            let page = try await store.auditEntries(after: after, limit: pageSize)
            for entry in page { verifier.check(entry) }
            guard let last = page.last, page.count == pageSize else { break }
            after = last.seq
        }
        return verifier.finish()
    }
}
