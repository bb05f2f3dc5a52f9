import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `ticker serve --tls-cert --tls-key` seen from real TLS clients: OpenSSL's s_client, curl and,
/// where installed, testssl.sh.
@Suite("HTTPS (real ticker binary, openssl, testssl)", .serialized)
struct TLSTests {
    /// A harness whose server answers HTTPS with a fresh `ticker dev-cert` chain; returns its port.
    func tlsServer(_ harness: TickerHarness) async throws -> String {
        let made = try await harness.cli("dev-cert", "--out", "tls")
        #expect(made.status == 0, "\(made.stderr)")
        try harness.startServer(["--tls-cert", "tls/cert.pem", "--tls-key", "tls/key.pem"])
        let address = try await harness.httpAddress()
        #expect(address.hasPrefix("https://127.0.0.1:"), "\(address)")
        return String(address.split(separator: ":").last ?? "")
    }

    func handshake(_ harness: TickerHarness, port: String, _ options: String) async throws -> TickerHarness.Output {
        try await harness.shell("echo | timeout 20 openssl s_client -connect 127.0.0.1:\(port) -CAfile tls/ca.pem -verify_return_error \(options) 2>&1")
    }

    func servedFingerprint(_ harness: TickerHarness, port: String) async throws -> String {
        try await harness.shell(
            "echo | timeout 20 openssl s_client -connect 127.0.0.1:\(port) 2>/dev/null | openssl x509 -noout -fingerprint -sha256"
        ).stdout
    }

    @Test("dev-cert writes a CA, a chain and a private key, and does not overwrite them unasked")
    func devCert() async throws {
        let harness = try TickerHarness()
        #expect(try await harness.cli("dev-cert", "--out", "tls").status == 0)
        let key = harness.root.appendingPathComponent("tls/key.pem").path
        #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)
        let again = try await harness.cli("dev-cert", "--out", "tls")
        #expect(again.status == 2 && again.stderr.contains("exists; pass --force"), "\(again.stderr)")
        #expect(try await harness.cli("dev-cert", "--out", "tls", "--force").status == 0)
    }

    @Test("only TLS 1.2 and 1.3, only forward-secret AEAD suites, a chain that verifies, HSTS")
    func protocolsAndSuites() async throws {
        let harness = try TickerHarness()
        let port = try await tlsServer(harness)
        for old in ["-tls1", "-tls1_1"] {
            // SECLEVEL=0 so that it is the server, not this client, that refuses.
            let refused = try await handshake(harness, port: port, "\(old) -cipher DEFAULT@SECLEVEL=0")
            #expect(refused.status != 0 && refused.stdout.contains("alert protocol version"), "\(old): \(refused.stdout)")
        }
        let v12 = try await handshake(harness, port: port, "-tls1_2 -verify_ip 127.0.0.1")
        #expect(v12.status == 0 && v12.stdout.contains("New, TLSv1.2") && v12.stdout.contains("Verify return code: 0 (ok)"), "\(v12.stdout)")
        let v13 = try await handshake(harness, port: port, "-tls1_3 -verify_hostname localhost")
        #expect(v13.status == 0 && v13.stdout.contains("New, TLSv1.3") && v13.stdout.contains("Verify return code: 0 (ok)"), "\(v13.stdout)")
        #expect(v13.stdout.contains("depth=1 O = Ticker development") && v13.stdout.contains("depth=0 CN = localhost"), "the chain reaches the CA: \(v13.stdout)")
        let wrongName = try await handshake(harness, port: port, "-verify_hostname example.org")
        #expect(wrongName.status != 0)

        // Every TLS 1.2 suite this OpenSSL knows, one handshake each: those accepted are ECDHE and AEAD.
        let accepted = try await harness.shell("""
            for c in $(openssl ciphers -tls1_2 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' | tr ':' ' '); do
              if echo | timeout 20 openssl s_client -connect 127.0.0.1:\(port) -tls1_2 -cipher "$c:@SECLEVEL=0" >/dev/null 2>&1; then echo "$c"; fi
            done
            """).stdout.split(separator: "\n")
        #expect(!accepted.isEmpty)
        for suite in accepted {
            #expect(suite.hasPrefix("ECDHE-") && (suite.contains("-GCM-") || suite.contains("CHACHA20-POLY1305")), "weak suite accepted: \(suite)")
        }

        let https = try await harness.shell("curl -sS --cacert tls/ca.pem -D - -o /dev/null https://localhost:\(port)/healthz")
        #expect(https.stdout.contains("HTTP/1.1 200"), "\(https.stdout) \(https.stderr)")
        #expect(https.stdout.lowercased().contains("strict-transport-security: max-age=31536000; includesubdomains"), "\(https.stdout)")
        let plain = try await harness.shell("curl -sS -m 20 http://127.0.0.1:\(port)/healthz")
        #expect(plain.status != 0 && !plain.stdout.contains("ok"), "clear HTTP is not served on the TLS port")

        try await testssl(harness, port: port)
        #expect(try await harness.stopServer() == 0)
    }

    /// testssl.sh's protocol, cipher-category and forward-secrecy checks: nothing it rates
    /// below OK. `scripts/test` installs it; a developer's machine without it skips this part.
    func testssl(_ harness: TickerHarness, port: String) async throws {
        guard try await harness.shell("command -v testssl").status == 0 else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "testssl is missing; scripts/test installs it (Debian package testssl.sh)")
            return
        }
        let run = try await harness.shell(
            "testssl --quiet --color 0 --warnings off -p -f -s --add-ca tls/ca.pem --jsonfile testssl.json 127.0.0.1:\(port)")
        let data = try Data(contentsOf: harness.root.appendingPathComponent("testssl.json"))
        let findings = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]], "\(run.stdout)")
        let byID = Dictionary(findings.map { ($0["id"] as? String ?? "", $0) }) { first, _ in first }
        for id in ["SSLv2", "SSLv3", "TLS1", "TLS1_1"] {
            #expect(byID[id]?["finding"] as? String == "not offered", "\(id): \(String(describing: byID[id]))")
        }
        #expect(byID["PFS"]?["severity"] as? String == "OK")
        let bad = findings.filter { ["LOW", "MEDIUM", "HIGH", "CRITICAL"].contains($0["severity"] as? String ?? "") }
        #expect(bad.isEmpty, "testssl: \(bad)")
    }

    @Test("SIGHUP or changed files serve a renewed certificate to new connections, keep open ones, and survive a bad pair")
    func reloadOnHangup() async throws {
        let harness = try TickerHarness()
        harness.settings["TICKER_TLS_RELOAD_SECONDS"] = "1"
        let port = try await tlsServer(harness)
        let pid = try #require(harness.server?.processIdentifier)
        let before = try await servedFingerprint(harness, port: port)
        #expect(before.contains("Fingerprint="), "\(before)")
        // One connection that asks before the reload and again after it.
        let request = "GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\n"
        let longLived = Task {
            try await harness.shell("""
                (printf '\(request)\\r\\n'; sleep 8; printf '\(request)Connection: close\\r\\n\\r\\n') \
                | timeout 60 openssl s_client -connect 127.0.0.1:\(port) -quiet 2>/dev/null
                """)
        }
        try await Task.sleep(for: .seconds(2))
        #expect(try await harness.cli("dev-cert", "--out", "tls", "--force").status == 0)
        kill(pid, SIGHUP)
        try await harness.waitUntil("the server reloads its certificate") { harness.serverOutput.contains("tls certificate reloaded") }
        let after = try await servedFingerprint(harness, port: port)
        #expect(after.contains("Fingerprint=") && after != before, "\(before) → \(after)")
        let answers = try await longLived.value.stdout
        #expect(answers.components(separatedBy: "HTTP/1.1 200 OK").count == 3, "both requests of the open connection answered: \(answers)")

        try "not a key\n".write(to: harness.root.appendingPathComponent("tls/key.pem"), atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        try await harness.waitUntil("the server refuses the bad pair") { harness.serverOutput.contains("tls certificate not reloaded") }
        #expect(try await servedFingerprint(harness, port: port) == after)

        // Renewed files with no signal (a Kubernetes secret updated in place): picked up by the poll.
        let reloads = harness.serverOutput.components(separatedBy: "tls certificate reloaded").count
        #expect(try await harness.cli("dev-cert", "--out", "tls", "--force").status == 0)
        try await harness.waitUntil("the server notices the new files") {
            harness.serverOutput.components(separatedBy: "tls certificate reloaded").count > reloads
        }
        #expect(harness.serverOutput.contains("tls certificate reloaded (the files changed)"))
        #expect(try await servedFingerprint(harness, port: port) != after)
        #expect(try await harness.stopServer() == 0)
    }

    @Test("serve refuses half a TLS setting and a key that is not the certificate's, naming the file")
    func badSettings() async throws {
        let harness = try TickerHarness()
        #expect(try await harness.cli("dev-cert", "--out", "a").status == 0)
        #expect(try await harness.cli("dev-cert", "--out", "b").status == 0)
        let half = try await harness.cli(["serve", "--port", "0", "--tls-cert", "a/cert.pem"])
        #expect(half.status == 2 && half.stderr.contains("--tls-cert is set but --tls-key is not"), "\(half.stderr)")
        let mismatched = try await harness.cli(["serve", "--port", "0", "--tls-cert", "a/cert.pem", "--tls-key", "b/key.pem"])
        #expect(mismatched.status == 2 && mismatched.stderr.contains("b/key.pem is not the key of the first certificate in a/cert.pem"), "\(mismatched.stderr)")
    }
}
