import Foundation
import TickerCore
import TickerStore
import TickerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A private Ticker installation for one test: its own data and DAG folders, the real `ticker`
/// binary, and at most one `ticker serve` process at a time.
final class TickerHarness: @unchecked Sendable {
    let root: URL
    var dataDir: URL { root.appendingPathComponent("data") }
    var dagsDir: URL { root.appendingPathComponent("dags") }
    private(set) var server: Process?
    private var serverLog: URL { root.appendingPathComponent("serve-\(serverStarts).log") }
    private var serverStarts = 0

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dagsDir, withIntermediateDirectories: true)
    }

    deinit {
        if let server, server.isRunning { kill(server.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: root)
    }

    /// The `ticker` binary that `scripts/test` built (TICKER_BIN), or the debug build next to the tests.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["TICKER_BIN"] { return URL(fileURLWithPath: path) }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/ticker")
    }

    func writeDag(_ name: String, _ yaml: String) throws {
        try yaml.write(to: dagsDir.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
    }

    /// Settings for the server and the CLI on top of the harness's own, such as `TICKER_API_PUBLIC_ISINS`.
    var settings: [String: String] = [:]

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment.merging(settings) { _, setting in setting }
        env["TICKER_DATA_DIR"] = dataDir.path
        env["TICKER_DAGS"] = dagsDir.path
        env["TICKER_LOG_LEVEL"] = "debug"
        return env
    }

    // MARK: serve

    func startServer(_ extra: [String] = []) throws {
        precondition(server == nil || server?.isRunning == false, "one server at a time")
        serverStarts += 1
        _ = FileManager.default.createFile(atPath: serverLog.path, contents: nil)
        let process = Process()
        process.executableURL = Self.binary
        // Port 0: servers of tests running at once never fight over one port.
        process.arguments = ["serve"] + (extra.contains("--port") ? [] : ["--port", "0"]) + extra
        process.environment = environment
        process.currentDirectoryURL = root
        let log = try FileHandle(forWritingTo: serverLog)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        server = process
    }

    /// `kill -9`: no chance to clean up, exactly like a crash or an OOM kill.
    func killServer() {
        guard let server else { return }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
    }

    /// SIGTERM, then wait for the graceful exit; returns the exit status.
    @discardableResult
    func stopServer(timeout: TimeInterval = 60) async throws -> Int32 {
        guard let server else { return 0 }
        kill(server.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while server.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if server.isRunning {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            throw HarnessError("server did not stop within \(timeout)s of SIGTERM")
        }
        return server.terminationStatus
    }

    /// The HTTP address the running server logged once it listened.
    func httpAddress(timeout: TimeInterval = 60) async throws -> String {
        var address: String?
        try await waitUntil("the server listens for HTTP", timeout: timeout) {
            address = serverOutput.split(separator: "\n").last { $0.contains("http listening") }
                .flatMap { line in line.range(of: "address=").map { String(line[$0.upperBound...].prefix { $0 != " " }) } }
            return address != nil
        }
        return address ?? ""
    }

    var serverOutput: String { (try? String(contentsOf: serverLog, encoding: .utf8)) ?? "" }

    // MARK: CLI

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a `ticker` command to completion, away from the cooperative threads (see
    /// `awayFromTheCooperativePool`).
    func cli(_ arguments: String...) async throws -> Output {
        try await cli(arguments)
    }

    /// `input` becomes the command's standard input (secrets for `--password-fd 0`).
    func cli(_ arguments: [String], environment: [String: String]? = nil, input: String? = nil) async throws -> Output {
        try await run(Self.binary, arguments, environment: environment, input: input)
    }

    /// A `/bin/sh` script in the harness's folder, with its environment (for the system's own
    /// tools: openssl, testssl).
    func shell(_ script: String) async throws -> Output {
        try await run(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
    }

    private func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil, input: String? = nil) async throws -> Output {
        let finished = try await runToCompletion(
            executable, arguments, environment: environment ?? self.environment, directory: root, input: input.map { Data($0.utf8) })
        return Output(status: finished.status, stdout: finished.standardOutput, stderr: finished.standardError)
    }

    // MARK: the database, read directly for audits

    func store() throws -> SQLiteStore {
        try DataDirectory(path: dataDir.path).openStore()
    }

    /// Triggers a run of `dagID` through the CLI and returns once its first attempt is running.
    func triggerAndAwaitRunningAttempt(_ dagID: String, store: some SchedulerStore) async throws {
        let triggered = try await cli("trigger", dagID)
        guard triggered.status == 0 else { throw HarnessError("trigger \(dagID) failed: \(triggered.stderr)") }
        try await waitUntil("the attempt of \(dagID) runs") { try await store.firstAttemptState(dagID) == .running }
    }

    /// Polls until `condition` holds; the bound only stops a broken test from hanging.
    func waitUntil(_ what: String, timeout: TimeInterval = 60, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("timed out waiting until \(what)\n--- server output ---\n\(serverOutput.suffix(4000))")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension SchedulerStore {
    /// The state of the first attempt of the DAG's first run, if any.
    func firstAttemptState(_ dagID: String) async throws -> AttemptState? {
        guard let run = try await allRuns(dagID).first else { return nil }
        return try await self.run(run.id)?.attempts.first?.state
    }

    /// Every run of a DAG, oldest slot first.
    func allRuns(_ dagID: String) async throws -> [RunRecord] {
        try await runs(RunFilter(dagID: dagID, limit: 1000)).sorted { ($0.slotAt, $0.id) < ($1.slotAt, $1.id) }
    }
}
