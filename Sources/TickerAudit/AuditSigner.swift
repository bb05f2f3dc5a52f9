import Crypto
import Foundation
import TickerKeys
import TickerStore
import TickerVaultFormat

/// The Ed25519 key that signs checkpoints. Its private half is stored sealed by a data key (and
/// so, through the KEK, by the HSM): copying the database gives nobody the power to re-sign a
/// rewritten log. The first node to need a key makes it; the others open that one.
public struct AuditSigner: Sendable {
    public let keyID: Int64
    private let privateKey: Curve25519.Signing.PrivateKey
    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }

    static let scope = "table:audit_keys"

    static func context(keyID: Int64) -> EnvelopeContext {
        EnvelopeContext(purpose: .serverAtRest, owner: "", vault: "", objectID: "\(keyID)", version: 1, extra: "audit_keys.sealed_private_key")
    }

    /// The current signing key, made and stored first if there is none.
    public static func openOrCreate(store: any AuditStore, atRest: AtRest, now: Date = Date()) async throws -> AuditSigner {
        if let stored = try await store.currentAuditKey() { return try await open(stored, atRest: atRest) }
        let fresh = Curve25519.Signing.PrivateKey()
        // Only key 1 is ever made here; the id is bound into the seal.
        let sealed = try await atRest.seal(Array(fresh.rawRepresentation), scope: scope, context: context(keyID: 1))
        let stored = try await store.insertAuditKey(publicKey: Array(fresh.publicKey.rawRepresentation), sealedPrivateKey: sealed, now: now)
        return try await open(stored, atRest: atRest)
    }

    /// Opens a stored key, and refuses it when its public half in the table is not its own (a
    /// replaced public key would let forged checkpoints verify).
    public static func open(_ stored: AuditSigningKey, atRest: AtRest) async throws -> AuditSigner {
        let raw = try await atRest.open(stored.sealedPrivateKey, scope: scope, context: context(keyID: stored.id))
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        guard Array(key.publicKey.rawRepresentation) == stored.publicKey else {
            throw AuditError("the public key stored for audit signing key \(stored.id) is not that key's: the audit_keys table was altered")
        }
        return AuditSigner(keyID: stored.id, privateKey: key)
    }

    public func checkpoint(at entry: AuditEntry, now: Date = Date()) throws -> AuditCheckpoint {
        let at = Date(timeIntervalSince1970: Double(AuditChain.millis(now)) / 1000)
        let message = AuditChain.checkpointMessage(seq: entry.seq, hash: entry.hash, at: at, keyID: keyID)
        return AuditCheckpoint(seq: entry.seq, hash: entry.hash, at: at, keyID: keyID, signature: Array(try privateKey.signature(for: message)))
    }
}

public struct AuditError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Curve25519.Signing.PublicKey {
    /// How operators compare a key out of band: the first 16 bytes of its SHA-256, in hex.
    public var fingerprint: String {
        SHA256.hash(data: rawRepresentation).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
