import Foundation
import Logging
import TickerStore

#if canImport(Glibc)
import Glibc
#endif

/// A temporary Ticker installation that runs the real `ticker serve` (this very binary) as child
/// processes, so benchmarks measure exactly what an operator runs: one node on SQLite, or
/// `nodes` nodes sharing a PostgreSQL database made for the benchmark and dropped afterwards.
final class BenchServer {
    let root: URL
    var dags: URL { root.appendingPathComponent("dags") }
    /// The first node's data directory.
    var data: URL { dataDirectory(0) }
    private var processes: [Process?]
    private let workers: Int
    private let database: BenchDatabase?
    private var pools: [Task<Void, Never>] = []

    init(workers: Int, nodes: Int = 1, postgres: String? = nil) throws {
        self.workers = workers
        processes = Array(repeating: nil, count: max(1, nodes))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("dags"), withIntermediateDirectories: true)
        self.root = root
        database = try postgres.map { try BenchDatabase(server: $0) }
    }

    deinit {
        for process in processes { if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        pools.forEach { $0.cancel() }
        database?.drop()
        try? FileManager.default.removeItem(at: root)
    }

    func writeDag(_ id: String, _ yaml: String) throws {
        try yaml.write(to: dags.appendingPathComponent("\(id).yaml"), atomically: true, encoding: .utf8)
    }

    private func dataDirectory(_ node: Int) -> URL { root.appendingPathComponent("data-\(node)") }

    /// The store the nodes use, opened by this process (for PostgreSQL, with a pool of its own).
    func openStore() async throws -> any SchedulerStore {
        guard let database else { return try DataDirectory(path: data.path).openStore() }
        let store = try PostgresStore(url: database.url, maxConnections: 2, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        pools.append(Task { await store.run() })
        try await store.migrate()
        return store
    }

    /// Starts every node; `arguments` and `environment` come on top of the benchmark's own.
    func start(arguments: [String] = [], environment: [String: String] = [:]) throws {
        for node in processes.indices { try start(node: node, arguments: arguments, environment: environment) }
    }

    /// Starts (or restarts) one node.
    func start(node: Int, arguments: [String] = [], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
            process.executableURL = Bundle.main.executableURL
        }
        process.arguments = ["serve", "--workers", "\(workers)", "--log-level", "warning", "--port", "0"] + arguments
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        env["TICKER_DATA_DIR"] = dataDirectory(node).path
        env["TICKER_DAGS"] = dags.path
        if let database { env["TICKER_DB"] = database.url }
        // Every node of a cluster seals data keys with the same KEKs.
        env["TICKER_KEYS_FILE_DIR"] = env["TICKER_KEYS_FILE_DIR"] ?? root.appendingPathComponent("keys").path
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: logFile(node))
        try process.run()
        processes[node] = process
    }

    /// What the first node has logged so far.
    func log() throws -> String { try String(contentsOf: logFile(0), encoding: .utf8) }

    private func logFile(_ node: Int) throws -> URL {
        let url = root.appendingPathComponent("serve-\(node).log")
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        return url
    }

    /// The node whose process runs under `owner` (an attempt's owner name), from the node table;
    /// the first node when there is one node or the store keeps no such table.
    func node(owning owner: String, in store: any SchedulerStore) async throws -> Int {
        guard processes.count > 1, let table = store as? any NodeStore,
            let pid = try await table.nodes().first(where: { $0.id == owner })?.pid,
            let index = processes.firstIndex(where: { $0?.processIdentifier == Int32(pid) })
        else { return 0 }
        return index
    }

    /// `kill -9` of one node (the first by default).
    func kill9(node: Int = 0) {
        guard let process = processes[node] else { return }
        kill(process.processIdentifier, SIGKILL)
        // Dead is enough: its locks and sockets are released once it is a zombie. Foundation's
        // `waitUntilExit` would also wait for the children the node left running (the killed
        // attempt's `sleep`), which hold its output open, and that is not what M4 measures.
        while Self.isAlive(process.processIdentifier) { usleep(1000) }
    }

    /// CPU time (user and system) the node has used so far, in seconds, from `/proc`; nil where
    /// there is no `/proc`. V1 divides it by the requests served: a figure that, unlike requests
    /// per second, hardly depends on what else the machine is doing.
    func cpuSeconds(node: Int = 0) -> Double? {
        guard let process = processes[node],
            let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After the command's name: state is field 3, utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Whether the process exists and is not yet a zombie.
    private static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// SIGTERM to every node, then waits for them to drain and exit.
    func stop() async {
        let running = processes.compactMap { $0 }.filter(\.isRunning)
        for process in running { kill(process.processIdentifier, SIGTERM) }
        while running.contains(where: \.isRunning) { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Polls until `condition` holds or `timeout` passes.
    /// Polls `condition` every `interval` until it holds or `timeout` passes. A benchmark whose
    /// result comes from stored timestamps polls slowly, so the polling does not load the store.
    func wait(timeout: Duration, every interval: Duration = .milliseconds(5), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: interval)
        }
        return false
    }
}

/// A database of its own on the PostgreSQL server a benchmark was given, dropped afterwards, so
/// that a benchmark never touches the data of the database named in the URL.
struct BenchDatabase {
    let url: String
    private let server: String
    private let name = "ticker_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()

    init(server: String) throws {
        self.server = server
        try Self.psql(server, "CREATE DATABASE \(name)")
        var components = URLComponents(string: server)!
        components.path = "/" + name
        url = components.string!
    }

    func drop() {
        try? Self.psql(server, "DROP DATABASE \(name) WITH (FORCE)")
    }

    private static func psql(_ url: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ChildRun.Failed(description: "psql could not run `\(sql)` on the given server (is psql installed, may the user create databases?)")
        }
    }
}
