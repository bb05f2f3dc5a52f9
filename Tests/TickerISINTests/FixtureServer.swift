import Foundation
import TickerTestSupport

/// The ISIN fixture HTTP server (`Tests/Fixtures/isin_fixture_server.py`) serving the files of a
/// directory on 127.0.0.1. It binds port 0 and prints the port it got, so tests running in
/// parallel never collide; see the script for its special paths (`/status/404`, `/hang`, …).
final class FixtureServer: Sendable {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/isin_fixture_server.py")

    let directory: URL
    private let server: PythonServer
    var port: Int { server.port }

    /// Starts a server for `directory`.
    init(directory: URL) async throws {
        self.directory = directory
        server = try PythonServer(arguments: [Self.script.path, directory.path])
    }

    func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path.hasPrefix("/") ? "" : "/")\(path)")!
    }

    func stop() {
        server.stop()
    }
}

/// Runs `body` with a server for `directory`, stopped afterwards whatever happens.
func withFixtureServer<R>(directory: URL, _ body: (FixtureServer) async throws -> R) async throws -> R {
    let server = try await FixtureServer(directory: directory)
    defer { server.stop() }
    return try await body(server)
}
