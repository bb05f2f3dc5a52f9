import Foundation

/// The ISIN fixture HTTP server (`Tests/Fixtures/isin_fixture_server.py`) serving the files of a
/// directory on 127.0.0.1. It binds port 0 and prints the port it got, so tests running in
/// parallel never collide; see the script for its special paths (`/status/404`, `/hang`, …).
final class FixtureServer: Sendable {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/isin_fixture_server.py")

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    let directory: URL
    private let process: Process
    /// The server exits when this pipe closes, that is when the test process ends however it ends.
    private let lifeline = Pipe()

    /// Starts a server for `directory`.
    init(directory: URL) throws {
        self.directory = directory
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script.path, directory.path]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardInput = lifeline
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = stdout.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw StartError(description: "the fixture server did not start (python3 printed \(text.debugDescription))")
        }
        self.port = port
    }

    func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path.hasPrefix("/") ? "" : "/")\(path)")!
    }

    /// Stops the server by its pid and reaps it. SIGKILL, because Foundation's `Process` passes on
    /// the test runner's blocked signals, and python3 started that way never sees SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Runs `body` with a server for `directory`, stopped afterwards whatever happens.
func withFixtureServer<R>(directory: URL, _ body: (FixtureServer) async throws -> R) async throws -> R {
    let server = try FixtureServer(directory: directory)
    defer { server.stop() }
    return try await body(server)
}
