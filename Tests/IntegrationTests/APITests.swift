import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The REST API of a real `ticker serve`: authentication, roles, problem details, limits, and a
/// run followed from trigger to log. (schemathesis fuzzes every operation against the spec in
/// `scripts/test`; these pin the behaviour a person relies on.)
@Suite("REST API (real ticker binary)", .serialized)
struct APITests {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    final class Client: Sendable {
        let base: String
        init(base: String) { self.base = base }

        func send(_ method: String, _ path: String, token: String? = nil, body: String? = nil, contentType: String = "application/json") async throws -> Reply {
            var request = URLRequest(url: URL(string: base + "/api/v1" + path)!)
            request.httpMethod = method
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            if let body {
                request.httpBody = Data(body.utf8)
                request.setValue(contentType, forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = response as! HTTPURLResponse
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields { headers["\(key)".lowercased()] = "\(value)" }
            return Reply(status: http.statusCode, headers: headers, body: data)
        }
    }

    static let dag = """
        dag: greet
        tasks:
          hello: {operator: shell, with: {command: "echo hello from the API test"}}
        """

    func start() async throws -> (TickerHarness, Client) {
        let harness = try TickerHarness()
        try harness.writeDag("greet", Self.dag)
        try harness.startServer()
        return (harness, Client(base: try await harness.httpAddress()))
    }

    func token(_ harness: TickerHarness, role: String) async throws -> String {
        let output = try await harness.cli("admin", "create-token", "--role", role, "--name", "test-\(role)")
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("no token, a bad token, a revoked token: 401 problems; a viewer may read but not trigger")
    func authentication() async throws {
        let (harness, api) = try await start()
        let anonymous = try await api.send("GET", "/dags")
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["content-type"] == "application/problem+json")
        #expect(anonymous.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(anonymous.json["type"] as? String == "urn:ticker:problem:unauthorized")
        #expect(try await api.send("GET", "/dags", token: "tkr_" + String(repeating: "A", count: 43)).status == 401)

        let viewer = try await token(harness, role: "viewer")
        #expect(try await api.send("GET", "/dags", token: viewer).status == 200)
        let forbidden = try await api.send("POST", "/dags/greet/runs", token: viewer)
        #expect(forbidden.status == 403)
        #expect((forbidden.json["detail"] as? String)?.contains("operator") == true, "\(forbidden.text)")

        let admin = try await token(harness, role: "admin")
        let listed = try await api.send("GET", "/tokens", token: admin)
        let viewerID = ((listed.json["tokens"] as? [[String: Any]])?.first { $0["name"] as? String == "test-viewer" })?["id"] as? Int
        #expect(listed.text.contains("tkr_") == false, "secrets never leave the server")
        #expect(try await api.send("DELETE", "/tokens/\(viewerID ?? 0)", token: admin).status == 204)
        let revoked = try await api.send("GET", "/dags", token: viewer)
        #expect(revoked.status == 401 && (revoked.json["detail"] as? String)?.contains("revoked") == true, "\(revoked.text)")
        #expect(try await harness.store().tokens().allSatisfy { $0.name.hasPrefix("test-") })
    }

    @Test("trigger with conf, follow the run to success, read its attempt's log")
    func triggerFollowAndLog() async throws {
        let (harness, api) = try await start()
        let operatorToken = try await token(harness, role: "operator")
        let created = try await api.send("POST", "/dags/greet/runs", token: operatorToken, body: #"{"conf":{"who":"api"}}"#)
        #expect(created.status == 201, "\(created.text)")
        let runID = created.json["id"] as? Int ?? 0
        #expect((created.json["conf"] as? [String: Any])?["who"] as? String == "api")
        var detail: [String: Any] = [:]
        try await harness.waitUntil("the run succeeds") {
            detail = try await api.send("GET", "/runs/\(runID)", token: operatorToken).json
            return (detail["run"] as? [String: Any])?["state"] as? String == "succeeded"
        }
        let attemptID = ((detail["attempts"] as? [[String: Any]])?.first?["id"] as? Int) ?? 0
        let log = try await api.send("GET", "/runs/\(runID)/attempts/\(attemptID)/log?wait=5", token: operatorToken)
        #expect(log.json["finished"] as? Bool == true)
        let text = ((log.json["lines"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined()
        #expect(text.contains("hello from the API test"), "\(log.text)")
        let page = try await api.send("GET", "/runs?dag_id=greet&limit=1", token: operatorToken)
        #expect(((page.json["runs"] as? [[String: Any]])?.first?["id"] as? Int) == runID)
        #expect(try await api.send("GET", "/runs/\(runID)/attempts/999999/log", token: operatorToken).status == 404)

        // The node that ran the attempt is in the node table, alive, under the attempt's owner name.
        let nodes = try await api.send("GET", "/nodes", token: operatorToken)
        #expect(nodes.status == 200, "\(nodes.text)")
        let node = try #require((nodes.json["nodes"] as? [[String: Any]])?.first)
        #expect(node["status"] as? String == "alive")
        #expect(node["roles"] as? [String] == ["scheduler", "worker"])
        #expect(node["id"] as? String == (detail["attempts"] as? [[String: Any]])?.first?["owner"] as? String)
        #expect(nodes.json["lease_seconds"] as? Int == 15)
    }

    @Test("bad input: field named, body limit, unknown DAG, wrong method, wrong media type")
    func badInput() async throws {
        let (harness, api) = try await start()
        let admin = try await token(harness, role: "admin")
        let missing = try await api.send("POST", "/dags/greet/backfill", token: admin, body: #"{"from":"2026-01-01T00:00:00Z"}"#)
        #expect(missing.status == 400)
        #expect((missing.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "to", "\(missing.text)")
        let notJSON = try await api.send("POST", "/dags/greet/runs", token: admin, body: "{conf")
        #expect(notJSON.status == 400 && notJSON.json["type"] as? String == "urn:ticker:problem:invalid-request")
        let limit = try await api.send("GET", "/runs?limit=0", token: admin)
        #expect(limit.status == 400 && limit.text.contains("limit"))
        let huge = try await api.send(
            "POST", "/isins/validate", token: admin, body: #"{"isins":[""# + String(repeating: "A", count: 2_000_000) + #""]}"#)
        #expect(huge.status == 413 && huge.json["type"] as? String == "urn:ticker:problem:body-too-large")
        let unknown = try await api.send("POST", "/dags/nope/runs", token: admin)
        #expect(unknown.status == 404 && unknown.text.contains("nope"))
        let wrongMethod = try await api.send("DELETE", "/dags", token: admin)
        #expect(wrongMethod.status == 405 && wrongMethod.headers["allow"] == "GET", "\(wrongMethod.headers)")
        let text = try await api.send("POST", "/isins/validate", token: admin, body: "US0378331005", contentType: "text/plain")
        #expect(text.status == 415)
        for reply in [missing, notJSON, limit, huge, unknown, wrongMethod, text] {
            #expect(reply.headers["content-type"] == "application/problem+json")
            #expect(!reply.text.contains("SQL") && !reply.text.contains(".swift"))
        }
        #expect(!harness.serverOutput.contains("api operation failed"), "\(harness.serverOutput)")
    }

    @Test("ISIN look-ups may be public; buckets answer by hash prefix; history and diff")
    func publicISINs() async throws {
        let harness = try TickerHarness()
        harness.settings["TICKER_API_PUBLIC_ISINS"] = "true"
        let list = harness.root.appendingPathComponent("list.csv")
        try "ISIN,Name,CFI,Currency,Issuer LEI\nUS0378331005,Apple Inc.,ESVUFR,USD,\nUS5949181045,Microsoft Corporation,ESVUFR,USD,\n".write(to: list, atomically: true, encoding: .utf8)
        #expect(try await harness.cli("isin", "import", list.path, "--column", "name=Name").status == 0)
        try harness.startServer()
        let api = Client(base: try await harness.httpAddress())

        let apple = try await api.send("GET", "/isins/US0378331005")
        #expect(apple.status == 200 && apple.json["listed"] as? Bool == true, "\(apple.text)")
        #expect((apple.json["current"] as? [String: Any])?["name"] as? String == "Apple Inc.")
        #expect(try await api.send("GET", "/isins/US0378331006").status == 400, "a wrong check digit is malformed input")
        #expect(try await api.send("GET", "/isins/DE0007164600").status == 404, "valid, but in no snapshot")
        #expect(try await api.send("GET", "/dags").status == 401, "only ISIN look-ups are public")

        // SHA-256("US0378331005") starts with 47bde9.
        let bucket = try await api.send("GET", "/isins/buckets/47b")
        let entries = bucket.json["entries"] as? [[String: Any]] ?? []
        #expect(entries.contains { $0["isin"] as? String == "US0378331005" && ($0["sha256"] as? String)?.hasPrefix("47bde9") == true }, "\(bucket.text)")
        #expect(entries.allSatisfy { ($0["sha256"] as? String)?.hasPrefix("47b") == true })
        #expect(try await api.send("GET", "/isins/buckets/47bde9c3").status == 400, "longer prefixes would identify the ISIN")

        let search = try await api.send("GET", "/isins?q=micro")
        #expect(search.text.contains("US5949181045"), "\(search.text)")
        let diff = try await api.send("GET", "/snapshots/1/diff")
        #expect((diff.json["entries"] as? [[String: Any]])?.count == 2 && diff.json["from"] as? Int == 0, "\(diff.text)")
        let checked = try await api.send("POST", "/isins/validate", body: #"{"isins":["us 0378 3310 05","US0378331006"]}"#)
        #expect(checked.json["valid"] as? Int == 1 && checked.json["invalid"] as? Int == 1, "\(checked.text)")
    }
}
