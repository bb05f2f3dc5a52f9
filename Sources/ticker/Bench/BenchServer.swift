import Foundation
import TickerStore

#if canImport(Glibc)
import Glibc
#endif

/// A temporary Ticker installation that runs the real `ticker serve` (this very binary) as a
/// child process, so benchmarks measure exactly what an operator runs.
final class BenchServer {
    let root: URL
    var dags: URL { root.appendingPathComponent("dags") }
    var data: URL { root.appendingPathComponent("data") }
    private var process: Process?
    private let workers: Int

    init(workers: Int) throws {
        self.workers = workers
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dags, withIntermediateDirectories: true)
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: root)
    }

    func writeDag(_ id: String, _ yaml: String) throws {
        try yaml.write(to: dags.appendingPathComponent("\(id).yaml"), atomically: true, encoding: .utf8)
    }

    func openStore() throws -> SQLiteStore { try DataDirectory(path: data.path).openStore() }

    /// Starts `ticker serve`; `arguments` and `environment` come on top of the benchmark's own.
    func start(arguments: [String] = [], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
            process.executableURL = Bundle.main.executableURL
        }
        process.arguments = ["serve", "--workers", "\(workers)", "--log-level", "warning", "--port", "0"] + arguments
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        env["TICKER_DATA_DIR"] = data.path
        env["TICKER_DAGS"] = dags.path
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: logFile())
        try process.run()
        self.process = process
    }

    /// What the server has logged so far.
    func log() throws -> String { try String(contentsOf: logFile(), encoding: .utf8) }

    private func logFile() throws -> URL {
        let url = root.appendingPathComponent("serve.log")
        if !FileManager.default.fileExists(atPath: url.path) { FileManager.default.createFile(atPath: url.path, contents: nil) }
        return url
    }

    func kill9() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() async {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Polls the store until `condition` holds or `timeout` passes.
    func wait(timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return false
    }
}
