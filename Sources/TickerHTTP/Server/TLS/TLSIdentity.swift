import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A certificate chain and its private key, read from PEM files and checked before they are
/// served: the chain parses, its first certificate is valid now, and the key is that
/// certificate's key. A mistake is reported with the file it is in, at start or on reload,
/// rather than as a handshake failure seen only by clients.
public struct TLSIdentity: Sendable {
    public let certificateFile: String
    public let keyFile: String
    /// What operators recognise a certificate by in logs: subject, expiry, SHA-256 fingerprint.
    public let subject: String
    public let notValidAfter: Date
    public let fingerprint: String
    /// SHA-256 of both files' text as loaded: how a reload tells whether they changed.
    let sourceDigest: [UInt8]
    let context: NIOSSLContext

    public init(certificateFile: String, keyFile: String, now: Date = Date()) throws(TLSIdentityError) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        let chainPEM = try Self.read(certificateFile)
        let keyPEM = try Self.read(keyFile)
        let chain: [Certificate]
        do {
            chain = try PEMDocument.parseMultiple(pemString: chainPEM).map { try Certificate(pemDocument: $0) }
        } catch {
            throw TLSIdentityError(file: certificateFile, "is not a PEM certificate chain (\(error))")
        }
        guard let leaf = chain.first else { throw TLSIdentityError(file: certificateFile, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)") }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: keyPEM)
        } catch {
            throw TLSIdentityError(file: keyFile, "is not a PEM private key (PKCS#8, SEC1 or PKCS#1) (\(error))")
        }
        guard key.publicKey == leaf.publicKey else {
            throw TLSIdentityError(file: keyFile, "is not the key of the first certificate in \(certificateFile)")
        }
        guard leaf.notValidBefore <= now, now < leaf.notValidAfter else {
            throw TLSIdentityError(
                file: certificateFile, "has a first certificate valid only from \(leaf.notValidBefore) to \(leaf.notValidAfter)")
        }
        do {
            let nioChain = try NIOSSLCertificate.fromPEMBytes(Array(chainPEM.utf8))
            let nioKey = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            context = try NIOSSLContext(configuration: TLSPolicy.serverConfiguration(chain: nioChain, key: nioKey))
        } catch {
            throw TLSIdentityError(file: certificateFile, "cannot be served with \(keyFile): \(error)")
        }
        sourceDigest = Self.digest(chainPEM, keyPEM)
        subject = leaf.subject.description
        notValidAfter = leaf.notValidAfter
        var der = DER.Serializer()
        try? der.serialize(leaf)
        fingerprint = SHA256.hash(data: der.serializedBytes).map { String(format: "%02x", $0) }.joined()
    }

    static func digest(_ chainPEM: String, _ keyPEM: String) -> [UInt8] {
        Array(SHA256.hash(data: Array((chainPEM + "\u{0}" + keyPEM).utf8)))
    }

    /// The digest of the files as they are now, or nil when either cannot be read.
    func currentSourceDigest() -> [UInt8]? {
        guard let chain = try? Self.read(certificateFile), let key = try? Self.read(keyFile) else { return nil }
        return Self.digest(chain, key)
    }

    private static func read(_ path: String) throws(TLSIdentityError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw TLSIdentityError(file: path, "cannot be read: \((error as NSError).localizedDescription)")
        }
    }
}

/// Why a certificate or key file cannot be served, naming the file.
public struct TLSIdentityError: Error, CustomStringConvertible {
    public let file: String
    public let reason: String

    init(file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file) \(reason)" }
}
