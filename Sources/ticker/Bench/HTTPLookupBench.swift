import Foundation
import TickerCore

/// H1: `GET /api/v1/isins/{isin}` under load from wrk on 127.0.0.1, through the whole stack an
/// operator runs (router, middlewares, generated OpenAPI server, SQLite), in public ISIN mode.
///
/// The server holds a snapshot of `rows` instruments; wrk cycles through `distinct` of them in a
/// shuffled order, so the figure is not that of one hot row. wrk shares the machine's cores with
/// the server, as it would on a 2-core host; figures are the median of `repeats` runs.
struct HTTPLookupBench {
    let rows: Int
    let connections: Int
    let seconds: Int
    let repeats: Int
    var distinct = 1000

    struct Result: Encodable {
        var rows: Int
        var connections: Int
        var threads: Int
        var secondsPerRun: Int
        var runs: [WrkRun]
        var requestsPerSecond: Double
        var p50Ms: Double
        var p99Ms: Double
    }

    struct WrkRun: Encodable {
        var requestsPerSecond: Double
        var p50Ms: Double
        var p99Ms: Double
        var errors: Int
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    func run() async throws -> Result {
        let server = try BenchServer(workers: 4)
        let list = server.root.appendingPathComponent("list.csv")
        try ISINImportBench.writeList(to: list, rows: rows, variant: 0)
        _ = try ChildRun.measure(["isin", "import", list.path, "--data-dir", server.data.path, "--column", "name=Name", "--column", "currency=Currency"])
        let script = server.root.appendingPathComponent("lookup.lua")
        try luaScript().write(to: script, atomically: true, encoding: .utf8)
        try server.start(arguments: ["--log-level", "info"], environment: ["TICKER_API_PUBLIC_ISINS": "true"])
        defer { server.kill9() }
        let base = try await address(of: server)
        _ = try wrk(base, script: script, seconds: 3)  // warm-up, not counted
        var runs: [WrkRun] = []
        for _ in 0..<repeats { runs.append(try wrk(base, script: script, seconds: seconds)) }
        await server.stop()
        if let bad = runs.first(where: { $0.errors > 0 }) { throw Failed(description: "wrk saw \(bad.errors) errors or non-2xx responses") }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        return Result(
            rows: rows, connections: connections, threads: 2, secondsPerRun: seconds, runs: runs,
            requestsPerSecond: median(runs.map(\.requestsPerSecond)), p50Ms: median(runs.map(\.p50Ms)),
            p99Ms: median(runs.map(\.p99Ms)))
    }

    /// A Lua script for wrk that requests the ISINs in a fixed shuffled order.
    private func luaScript() -> String {
        var generator = SeededGenerator(seed: 6166)
        let step = max(1, rows / distinct)
        let isins = stride(from: 0, to: rows, by: step).prefix(distinct).map { ISINImportBench.isin($0) }.shuffled(using: &generator)
        return """
            local isins = {\(isins.map { "\"\($0)\"" }.joined(separator: ","))}
            local i = 0
            request = function()
              i = i % #isins + 1
              return wrk.format("GET", "/api/v1/isins/" .. isins[i])
            end
            """
    }

    private func address(of server: BenchServer) async throws -> String {
        var found: String?
        _ = try await server.wait(timeout: .seconds(60)) {
            found = try server.log().split(separator: "\n").lazy.compactMap(Self.listeningAddress).first
            return found != nil
        }
        guard let found else { throw Failed(description: "the server did not report its address: \(try server.log())") }
        return found
    }

    /// `address=http://127.0.0.1:PORT` from the server's "http listening" line.
    static func listeningAddress(_ line: Substring) -> String? {
        guard line.contains("http listening"), let range = line.range(of: "address=") else { return nil }
        return String(line[range.upperBound...].prefix { !$0.isWhitespace })
    }

    private func wrk(_ base: String, script: URL, seconds: Int) throws -> WrkRun {
        try Self.wrk(base, script: script, threads: 2, connections: connections, seconds: seconds)
    }

    /// Runs wrk with `--latency` and a Lua script against `base`.
    static func wrk(_ base: String, script: URL, threads: Int, connections: Int, seconds: Int) throws -> WrkRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["wrk", "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", script.path, base]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { throw Failed(description: "cannot run wrk: \(error)") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // `env` answers 127 when it finds no `wrk` on the PATH.
        if process.terminationStatus == 127 {
            throw Failed(description: "wrk is not installed: apt-get install wrk (scripts/bench installs it)")
        }
        guard process.terminationStatus == 0, let parsed = parseWrk(output) else {
            throw Failed(description: "wrk failed (status \(process.terminationStatus)):\n\(output)")
        }
        return parsed
    }

    /// Reads `Requests/sec`, the 50% and 99% lines of `--latency`, and any errors.
    static func parseWrk(_ output: String) -> WrkRun? {
        var rate: Double?, p50: Double?, p99: Double?
        var errors = 0
        for line in output.split(separator: "\n") {
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard let first = fields.first else { continue }
            switch first {
            case "Requests/sec:": rate = fields.count > 1 ? Double(fields[1]) : nil
            case "50%": p50 = fields.count > 1 ? milliseconds(fields[1]) : nil
            case "99%": p99 = fields.count > 1 ? milliseconds(fields[1]) : nil
            case "Non-2xx": errors += Int(fields.last ?? "") ?? 1
            case "Socket": errors += fields.compactMap { Int($0.filter(\.isNumber)) }.reduce(0, +)
            default: break
            }
        }
        guard let rate, let p50, let p99 else { return nil }
        return WrkRun(requestsPerSecond: rate, p50Ms: p50, p99Ms: p99, errors: errors)
    }

    /// wrk prints `812.00us`, `2.02ms` or `1.10s`.
    static func milliseconds(_ text: Substring) -> Double? {
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}
