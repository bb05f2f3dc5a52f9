import Foundation
import Testing
import TickerCore
@testable import TickerEngine
import TickerTestSupport

/// A real HTTP server on 127.0.0.1: Python's http.server with the endpoints the tests need.
/// It binds port 0 and prints the port it got, so tests running in parallel never collide.
final class TestHTTPServer: Sendable {
    private static let script = #"""
    import json, os, sys, threading, time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlparse, parse_qs

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body=b"", content_type="text/plain", length=True):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if length:
                self.send_header("Content-Length", str(len(body)))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def handle_any(self):
            url = urlparse(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            size = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(size) if size else b""
            p = url.path
            if p == "/json":
                self.reply(200, json.dumps({"ok": True, "items": [1, 2]}).encode(), "application/json; charset=utf-8")
            elif p == "/created":
                self.reply(201, b"created")
            elif p == "/missing":
                self.reply(404, b"no such thing")
            elif p == "/error":
                self.reply(500, b"boom")
            elif p == "/slow":
                time.sleep(10)
                self.reply(200, b"finally")
            elif p == "/slowbody":
                self.send_response(200)
                self.send_header("Content-Length", "10")
                self.end_headers()
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(10)
            elif p == "/echo":
                headers = {k.lower(): v for k, v in self.headers.items()}
                echo = {"method": self.command, "headers": headers, "body": body.decode()}
                self.reply(200, json.dumps(echo).encode(), "application/json")
            elif p == "/text":
                self.reply(200, b"x" * int(q["bytes"]), q.get("type", "text/plain"), q.get("length") != "no")
            elif p == "/bigjson":
                self.reply(200, json.dumps("y" * int(q["bytes"])).encode(), "application/json")
            elif p == "/binary":
                self.reply(200, bytes(range(256)) * 2, "application/octet-stream")
            elif p == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/json")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.reply(400, b"unknown test path")

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=lambda: (sys.stdin.buffer.read(), os._exit(0)), daemon=True).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#

    private let server: PythonServer
    var port: Int { server.port }

    init() async throws {
        server = try PythonServer(arguments: ["-c", Self.script])
    }

    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    func stop() {
        server.stop()
    }
}

/// Runs `body` with a fresh server that is stopped afterwards, whatever happens.
func withServer(_ body: (TestHTTPServer) async throws -> Void) async throws {
    let server = try await TestHTTPServer()
    defer { server.stop() }
    try await body(server)
}

func http(_ params: [String: JSONValue]) throws -> HTTPOperator {
    try HTTPOperator(params: .object(params))
}

@Suite("http operator: responses")
struct HTTPResponseTests {
    @Test func jsonResponseBecomesTheOutput() async throws {
        try await withServer { server in
            let recorder = LogRecorder()
            let output = try await http(["url": .string(server.url("/json"))]).run(makeContext(log: recorder.log))
            #expect(output == .object([
                "status": .number(200),
                "body": .object(["ok": .bool(true), "items": .array([.number(1), .number(2)])]),
            ]))
            #expect(recorder.lines(.system) == ["GET \(server.url("/json"))", "HTTP 200 OK, 29 bytes"])
            #expect(recorder.lines(.stdout) == [#"{"ok": true, "items": [1, 2]}"#])
        }
    }

    @Test func anyTwoHundredPassesByDefault() async throws {
        try await withServer { server in
            let output = try await http(["url": .string(server.url("/created"))]).run(makeContext(log: .discard))
            #expect(output == .object(["status": .number(201), "body": .string("created")]))
        }
    }

    @Test func unexpectedStatusNamesBothStatuses() async throws {
        try await withServer { server in
            let recorder = LogRecorder()
            let error = await #expect(throws: OperatorError.self) {
                try await http(["url": .string(server.url("/missing"))]).run(makeContext(log: recorder.log))
            }
            #expect(error?.message == "GET \(server.url("/missing")): expected status 2xx, got 404 Not Found")
            #expect(recorder.lines(.stdout) == ["no such thing"], "the error body is logged")
        }
    }

    @Test func expectStatusAcceptsOneCode() async throws {
        try await withServer { server in
            let op = try http(["url": .string(server.url("/missing")), "expect_status": .number(404)])
            let output = try await op.run(makeContext(log: .discard))
            #expect(output == .object(["status": .number(404), "body": .string("no such thing")]))
        }
    }

    @Test func expectStatusAcceptsAList() async throws {
        try await withServer { server in
            let expect: JSONValue = .array([.number(200), .number(201)])
            _ = try await http(["url": .string(server.url("/created")), "expect_status": expect]).run(makeContext(log: .discard))
            let error = await #expect(throws: OperatorError.self) {
                try await http(["url": .string(server.url("/error")), "expect_status": expect]).run(makeContext(log: .discard))
            }
            #expect(error?.message == "GET \(server.url("/error")): expected status 200 or 201, got 500 Internal Server Error")
        }
    }

    @Test func redirectsAreFollowed() async throws {
        try await withServer { server in
            let output = try await http(["url": .string(server.url("/redirect"))]).run(makeContext(log: .discard))
            #expect(output?["status"] == .number(200))
        }
    }

    @Test func passwordsInTheURLAreNotLogged() async throws {
        try await withServer { server in
            let recorder = LogRecorder()
            let url = "http://ops:hunter2@127.0.0.1:\(server.port)/json"
            _ = try await http(["url": .string(url)]).run(makeContext(log: recorder.log))
            #expect(recorder.lines(.system).first == "GET http://ops:***@127.0.0.1:\(server.port)/json")
        }
    }
}

@Suite("http operator: request")
struct HTTPRequestTests {
    private func echo(_ params: [String: JSONValue], server: TestHTTPServer) async throws -> JSONValue? {
        let output = try await http(params.merging(["url": .string(server.url("/echo"))]) { $1 })
            .run(makeContext(log: .discard))
        return output?["body"]
    }

    @Test func methodHeadersAndTextBodyAreSent() async throws {
        try await withServer { server in
            let echoed = try await echo([
                "method": .string("post"),
                "headers": .object(["X-Trace": .string("abc-123")]),
                "body": .string("plain words"),
            ], server: server)
            #expect(echoed?["method"] == .string("POST"))
            #expect(echoed?["body"] == .string("plain words"))
            #expect(echoed?["headers"]?["x-trace"] == .string("abc-123"))
            #expect(echoed?["headers"]?["user-agent"] == .string("ticker"))
            #expect(echoed?["headers"]?["content-type"] == nil)
        }
    }

    @Test func mappingAndListBodiesAreSentAsJSON() async throws {
        try await withServer { server in
            let mapping = try await echo(["method": .string("PUT"), "body": .object(["b": .number(2), "a": .string("x")])], server: server)
            #expect(mapping?["method"] == .string("PUT"))
            #expect(mapping?["body"] == .string(#"{"a":"x","b":2}"#))
            #expect(mapping?["headers"]?["content-type"] == .string("application/json"))
            let list = try await echo(["method": .string("PATCH"), "body": .array([.number(1), .null])], server: server)
            #expect(list?["body"] == .string("[1,null]"))
        }
    }

    @Test func givenContentTypeAndUserAgentWin() async throws {
        try await withServer { server in
            let echoed = try await echo([
                "method": .string("POST"),
                "headers": .object(["content-type": .string("application/vnd.api+json"), "User-Agent": .string("nightly/1")]),
                "body": .object(["a": .number(1)]),
            ], server: server)
            #expect(echoed?["headers"]?["content-type"] == .string("application/vnd.api+json"))
            #expect(echoed?["headers"]?["user-agent"] == .string("nightly/1"))
        }
    }

    @Test func deleteAndHead() async throws {
        try await withServer { server in
            let deleted = try await echo(["method": .string("DELETE")], server: server)
            #expect(deleted?["method"] == .string("DELETE"))
            let head = try await http(["url": .string(server.url("/json")), "method": .string("HEAD")]).run(makeContext(log: .discard))
            #expect(head == .object(["status": .number(200), "body": .string("")]))
        }
    }
}

@Suite("http operator: limits, timeouts and failures")
struct HTTPLimitTests {
    @Test(.timeLimit(.minutes(1)))
    func slowResponseTimesOut() async throws {
        try await withServer { server in
            let start = ContinuousClock.now
            let error = await #expect(throws: OperatorError.self) {
                try await http(["url": .string(server.url("/slow")), "timeout": .string("500ms")]).run(makeContext(log: .discard))
            }
            #expect(error?.message == "GET \(server.url("/slow")) timed out after 500ms")
            // Well under the 10 s the server waits, with room for a loaded machine.
            #expect(ContinuousClock.now - start < .seconds(8))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func theTimeoutCoversReadingTheBody() async throws {
        try await withServer { server in
            let error = await #expect(throws: OperatorError.self) {
                try await http(["url": .string(server.url("/slowbody")), "timeout": .number(0.5)]).run(makeContext(log: .discard))
            }
            #expect(error?.message == "GET \(server.url("/slowbody")) timed out after 500ms")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellationStopsTheRequest() async throws {
        try await withServer { server in
            let op = try http(["url": .string(server.url("/slow"))])
            let task = Task { try await op.run(makeContext(log: .discard)) }
            try await Task.sleep(for: .milliseconds(300))
            let start = ContinuousClock.now
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            // The response would take an hour; a loaded 2-core CI machine needs slack above 2 s.
            #expect(ContinuousClock.now - start < .seconds(10))
        }
    }

    @Test func oversizedResponsesAreRefused() async throws {
        try await withServer { server in
            for path in ["/text?bytes=2000", "/text?bytes=2000&length=no"] {
                let error = await #expect(throws: OperatorError.self) {
                    try await http(["url": .string(server.url(path)), "max_response_bytes": .number(1000)])
                        .run(makeContext(log: .discard))
                }
                #expect(error?.message == "GET \(server.url(path)) returned more than max_response_bytes (1000 bytes); raise the limit or ask for less")
            }
            let exact = try await http(["url": .string(server.url("/text?bytes=1000")), "max_response_bytes": .number(1000)])
                .run(makeContext(log: .discard))
            #expect(exact?["status"] == .number(200))
        }
    }

    /// AsyncHTTPClient retries a refused connection until the deadline, then reports the cause.
    @Test func connectionFailuresAreReported() async throws {
        let error = await #expect(throws: OperatorError.self) {
            try await http(["url": .string("http://127.0.0.1:1/"), "timeout": .string("1s")]).run(makeContext(log: .discard))
        }
        #expect(error?.message.hasPrefix("GET http://127.0.0.1:1/ failed: ") == true)
        #expect(error?.message.contains("Connection refused") == true)
    }
}

@Suite("http operator: output and log size")
struct HTTPOutputSizeTests {
    private func body(_ path: String, server: TestHTTPServer, log: AttemptLog = .discard) async throws -> JSONValue? {
        let output = try await http(["url": .string(server.url(path))]).run(makeContext(log: log))
        #expect(output?["status"] == .number(200))
        return output?["body"]
    }

    @Test func textUpTo4KiBIsKept() async throws {
        try await withServer { server in
            let small = try await body("/text?bytes=4096", server: server)
            #expect(small == .string(String(repeating: "x", count: 4096)))
            let large = try await body("/text?bytes=4097", server: server)
            #expect(large == nil)
        }
    }

    @Test func jsonUpTo64KiBIsKept() async throws {
        try await withServer { server in
            let small = try await body("/bigjson?bytes=60000", server: server)
            #expect(small == .string(String(repeating: "y", count: 60000)))
            let large = try await body("/bigjson?bytes=70000", server: server)
            #expect(large == nil)
        }
    }

    @Test func invalidJSONFallsBackToText() async throws {
        try await withServer { server in
            let text = try await body("/text?bytes=3&type=application/json", server: server)
            #expect(text == .string("xxx"))
        }
    }

    @Test func binaryIsNeitherKeptNorLogged() async throws {
        try await withServer { server in
            let recorder = LogRecorder()
            let binary = try await body("/binary", server: server, log: recorder.log)
            #expect(binary == nil)
            #expect(recorder.lines(.stdout) == ["[the body is binary and not logged]"])
        }
    }

    @Test func theLoggedBodyIsCutAt4KiB() async throws {
        try await withServer { server in
            let recorder = LogRecorder()
            _ = try await body("/text?bytes=5000", server: server, log: recorder.log)
            #expect(recorder.lines(.stdout) == [String(repeating: "x", count: 4096) + "\n[904 more bytes not logged]"])
        }
    }
}

@Suite("http operator: parameters")
struct HTTPParameterTests {
    @Test func validParametersHaveNoProblems() {
        let params: JSONValue = .object([
            "url": .string("https://example.com/hook?x=1"), "method": .string("patch"),
            "headers": .object(["Authorization": .string("Bearer t")]), "body": .object(["a": .number(1)]),
            "expect_status": .array([.number(200), .number(204)]), "timeout": .string("1m"),
            "max_response_bytes": .number(2048),
        ])
        #expect(HTTPOperator.validate(params) == [])
        #expect(HTTPOperator.validate(.object(["url": .string("http://h"), "body": .string("x"), "expect_status": .number(418)])) == [])
    }

    @Test func everyProblemIsReported() {
        let problems = HTTPOperator.validate(.object([
            "url": .string("ftp://example.com/file"),
            "method": .string("FETCH"),
            "headers": .object(["Bad Name": .string("x"), "Content-Length": .string("3"), "X-Id": .number(7), "X-Split": .string("a\r\nb")]),
            "body": .number(3),
            "expect_status": .array([.number(200), .number(99)]),
            "timeout": .string("0s"),
            "max_response_bytes": .number(1.5),
            "retries": .number(3),
        ])).map(\.description)
        #expect(problems == [
            "retries: unknown parameter (allowed: body, expect_status, headers, max_response_bytes, method, timeout, url)",
            "url: must be an http:// or https:// URL with a host",
            "method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
            "headers.X-Id: must be a string (quote numbers and booleans in YAML)",
            "headers.Bad Name: is not a valid header name",
            "headers.Content-Length: is set by Ticker from the body and cannot be given",
            "headers.X-Split: must not contain a line break",
            "body: must be a string, or a mapping or list to send as JSON",
            "expect_status: must be a status code from 100 to 599, or a list of them",
            "timeout: must be longer than zero",
            "max_response_bytes: must be a whole number of bytes from 1 to 67108864 (64 MiB)",
        ])
    }

    @Test func shapesAndTypes() {
        let describe = { (params: JSONValue) in HTTPOperator.validate(params).map(\.description) }
        #expect(describe(.object([:])) == ["url: is required"])
        #expect(describe(.array([])) == ["parameters must be a mapping"])
        #expect(describe(.object(["url": .number(1)])) == ["url: must be a string"])
        #expect(describe(.object(["url": .string("http://")])) == ["url: must be an http:// or https:// URL with a host"])
        #expect(describe(.object(["url": .string("http://h"), "headers": .array([])])) == ["headers: must be a mapping of names to strings"])
        #expect(describe(.object(["url": .string("http://h"), "expect_status": .string("200")])) == [
            "expect_status: must be a status code from 100 to 599, or a list of them",
        ])
        #expect(describe(.object(["url": .string("http://h"), "expect_status": .array([])])) == [
            "expect_status: must be a status code from 100 to 599, or a list of them",
        ])
        #expect(describe(.object(["url": .string("http://h"), "method": .number(1)])) == [
            "method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
        ])
        #expect(describe(.object(["url": .string("http://h"), "timeout": .bool(true)])) == [
            #"timeout: must be a duration such as "30s", "5m" or "500ms", or a number of seconds"#,
        ])
    }

    @Test func defaultsAndParsedValues() throws {
        let defaults = try http(["url": .string("http://h")])
        #expect(defaults.method == "GET")
        #expect(defaults.timeout == .seconds(30))
        #expect(defaults.maxResponseBytes == 1024 * 1024)
        #expect(defaults.expectedStatus == nil)
        #expect(defaults.body == nil)
        let custom = try http(["url": .string("http://h"), "timeout": .string("1m30s"), "expect_status": .number(202)])
        #expect(custom.timeout == .seconds(90))
        #expect(custom.expectedStatus == [202])
    }

    @Test func initRefusesInvalidParameters() {
        let error = #expect(throws: OperatorError.self) { try http(["url": .string("localhost:8080")]) }
        #expect(error?.message == "invalid http parameters: url: must be an http:// or https:// URL with a host")
    }
}
