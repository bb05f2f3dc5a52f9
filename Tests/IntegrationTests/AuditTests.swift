import Foundation
import GRDB
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The audit log of a real `ticker serve` and the CLI: what is recorded, what never is, and
/// `ticker audit verify` against a database edited behind the server's back.
@Suite("Audit log (real ticker binary)", .serialized)
struct AuditTests {
    struct Line: Decodable {
        var type: String
        var seq: Int64?
        var actor: String?
        var action: String?
        var target: String?
        var outcome: String?
        var source: String?
    }

    func export(_ harness: TickerHarness) async throws -> [Line] {
        let output = try await harness.cli("audit", "export")
        #expect(output.status == 0, "\(output.stderr)")
        return try output.stdout.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    @Test("sign-ups, logins, failures, token use, writes, DAG actions and admin actions are chained and signed; no secret appears; tampering is named")
    func recordsAndVerifies() async throws {
        let harness = try TickerHarness()
        harness.settings["TICKER_AUDIT_CHECKPOINT_SECONDS"] = "1"
        try harness.writeDag("tick", "dag: tick\nschedule: {every: 1h}\ntasks:\n  only: {operator: noop}\n")
        try harness.startServer()
        let server = try await harness.httpAddress()

        // A planted secret: the password, and a plan's plaintext.
        let planted = "planted-Secret-\(UUID().uuidString)"
        var alice = try await VaultCommandTests().register(harness, "alice", server: server)
        alice.password = planted
        let changed = try await alice.run(
            ["change-password", "--password-fd", "0", "--new-password-fd", "0"], input: "alice password 1\n\(planted)\n")
        #expect(changed.status == 0, "\(changed.stderr)")
        let plan = harness.root.appendingPathComponent("plan.json")
        try #"{"type":"plan","name":"\#(planted)-plan","goal":1}"#.write(to: plan, atomically: true, encoding: .utf8)
        _ = try await alice.ok("put", "--file", plan.path)
        #expect(try await alice.run(["list", "--password-fd", "0"], input: "not the password\n").status != 0)

        let token = try await harness.cli("admin", "create-token", "--name", "ops", "--role", "operator").stdout
            .split(separator: "\n").compactMap { line in line.split(separator: " ").first { $0.hasPrefix("tkr_") } }.first.map(String.init)
        let secret = try #require(token)
        var pause = URLRequest(url: URL(string: server + "/api/v1/dags/tick/pause")!)
        pause.httpMethod = "POST"
        pause.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
        #expect((try await URLSession.shared.data(for: pause).1 as? HTTPURLResponse)?.statusCode == 200)
        pause.setValue("Bearer tkr_not_a_real_token", forHTTPHeaderField: "Authorization")
        #expect((try await URLSession.shared.data(for: pause).1 as? HTTPURLResponse)?.statusCode == 401)
        var list = URLRequest(url: URL(string: server + "/api/v1/dags")!)
        list.setValue("Bearer tkr_not_a_real_token", forHTTPHeaderField: "Authorization")
        #expect((try await URLSession.shared.data(for: list).1 as? HTTPURLResponse)?.statusCode == 401)
        #expect(try await harness.cli("trigger", "tick").status == 0)

        try await harness.waitUntil("a checkpoint signs the log") {
            try await harness.cli("audit", "verify").stdout.contains("checkpoints, signed up to entry")
        }
        #expect(try await harness.stopServer() == 0)
        let lines = try await export(harness)
        let entries = lines.filter { $0.type == "entry" }
        func has(_ action: String, _ outcome: String, actor: String? = nil) -> Bool {
            entries.contains { $0.action == action && $0.outcome == outcome && (actor == nil || $0.actor?.hasPrefix(actor!) == true) }
        }
        #expect(has("vault.account.create", "ok"))
        #expect(has("vault.session.create", "ok", actor: "user:"))
        #expect(has("vault.session.create", "denied", actor: "anonymous"), "the wrong password")
        #expect(has("vault.account.password", "ok", actor: "user:"))
        #expect(has("vault.commit", "ok", actor: "user:") || has("vault.item.write", "ok", actor: "user:"), "\(entries.map { "\($0.action ?? "") \($0.outcome ?? "") \($0.actor ?? "")" })")
        #expect(has("admin.token.create", "ok", actor: "cli:"))
        #expect(has("dag.pause", "ok", actor: "token:"))
        #expect(has("api.token.use", "ok", actor: "token:"))
        #expect(has("dag.pause", "denied", actor: "anonymous"), "the unknown token")
        #expect(has("api.token.rejected", "denied", actor: "anonymous"), "a read with the unknown token")
        #expect(has("dag.trigger", "ok", actor: "cli:"))
        #expect(has("keys.datakey.create", "ok", actor: "system"), "the first user's data key")
        #expect(entries.allSatisfy { $0.source == "127.0.0.1" || $0.source == "local" || $0.source == "unknown" }, "\(entries.map(\.source))")
        #expect(lines.contains { $0.type == "checkpoint" } && lines.contains { $0.type == "key" })

        // Nothing secret in the audit log, the server's log, or the database's files.
        let export = try await harness.cli("audit", "export").stdout
        for (name, text) in [("audit export", export), ("server log", harness.serverOutput)] {
            #expect(!text.contains(planted) && !text.contains(secret) && !text.contains("alice password 1"), "\(name) holds a secret")
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: harness.dataDir.path) where file.hasPrefix("ticker.sqlite") {
            let bytes = try Data(contentsOf: harness.dataDir.appendingPathComponent(file))
            #expect(bytes.range(of: Data(planted.utf8)) == nil, "\(file) holds the planted secret or the plan's plaintext")
        }

        let verified = try await harness.cli("audit", "verify")
        #expect(verified.status == 0 && verified.stdout.hasPrefix("audit log intact: \(entries.count) entries"), "\(verified.stdout) \(verified.stderr)")

        // Someone with the database file turns the failed login into a success.
        let denied = try #require(entries.first { $0.action == "vault.session.create" && $0.outcome == "denied" }?.seq)
        let database = try DatabaseQueue(path: harness.dataDir.appendingPathComponent("ticker.sqlite").path)
        try await database.write { db in try db.execute(sql: "UPDATE audit_log SET outcome = 'ok' WHERE seq = ?", arguments: [denied]) }
        let caught = try await harness.cli("audit", "verify")
        #expect(caught.status == 1 && caught.stdout.contains("AUDIT LOG TAMPERED: the first bad entry is \(denied):"), "\(caught.stdout) \(caught.stderr)")
    }
}
