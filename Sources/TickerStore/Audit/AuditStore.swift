import Foundation

/// One line of the audit log as stored: what happened, and the hash that chains it to the line
/// before. The store assigns `seq` (1, 2, 3… without gaps); the hash is computed by the caller's
/// `AuditLink` inside the appending transaction, so two nodes can never chain onto the same line.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var seq: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String
    public var outcome: String
    public var source: String
    public var previousHash: [UInt8]
    public var hash: [UInt8]

    public init(
        seq: Int64, at: Date, actor: String, action: String, target: String, outcome: String, source: String, previousHash: [UInt8],
        hash: [UInt8]
    ) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.source = source
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// An entry before the store has placed it in the chain.
public struct AuditDraft: Sendable, Hashable {
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String
    public var outcome: String
    public var source: String

    public init(at: Date, actor: String, action: String, target: String, outcome: String, source: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.source = source
    }
}

/// Computes an entry's hash from the draft, its place and the previous entry's hash. Supplied by
/// the audit module, so the store holds no hashing rule of its own.
public typealias AuditLink = @Sendable (_ draft: AuditDraft, _ seq: Int64, _ previousHash: [UInt8]) -> [UInt8]

/// A signature over the chain's hash at `seq`: whoever rewrites entries up to `seq` must also
/// forge this, which needs the signing key (sealed by the HSM's KEK).
public struct AuditCheckpoint: Sendable, Hashable, Codable {
    public var seq: Int64
    public var hash: [UInt8]
    public var at: Date
    public var keyID: Int64
    public var signature: [UInt8]

    public init(seq: Int64, hash: [UInt8], at: Date, keyID: Int64, signature: [UInt8]) {
        self.seq = seq
        self.hash = hash
        self.at = at
        self.keyID = keyID
        self.signature = signature
    }
}

/// A checkpoint signing key: its public half in clear, its private half sealed at rest.
public struct AuditSigningKey: Sendable, Hashable {
    public var id: Int64
    public var publicKey: [UInt8]
    public var sealedPrivateKey: [UInt8]

    public init(id: Int64, publicKey: [UInt8], sealedPrivateKey: [UInt8]) {
        self.id = id
        self.publicKey = publicKey
        self.sealedPrivateKey = sealedPrivateKey
    }
}

/// Where the audit log lives: append-only through this protocol (nothing here edits or deletes).
public protocol AuditStore: Sendable {
    /// Appends the drafts in order, in one transaction, after the current last entry.
    func appendAudit(_ drafts: [AuditDraft], link: AuditLink) async throws -> [AuditEntry]

    /// Entries with `seq > after`, in order, at most `limit`.
    func auditEntries(after: Int64, limit: Int) async throws -> [AuditEntry]

    /// The last entry, if any.
    func lastAuditEntry() async throws -> AuditEntry?

    /// Stores a checkpoint unless one exists at its `seq` (two nodes may sign the same point).
    func insertAuditCheckpoint(_ checkpoint: AuditCheckpoint) async throws

    func auditCheckpoints() async throws -> [AuditCheckpoint]

    func lastAuditCheckpoint() async throws -> AuditCheckpoint?

    /// The newest signing key.
    func currentAuditKey() async throws -> AuditSigningKey?

    /// Stores `key` (its id ignored) unless a key exists, and returns the newest key either way:
    /// the first node to make one wins.
    func insertAuditKey(publicKey: [UInt8], sealedPrivateKey: [UInt8], now: Date) async throws -> AuditSigningKey

    func auditKeys() async throws -> [AuditSigningKey]
}

enum AuditSchema {
    private static func tables(bytes: String) -> [String] {
        [
            """
            CREATE TABLE audit_log (
                seq BIGINT PRIMARY KEY,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                outcome TEXT NOT NULL,
                source TEXT NOT NULL,
                previous_hash \(bytes) NOT NULL,
                hash \(bytes) NOT NULL
            )
            """,
            """
            CREATE TABLE audit_checkpoints (
                seq BIGINT PRIMARY KEY,
                hash \(bytes) NOT NULL,
                at BIGINT NOT NULL,
                key_id BIGINT NOT NULL,
                signature \(bytes) NOT NULL
            )
            """,
            """
            CREATE TABLE audit_keys (
                id BIGINT PRIMARY KEY,
                public_key \(bytes) NOT NULL,
                sealed_private_key \(bytes) NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
        ]
    }

    static let sqlite = tables(bytes: "BLOB").map { $0 + ";" }.joined(separator: "\n")
    static let postgres = tables(bytes: "bytea")

    static let columns = "seq, at, actor, action, target, outcome, source, previous_hash, hash"
}

/// The `previousHash` of entry 1: 32 zero bytes.
public enum AuditGenesis {
    public static let hash = [UInt8](repeating: 0, count: 32)
}

extension AuditEntry {
    init(_ draft: AuditDraft, seq: Int64, previousHash: [UInt8], hash: [UInt8]) {
        self.init(
            seq: seq, at: draft.at, actor: draft.actor, action: draft.action, target: draft.target, outcome: draft.outcome, source: draft.source,
            previousHash: previousHash, hash: hash)
    }
}
