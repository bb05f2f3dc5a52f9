import Foundation
import Testing
import TickerCore

/// The built-in ISIN DAG run by a real `ticker serve`, and the `ticker isin` commands on what it
/// published.
@Suite("ISIN DAG and commands (real ticker binary)", .serialized)
struct ISINCommandTests {
    static let repoDags = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("dags")

    /// The shipped DAG file, reading `source` instead of the sample list.
    func installDag(_ harness: TickerHarness, source: URL) throws {
        let yaml = try String(contentsOf: Self.repoDags.appendingPathComponent("isin_daily.yaml"), encoding: .utf8)
        let local = yaml.replacingOccurrences(of: "source: dags/isin_sample.csv", with: "source: \(source.path)")
        #expect(local != yaml, "the shipped DAG no longer names the sample list")
        try harness.writeDag("isin_daily", local)
    }

    static let stores = PostgresTestDatabase.available ? ["sqlite", "postgres"] : ["sqlite"]

    @Test("sync, show, search, snapshots, diff, export, import", arguments: stores)
    func pipelineEndToEnd(_ store: String) async throws {
        let harness = try TickerHarness()
        let database = store == "postgres" ? try PostgresTestDatabase() : nil
        defer { database?.drop() }
        if let database { harness.settings["TICKER_DB"] = database.url }
        let list = harness.root.appendingPathComponent("isins.csv")
        try FileManager.default.copyItem(at: Self.repoDags.appendingPathComponent("isin_sample.csv"), to: list)
        try installDag(harness, source: list)
        try harness.startServer()
        // On a shared database the server's folder defines the DAGs (CLI commands do not sync
        // theirs): wait until it has.
        try await harness.waitUntil("the server synced its DAG folder") { try await harness.cli("dags", "list").stdout.contains("isin_daily") }

        let first = try await harness.cli("isin", "sync")
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("publish: succeeded"), "\(first.stdout)")
        let show = try await harness.cli("isin", "show", "us0378331005")
        #expect(show.status == 0 && show.stdout.contains("US0378331005  Apple Inc."), "\(show.stdout)\(show.stderr)")
        #expect(show.stdout.contains("first seen in snapshot #1"))

        // Unchanged: the run succeeds and publishes nothing.
        let again = try await harness.cli("isin", "sync")
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        // A rename and a new listing.
        var text = try String(contentsOf: list, encoding: .utf8)
        text = text.replacingOccurrences(of: "Apple Inc.,", with: "Apple Incorporated,") + "NL0000235190,Airbus SE,ESVUFR,EUR,\n"
        try text.write(to: list, atomically: true, encoding: .utf8)
        let second = try await harness.cli("isin", "sync")
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")

        let snapshots = try await harness.cli("isin", "snapshots", "--json")
        let list2 = try JSONSerialization.jsonObject(with: Data(snapshots.stdout.utf8)) as? [[String: Any]]
        #expect(list2?.map { $0["id"] as? Int } == [2, 1], "\(snapshots.stdout)")
        let diff = try await harness.cli("isin", "diff")
        #expect(diff.stdout.contains("+ NL0000235190  Airbus SE"), "\(diff.stdout)")
        #expect(diff.stdout.contains("~ US0378331005  name: \"Apple Inc.\" → \"Apple Incorporated\""), "\(diff.stdout)")
        let history = try await harness.cli("isin", "show", "US0378331005")
        #expect(history.stdout.contains("name: \"Apple Inc.\" → \"Apple Incorporated\""), "\(history.stdout)")
        let search = try await harness.cli("isin", "search", "airb")
        #expect(search.stdout.contains("NL0000235190"), "\(search.stdout)")
        let export = try await harness.cli("isin", "export", "--snapshot", "1", "--format", "csv")
        #expect(export.stdout.hasPrefix("isin,name,cfi,currency,issuer_lei\n"))
        #expect(export.stdout.contains("US0378331005,Apple Inc.,") && !export.stdout.contains("Airbus"))
        let jsonl = try await harness.cli("isin", "export", "--format", "jsonl")
        #expect(jsonl.stdout.split(separator: "\n").count == 18)

        // A one-off import that would drop most of the list is refused and changes nothing.
        let small = harness.root.appendingPathComponent("small.csv")
        try "ISIN\nUS0378331005\n".write(to: small, atomically: true, encoding: .utf8)
        let refused = try await harness.cli("isin", "import", small.path)
        #expect(refused.status == 1 && refused.stderr.contains("stays current"), "\(refused.stderr)")
        let unknown = try await harness.cli("isin", "show", "US0378331004")
        #expect(unknown.status == 2 && unknown.stderr.contains("check digit"), "\(unknown.stderr)")
        _ = try await harness.stopServer()

        // On PostgreSQL the snapshots are shared: another node, with a data directory of its own,
        // serves the same list.
        if let database {
            let other = try TickerHarness()
            other.settings["TICKER_DB"] = database.url
            let elsewhere = try await other.cli("isin", "show", "US0378331005")
            #expect(elsewhere.status == 0 && elsewhere.stdout.contains("Apple Incorporated"), "\(elsewhere.stdout)\(elsewhere.stderr)")
        }
    }

    @Test("a failed download fails the run, says why in its log, and keeps the snapshot")
    func failedDownload() async throws {
        let harness = try TickerHarness()
        try installDag(harness, source: harness.root.appendingPathComponent("missing.csv"))
        let yaml = try String(contentsOf: harness.dagsDir.appendingPathComponent("isin_daily.yaml"), encoding: .utf8)
        // No retries, so the run ends at once.
        try harness.writeDag("isin_daily", yaml.replacingOccurrences(of: "retries: 3", with: "retries: 0"))
        try harness.startServer()
        let sync = try await harness.cli("isin", "sync")
        #expect(sync.status == 1, "\(sync.stdout)\(sync.stderr)")
        #expect(sync.stdout.contains("download: failed"), "\(sync.stdout)")
        #expect(sync.stdout.contains("missing.csv"), "\(sync.stdout)")
        #expect(sync.stdout.contains("report: succeeded"), "\(sync.stdout)")
        _ = try await harness.stopServer()
    }
}
