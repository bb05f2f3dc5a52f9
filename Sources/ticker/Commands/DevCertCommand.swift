import ArgumentParser
import Foundation
import TickerHTTP

/// `ticker dev-cert`: a certificate chain for HTTPS on a developer's machine.
struct DevCertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-cert",
        abstract: "Write a local certificate authority and a server certificate it signed, for HTTPS in development.",
        discussion: """
            Writes ca.pem (trust it in your browser or pass it to curl --cacert), cert.pem (server \
            certificate and CA: --tls-cert) and key.pem (mode 0600: --tls-key). The authority's key \
            is never written, so it cannot sign anything else. Not for production: use a certificate \
            from your organisation's or a public authority there.
            """)

    @Option(help: "Directory to write ca.pem, cert.pem and key.pem into (created if missing).")
    var out = "tls"

    @Option(name: .customLong("name"), help: "A DNS name or IP address the certificate is for; repeat for several (default localhost, 127.0.0.1, ::1).")
    var names: [String] = []

    @Option(help: "Days the certificates are valid (1 to 825).")
    var days = 90

    @Flag(help: "Replace files that exist.")
    var force = false

    func run() throws {
        guard (1...825).contains(days) else { throw ValidationError("--days must be 1 to 825, not \(days)") }
        let certificate = try DevCertificate(names: names.isEmpty ? DevCertificate.defaultNames : names, days: days)
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = [("ca.pem", certificate.authorityPEM, 0o644), ("cert.pem", certificate.chainPEM, 0o644), ("key.pem", certificate.keyPEM, 0o600)]
        if !force, let existing = files.first(where: { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.0).path) }) {
            throw ValidationError("\(folder.appendingPathComponent(existing.0).path) exists; pass --force to replace it")
        }
        for (name, text, mode) in files {
            let path = folder.appendingPathComponent(name).path
            // Created with its final mode, so the key is never readable by others, even briefly.
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: mode])
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        }
        print("""
            wrote \(folder.path)/ca.pem, cert.pem and key.pem (valid \(days) days)
            serve:  ticker serve --tls-cert \(folder.path)/cert.pem --tls-key \(folder.path)/key.pem
            trust:  curl --cacert \(folder.path)/ca.pem https://localhost:8080/healthz
            """)
    }
}
