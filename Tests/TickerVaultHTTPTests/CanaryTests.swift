import Foundation
import Logging
import Synchronization
import Testing
import TickerVaultClient

/// "The server never sees plaintext": canary plans, the password, the Secret Key and the Recovery
/// Key, searched in several encodings in everything the server kept or said (its SQLite files or
/// `pg_dump`, its trace-level log) and in every request and answer body on the wire (through a
/// recording proxy). A deliberately broken client that uploads a plan in clear must make the same scan hit,
/// or the scan proves nothing.
@Suite("The server never sees plaintext")
struct CanaryTests {
    static let password = "canary-password-6c1f0e"
    static let plan = #"{"type":"plan","name":"CANARY-PLAN-93b2d7","note":"canary-note-41aa"}"#

    /// Every way a secret might be written down: raw, hex in both cases, and base64 and base64url
    /// at the three alignments a longer encoded string can put it in.
    static func encodings(_ bytes: [UInt8]) -> [[UInt8]] {
        var forms = [bytes, Array(bytes.map { String(format: "%02x", $0) }.joined().utf8), Array(bytes.map { String(format: "%02X", $0) }.joined().utf8)]
        for shift in 0..<3 {
            let padded = Data(Array(repeating: 0, count: shift) + bytes).base64EncodedString()
            // Leave out the characters the shift and the tail touch; the middle is stable.
            let middle = Array(padded.dropFirst(shift == 0 ? 0 : (shift * 4 + 2) / 3).dropLast(4))
            guard middle.count >= 8 else { continue }
            forms.append(Array(String(middle).utf8))
            forms.append(Array(String(middle).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").utf8))
        }
        return forms
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    @Test("SQLite: no canary in the database files, the trace log or on the wire; a client that leaks is caught")
    func canaries() async throws {
        let log = LogCapture()
        try await withVaultServer(logger: Logger(label: "canary") { _ in log.handler }) { server, _, folder in
            try await scan(server, log: log) {
                try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).map { ($0.lastPathComponent, Array(try Data(contentsOf: $0))) }
            }
        }
    }

    @Test("PostgreSQL: no canary in pg_dump, the trace log or on the wire; a client that leaks is caught")
    func canariesOnPostgreSQL() async throws {
        guard ProcessInfo.processInfo.environment["TICKER_TEST_POSTGRES_URL"] != nil || ProcessInfo.processInfo.environment["CI"] == "true" else { return }
        let log = LogCapture()
        try await withPostgresVaultStore { store, dump in
            try await withVaultServer(on: store, logger: Logger(label: "canary") { _ in log.handler }) { server in
                try await scan(server, log: log) { [("pg_dump", try await dump())] }
            }
        }
    }

    /// Uses a vault through a recording proxy, then searches what the server `kept` (its database),
    /// its log and the wire for every secret; then leaks on purpose and expects the scan to see it.
    func scan(_ server: VaultServer, log: LogCapture, kept: @Sendable () async throws -> [(String, [UInt8])]) async throws {
        // A capture of the loopback interface, where tcpdump exists (always on CI).
        let tcpdump = LoopbackCapture.tcpdump
        if tcpdump == nil && ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("tcpdump is missing; scripts/test installs it") }
        let capture: LoopbackCapture?
        if let tcpdump { capture = try await LoopbackCapture.start(tcpdump: tcpdump) } else { capture = nil }
        let proxy = TamperingProxy(upstream: server.baseURL)
        try await proxy.run { wire in
            let (alice, keys) = try await VaultSession.register(on: wire, email: "canary@example.org", password: Self.password)
            let (itemID, _) = try await alice.put(json: Array(Self.plan.utf8))
            try await alice.put(itemID, json: Array(Self.plan.utf8))
            _ = try await alice.items()
            try await alice.changePassword(to: Self.password + "-2", secretKey: keys.secretKey)

            let secrets: [(String, [UInt8])] = [
                ("plan name", Array("CANARY-PLAN-93b2d7".utf8)), ("plan note", Array("canary-note-41aa".utf8)),
                ("password", Array(Self.password.utf8)), ("Secret Key", keys.secretKey.bytes), ("Secret Key text", Array(keys.secretKey.text.utf8)),
                ("Recovery Key", keys.recoveryKey.bytes), ("Recovery Key text", Array(keys.recoveryKey.text.utf8)),
            ]
            let wireBodies = proxy.exchanges.flatMap { [("\($0.method) \($0.path) request", $0.request), ("\($0.method) \($0.path) answer", $0.response)] }
            let places = try await kept() + [("server log", log.bytes)] + wireBodies
            #expect(places.count > 10 && Self.contains(log.bytes, Array("/v1/vaults/".utf8)), "the scan has material: \(places.count) places, a request log")
            #expect(try await kept().contains { Self.contains($0.1, Array("canary@example.org".utf8)) }, "the scan reads the database (the e-mail is stored in clear)")
            for (secret, bytes) in secrets {
                for form in Self.encodings(bytes) {
                    for (place, haystack) in places where Self.contains(haystack, form) {
                        Issue.record("\(secret) found in \(place) as \(String(decoding: form, as: UTF8.self))")
                    }
                }
            }

            // Positive control: a broken client sends a plan in clear inside an envelope's shape.
            let marker = Array("LEAKED-PLAN-5d2e".utf8)
            let leak = Array(#"{"name":"LEAKED-PLAN-5d2e"}"#.utf8)
            let envelope = [1, 1, 0, 0, 0, 1] + Array(repeating: 0, count: 12) + leak + Array(repeating: 0, count: 16)
            let fresh = try await VaultSession.logIn(
                to: wire, email: "canary@example.org", password: Self.password + "-2", secretKey: keys.secretKey, pins: await alice.pins)
            var record = try await fresh.account.seal(itemID: Ids.make(), version: 1, contentType: ContentType.plan, json: leak)
            record.content = envelope
            _ = try await rawPut(fresh, record)
            let stored = try await kept()
            #expect(stored.contains { place in Self.encodings(marker).contains { Self.contains(place.1, $0) } }, "the database scan finds a leak when there is one")
            #expect(proxy.exchanges.contains { exchange in Self.encodings(marker).contains { Self.contains(exchange.request, $0) } },
                    "the wire scan finds a leak when there is one (base64url, at one of the three alignments)")
            guard let capture else { return }
            let packets = try await capture.stop { packets in
                Self.contains(packets, Array("/v1/vaults/".utf8)) && Self.encodings(marker).contains { Self.contains(packets, $0) }
            }
            #expect(Self.contains(packets, Array("/v1/vaults/".utf8)), "the capture holds the vault's traffic")
            #expect(Self.encodings(marker).contains { Self.contains(packets, $0) }, "the capture shows the leak")
            for (secret, bytes) in secrets {
                for form in Self.encodings(bytes) where Self.contains(packets, form) {
                    Issue.record("\(secret) found on the loopback interface as \(String(decoding: form, as: UTF8.self))")
                }
            }
        }
    }

    /// Writes a record as a careless client would: the manifest it sends is right, the content is not.
    func rawPut(_ session: VaultSession, _ record: ItemRecord) async throws -> Int {
        let account = await session.account
        let vault = try await session.server.vault(account.vaultID, token: session.token)
        let entries = try (vault.items + [record]).map { try $0.manifestEntry() }
        let counter = (vault.manifest?.counter ?? 0) + 1
        let manifest = try ManifestBody(Manifest(owner: account.userID, vaultID: account.vaultID, counter: counter, entries: entries), userKey: account.userKey)
        let body = try JSONEncoder().encode(ItemPutBody(version: 1, content_type: record.contentType, item_key: Base64URL.encode(record.itemKey),
                                                    content: Base64URL.encode(record.content), manifest: manifest))
        let answer = try await raw(session.server, .PUT, "/v1/vaults/\(account.vaultID)/items/\(record.itemID)", json: String(decoding: body, as: UTF8.self), token: session.token)
        #expect(answer.status == 200, "\(answer.body)")
        return answer.status
    }

}

/// A log handler at trace level that keeps every line in memory.
final class LogCapture: Sendable {
    private let lines = Mutex<[UInt8]>([])

    var bytes: [UInt8] { lines.withLock { $0 } }

    var handler: some LogHandler { Handler(capture: self) }

    struct Handler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let line = "\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })\n"
            capture.lines.withLock { $0 += Array(line.utf8) }
        }
    }
}
