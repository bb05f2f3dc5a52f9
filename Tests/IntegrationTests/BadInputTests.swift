import Foundation
import Testing

/// Bad input gets a clear error naming what and where, and changes nothing.
@Suite("Bad input (real ticker binary)", .serialized)
struct BadInputTests {
    @Test("a malformed DAG file is reported with file and line; the server still serves the good ones")
    func malformedDagFile() async throws {
        let harness = try TickerHarness()
        try harness.writeDag("good", "dag: good\ntasks:\n  t: {operator: noop}\n")
        try harness.writeDag("bad", "dag: bad\ntasks:\n  a:\n    operator: noop\n    depends_on: [b]\n  b:\n    operator: noop\n    depends_on: [a]\n    retrys: 3\n")
        let validate = try await harness.cli("dags", "validate", harness.dagsDir.path)
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("bad.yaml:9"), "\(validate.stdout)")
        #expect(validate.stdout.contains("retrys"))
        #expect(validate.stdout.contains("a -> b -> a") || validate.stdout.contains("b -> a -> b"), "\(validate.stdout)")
        try harness.startServer()
        let store = try harness.store()
        try await harness.waitUntil("the good DAG is registered") { try await store.dag("good") != nil }
        #expect(try await store.dag("bad") == nil)
        let triggered = try await harness.cli("trigger", "good")
        #expect(triggered.status == 0)
        try await harness.waitUntil("the good run succeeds") { try await store.allRuns("good").first?.state == .succeeded }
        try await harness.stopServer()
        #expect(harness.serverOutput.contains("bad.yaml"))
    }

    @Test("a corrupted database: serve exits with a clear message and leaves the file as it was")
    func corruptedDatabase() async throws {
        let harness = try TickerHarness()
        try FileManager.default.createDirectory(at: harness.dataDir, withIntermediateDirectories: true)
        let path = harness.dataDir.appendingPathComponent("ticker.sqlite")
        let garbage = Data(repeating: 0x5A, count: 16_384)
        try garbage.write(to: path)
        let result = try await harness.cli("serve")
        #expect(result.status != 0)
        #expect(result.stderr.contains("not a Ticker database or is corrupted"), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(try Data(contentsOf: path) == garbage)
    }

    @Test("a data directory that cannot be created is named in the error")
    func unusableDataDirectory() async throws {
        let harness = try TickerHarness()
        let file = harness.root.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let result = try await harness.cli("serve", "--data-dir", file.appendingPathComponent("data").path)
        #expect(result.status != 0)
        #expect(result.stderr.contains(file.path), "\(result.stderr)")
    }

    @Test("a second server on the same data directory is refused")
    func secondServer() async throws {
        let harness = try TickerHarness()
        try harness.startServer()
        let store = try harness.store()
        _ = store
        try await Task.sleep(for: .seconds(1))
        let second = try await harness.cli("serve")
        #expect(second.status != 0)
        #expect(second.stderr.contains("already using"), "\(second.stderr)")
        try await harness.stopServer()
    }

    @Test("bad CLI input: unknown DAG, bad --conf, bad cron")
    func cliErrors() async throws {
        let harness = try TickerHarness()
        let unknown = try await harness.cli("trigger", "nope")
        #expect(unknown.status != 0 && unknown.stderr.contains("no DAG named 'nope'"))
        let conf = try await harness.cli("trigger", "nope", "--conf", "{not json")
        #expect(conf.status != 0 && conf.stderr.contains("--conf is not valid JSON"))
        let cron = try await harness.cli("next", "0 25 * * *")
        #expect(cron.status != 0 && cron.stderr.contains("hour"), "\(cron.stderr)")
        let usage = try await harness.cli("isin", "validate", "--no-such-flag")
        #expect(usage.status == 2, "usage errors exit 2: \(usage.status) \(usage.stderr)")
        let missing = try await harness.cli("isin", "validate", "no-such-file.txt")
        #expect(missing.status == 2 && missing.stderr.contains("no-such-file.txt"))
        let never = try await harness.cli("next", "0 0 31 2 *")
        #expect(never.status != 0 && never.stderr.contains("never fires"), "\(never.stderr)")
    }
}

@Suite("CLI output (real ticker binary)")
struct CLIOutputTests {
    @Test("ticker next prints ISO 8601 times with offsets, across a DST change")
    func next() async throws {
        let harness = try TickerHarness()
        let text = try await harness.cli("next", "30 2 * * *", "--tz", "Europe/Berlin", "--after", "2026-03-28T00:00:00Z", "--count", "3")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout == "2026-03-28T02:30:00+01:00\n2026-03-29T03:00:00+02:00\n2026-03-30T02:30:00+02:00\n")
        let json = try await harness.cli("next", "@daily", "--after", "2026-01-01T00:00:00Z", "--count", "2", "--json")
        let decoded = try JSONDecoder().decode([String].self, from: Data(json.stdout.utf8))
        #expect(decoded == ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"] || decoded == ["2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00"])
    }

    @Test("listing commands print JSON with --json, and why explains a skipped slot")
    func jsonListings() async throws {
        let harness = try TickerHarness()
        try harness.writeDag("j", """
            dag: j
            schedule: {every: 1s}
            tasks:
              t: {operator: shell, with: {command: "sleep 1.5"}}
            """)
        try harness.startServer()
        let store = try harness.store()
        try await harness.waitUntil("a slot was skipped for overlap") {
            try await store.allRuns("j").contains { $0.state == .skippedOverlap }
        }
        try await harness.stopServer()
        let dags = try await harness.cli("dags", "list", "--json")
        let list = try JSONSerialization.jsonObject(with: Data(dags.stdout.utf8)) as? [[String: Any]]
        #expect(list?.first?["id"] as? String == "j")
        let runs = try await harness.cli("runs", "list", "--dag", "j", "--json")
        let runList = try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [[String: Any]]
        #expect((runList?.count ?? 0) >= 2)
        let skipped = try #require(try await store.allRuns("j").first { $0.state == .skippedOverlap })
        let why = try await harness.cli("why", "j", "--at", skipped.slotAt.formatted(.iso8601), "--json")
        let explanation = try JSONSerialization.jsonObject(with: Data(why.stdout.utf8)) as? [String: Any]
        #expect(explanation?["state"] as? String == "skipped_overlap", "\(why.stdout) \(why.stderr)")
        #expect((explanation?["reasons"] as? [String])?.first?.contains("another run was active") == true)
    }
}
