import Foundation
import Testing

@Suite("Configuration precedence (real ticker binary)")
struct ConfigurationTests {
    @Test("flags beat TICKER_* environment variables, which beat the config file, which beats defaults")
    func precedence() async throws {
        let harness = try TickerHarness()
        try "data:\n  dir: from-file\n".write(to: harness.root.appendingPathComponent("ticker.yaml"), atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["TICKER_DATA_DIR"] = nil
        env["TICKER_DAGS"] = nil
        func database(_ dir: String) -> Bool {
            FileManager.default.fileExists(atPath: harness.root.appendingPathComponent("\(dir)/ticker.sqlite").path)
        }
        #expect(try await harness.cli(["dags", "list"], environment: env).status == 0)
        #expect(database("from-file"))
        env["TICKER_DATA_DIR"] = "from-env"
        #expect(try await harness.cli(["dags", "list"], environment: env).status == 0)
        #expect(database("from-env"))
        #expect(try await harness.cli(["dags", "list", "--data-dir", "from-flag"], environment: env).status == 0)
        #expect(database("from-flag"))
        try FileManager.default.removeItem(at: harness.root.appendingPathComponent("ticker.yaml"))
        env["TICKER_DATA_DIR"] = nil
        #expect(try await harness.cli(["dags", "list"], environment: env).status == 0)
        #expect(database(".ticker"))
    }

    @Test("a lease too short for its heartbeat is refused before anything starts, and says why")
    func leaseShorterThanTwoHeartbeats() async throws {
        let harness = try TickerHarness()
        var env = harness.environment
        env["TICKER_HEARTBEAT_SECONDS"] = "5"
        let result = try await harness.cli(["serve", "--lease-seconds", "10", "--port", "0"], environment: env)
        #expect(result.status != 0)
        #expect(result.stderr.contains("lease (10 s) must be more than twice the heartbeat (5 s"), "\(result.stderr)")
    }

    @Test("an unreadable --config file is an error that names it")
    func badConfigFile() async throws {
        let harness = try TickerHarness()
        let result = try await harness.cli("dags", "list", "--config", "missing.yaml")
        #expect(result.status != 0)
        #expect(result.stderr.contains("missing.yaml"), "\(result.stderr)")
    }
}

@Suite("DAG folder sync from CLI commands")
struct CLISyncTests {
    @Test("a CLI command adds DAGs from the folder but never deactivates one (only the server does)")
    func cliDoesNotDeactivate() async throws {
        let harness = try TickerHarness()
        try harness.writeDag("kept", "dag: kept\ntasks:\n  t: {operator: noop}\n")
        #expect(try await harness.cli("dags", "list").status == 0)
        try FileManager.default.removeItem(at: harness.dagsDir.appendingPathComponent("kept.yaml"))
        #expect(try await harness.cli("dags", "list").status == 0)
        #expect(try await harness.store().dag("kept")?.active == true)
    }
}
