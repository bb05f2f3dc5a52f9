import Foundation
import Testing
import TickerHTTP

/// The checks a certificate and key pass before `ticker serve` answers HTTPS with them.
@Suite("TLS identity")
struct TLSIdentityTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-tls-\(UUID().uuidString)")

    func write(_ name: String, _ text: String) throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func failure(_ certificate: String, _ key: String) -> TLSIdentityError? {
        do {
            _ = try TLSIdentity(certificateFile: certificate, keyFile: key)
            return nil
        } catch {
            return error
        }
    }

    @Test("a dev certificate loads; its chain, names and fingerprint are what a client sees")
    func devCertificate() throws {
        let pair = try DevCertificate(names: ["localhost", "127.0.0.1", "::1", "ticker.test"])
        #expect(pair.chainPEM.components(separatedBy: "BEGIN CERTIFICATE").count == 3, "server certificate, then the authority")
        #expect(pair.chainPEM.hasSuffix(pair.authorityPEM))
        let identity = try TLSIdentity(certificateFile: try write("cert.pem", pair.chainPEM), keyFile: try write("key.pem", pair.keyPEM))
        #expect(identity.subject == "CN=localhost")
        #expect(identity.fingerprint.count == 64)
        #expect(identity.notValidAfter > Date().addingTimeInterval(89 * 86_400))
    }

    @Test("a key of another certificate, an expired certificate, a file that is not PEM: each names its file")
    func refusals() throws {
        let pair = try DevCertificate()
        let other = try DevCertificate()
        let cert = try write("cert.pem", pair.chainPEM)
        let wrongKey = try write("other-key.pem", other.keyPEM)
        #expect(failure(cert, wrongKey)?.description == "\(wrongKey) is not the key of the first certificate in \(cert)")

        let old = try DevCertificate(days: 1, now: Date().addingTimeInterval(-3 * 86_400))
        let oldCert = try write("old.pem", old.chainPEM)
        let expired = failure(oldCert, try write("old-key.pem", old.keyPEM))
        #expect(expired?.file == oldCert && expired?.reason.contains("valid only from") == true, "\(String(describing: expired))")

        let garbage = try write("garbage.pem", "not a certificate\n")
        #expect(failure(garbage, wrongKey)?.reason.hasPrefix("holds no PEM certificate") == true)
        let broken = try write("broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        #expect(failure(broken, wrongKey)?.reason.hasPrefix("is not a PEM certificate chain") == true)
        #expect(failure(cert, garbage)?.reason.contains("is not a PEM private key") == true)
        let missing = folder.appendingPathComponent("missing.pem").path
        #expect(failure(missing, wrongKey)?.description.hasPrefix("\(missing) cannot be read") == true)
        #expect(failure(try write("empty.pem", ""), wrongKey)?.reason.hasPrefix("holds no PEM certificate") == true)
    }

    @Test("reload swaps in a new pair, and keeps the old one when the new files are bad")
    func reload() throws {
        let first = try DevCertificate()
        let cert = try write("cert.pem", first.chainPEM)
        let key = try write("key.pem", first.keyPEM)
        let holder = TLSIdentityHolder(try TLSIdentity(certificateFile: cert, keyFile: key))
        let before = holder.identity.fingerprint
        let second = try DevCertificate()
        _ = try write("cert.pem", second.chainPEM)
        _ = try write("key.pem", second.keyPEM)
        #expect(try holder.reload().fingerprint != before)
        let after = holder.identity.fingerprint
        _ = try write("key.pem", first.keyPEM)
        #expect(throws: TLSIdentityError.self) { try holder.reload() }
        #expect(holder.identity.fingerprint == after)
    }
}
