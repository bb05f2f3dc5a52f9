import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate for a developer's machine: a throwaway certificate authority signs one server
/// certificate for the given names, and its key is forgotten at once, so nobody (including a
/// process that later reads the directory) can issue another certificate under it. Trusting
/// `ca.pem` once then makes `https://localhost` verify like a real deployment, with a real chain.
public struct DevCertificate: Sendable {
    /// The authority's certificate, for the client's trust store.
    public let authorityPEM: String
    /// The server certificate followed by the authority's: what `--tls-cert` reads.
    public let chainPEM: String
    /// The server certificate's private key (PKCS#8): what `--tls-key` reads.
    public let keyPEM: String

    /// DNS names and IP addresses the server certificate is valid for.
    public static let defaultNames = ["localhost", "127.0.0.1", "::1"]

    public init(names: [String] = defaultNames, days: Int = 90, now: Date = Date()) throws {
        let authorityKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let authorityName = try DistinguishedName {
            OrganizationName("Ticker development")
            CommonName("Ticker dev CA \(now.formatted(.iso8601.year().month().day()))")
        }
        let notBefore = now.addingTimeInterval(-300)
        let notAfter = now.addingTimeInterval(TimeInterval(days) * 86_400)
        let authority = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: authorityKey.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: authorityName, subject: authorityName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: authorityKey)
        let serverKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let server = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: serverKey.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: authorityName,
            subject: try DistinguishedName { CommonName(names.first ?? "localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names.map(Self.generalName))
            },
            issuerPrivateKey: authorityKey)
        authorityPEM = try authority.serializeAsPEM().pemString + "\n"
        chainPEM = try server.serializeAsPEM().pemString + "\n" + authorityPEM
        keyPEM = try serverKey.serializeAsPEM().pemString + "\n"
    }

    /// An IP address becomes an `iPAddress` name, anything else a `dNSName`: clients match an
    /// address only against the former.
    private static func generalName(_ name: String) -> GeneralName {
        guard let bytes = addressBytes(name) else { return .dnsName(name) }
        return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))
    }

    /// A numeric IPv4 or IPv6 address in network order, as a certificate stores it.
    private static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
