import Foundation
import Testing

/// Attacks on the operator console and API of a real `ticker serve`, made with curl as an
/// attacker's own client would: session fixation, cross-site forms, and tokens used beyond
/// their role.
@Suite("Hardening (real ticker binary)", .serialized)
struct HardeningTests {
    struct Answer {
        var status: Int
        var headers: String
        var body: String
    }

    /// One request, no redirects followed; `-w` appends the status after the body.
    func curl(_ harness: TickerHarness, _ arguments: String) async throws -> Answer {
        let output = try await harness.shell("curl -sS -D headers.txt -w '\\n%{http_code}' \(arguments)").stdout
        let headers = (try? String(contentsOf: harness.root.appendingPathComponent("headers.txt"), encoding: .utf8)) ?? ""
        let status = Int(output.split(separator: "\n").last ?? "") ?? 0
        return Answer(status: status, headers: headers, body: String(output.dropLast(String(status).count)))
    }

    func sessionCookie(_ headers: String) -> String? {
        headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: ticker_session=") }
            .map { $0.dropFirst("set-cookie: ticker_session=".count).prefix { $0 != ";" } }.map(String.init)
    }

    func token(_ harness: TickerHarness, role: String) async throws -> String {
        try await harness.cli("admin", "create-token", "--role", role, "--name", "hardening-\(role)").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("a planted session id is never adopted; forms from another origin or with a forged token are refused")
    func consoleSessions() async throws {
        let harness = try TickerHarness()
        try harness.writeDag("tick", "dag: tick\nschedule: {every: 1h}\ntasks:\n  only: {operator: noop}\n")
        try harness.startServer()
        let base = try await harness.httpAddress()
        let operatorToken = try await token(harness, role: "operator")

        // Fixation: the attacker's chosen id rides along with a real sign-in.
        let planted = String(repeating: "a", count: 43)
        let login = try await curl(
            harness, "-H 'Cookie: ticker_session=\(planted)' -H 'Origin: \(base)' --data-urlencode 'token=\(operatorToken)' \(base)/ui/login")
        let issued = try #require(sessionCookie(login.headers), "\(login.headers)")
        #expect(login.status == 303 && issued != planted && issued.count >= 32)
        #expect(try await curl(harness, "-H 'Cookie: ticker_session=\(planted)' \(base)/ui/").status == 303, "the planted id is no session")
        let page = try await curl(harness, "-H 'Cookie: ticker_session=\(issued)' \(base)/ui/")
        #expect(page.status == 200)
        let csrf = try #require(page.body.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" })

        // CSRF: the right token from the wrong origin, and a forged token from the right one or none.
        let pause = "-H 'Cookie: ticker_session=\(issued)' \(base)/ui/dags/tick/pause"
        #expect(try await curl(harness, "-H 'Origin: https://evil.example' --data 'csrf=\(csrf)' \(pause)").status == 403)
        #expect(try await curl(harness, "-H 'Origin: \(base)' --data 'csrf=forged' \(pause)").status == 403)
        // No Origin (some privacy tools strip it) leaves the token as the defence.
        #expect(try await curl(harness, "--data 'csrf=forged' \(pause)").status == 403)
        #expect(try await harness.cli("dags", "list").stdout.contains("paused") == false, "nothing was paused")
        #expect(try await curl(harness, "-H 'Origin: \(base)' --data 'csrf=\(csrf)' \(pause)").status == 303)

        // Signing out ends the session on the server, not only in the browser.
        #expect(try await curl(harness, "-H 'Origin: \(base)' --data 'csrf=\(csrf)' -H 'Cookie: ticker_session=\(issued)' \(base)/ui/logout").status == 303)
        #expect(try await curl(harness, "-H 'Cookie: ticker_session=\(issued)' \(base)/ui/").status == 303)
        _ = try await harness.stopServer()
    }

    @Test("tokens act only within their role: a viewer or operator cannot see, make or revoke tokens")
    func tokensByRole() async throws {
        let harness = try TickerHarness()
        try harness.startServer()
        let base = try await harness.httpAddress()
        let admin = try await token(harness, role: "admin")
        for role in ["viewer", "operator"] {
            let bearer = "-H 'Authorization: Bearer \(try await token(harness, role: role))'"
            #expect(try await curl(harness, "\(bearer) \(base)/api/v1/tokens").status == 403, "\(role)")
            #expect(try await curl(harness, "\(bearer) -H 'Content-Type: application/json' --data '{\"name\":\"x\",\"role\":\"admin\"}' \(base)/api/v1/tokens").status == 403, "\(role)")
            #expect(try await curl(harness, "\(bearer) -X DELETE \(base)/api/v1/tokens/1").status == 403, "\(role)")
        }
        let listed = try await curl(harness, "-H 'Authorization: Bearer \(admin)' \(base)/api/v1/tokens")
        #expect(listed.status == 200 && !listed.body.contains("tkr_"), "a listing never shows a secret: \(listed.body)")
        _ = try await harness.stopServer()
    }
}
