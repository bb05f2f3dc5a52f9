import Foundation
import Testing
import TickerCore

/// The CLI commands an operator uses day to day, against a real server and database.
@Suite("CLI commands (real ticker binary)", .serialized)
struct CLICommandTests {
    @Test("trigger, runs show, logs, dags show, backfill, pause and unpause")
    func dayToDay() async throws {
        let harness = try TickerHarness()
        try harness.writeDag("daily", """
            dag: daily
            schedule: {cron: "0 6 * * *", timezone: Europe/Berlin}
            tasks:
              say:
                operator: shell
                with: {command: "echo hello from $TICKER_DAG_ID; echo oops >&2"}
              after: {operator: noop, depends_on: [say]}
            """)
        try harness.startServer()
        let store = try harness.store()
        let trigger = try await harness.cli("trigger", "daily", "--conf", "{\"k\": 1}", "--json")
        #expect(trigger.status == 0, "\(trigger.stderr)")
        let runID = try #require((try JSONSerialization.jsonObject(with: Data(trigger.stdout.utf8)) as? [String: Any])?["id"] as? Int)
        try await harness.waitUntil("the run succeeds") { try await store.run(Int64(runID))?.run.state == .succeeded }

        let show = try await harness.cli("runs", "show", "\(runID)")
        #expect(show.stdout.contains("run \(runID) of daily: succeeded"))
        #expect(show.stdout.contains("say") && show.stdout.contains("after"))
        let logs = try await harness.cli("logs", "\(runID)", "say")
        #expect(logs.stdout.contains("hello from daily\n"), "\(logs.stdout)")
        #expect(logs.stdout.contains("oops\n"))
        let badTask = try await harness.cli("logs", "\(runID)", "nope")
        #expect(badTask.status != 0 && badTask.stderr.contains("has no task 'nope'"))

        let dag = try await harness.cli("dags", "show", "daily")
        #expect(dag.stdout.contains("cron 0 6 * * * Europe/Berlin"))
        #expect(dag.stdout.contains("next slots: "))

        let backfill = try await harness.cli("backfill", "daily", "--from", "2026-01-01", "--to", "2026-01-03T12:00:00Z", "--json")
        #expect(backfill.status == 0, "\(backfill.stderr)")
        let slots = (try JSONSerialization.jsonObject(with: Data(backfill.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["slot"] as? String }
        #expect(slots == ["2026-01-01T05:00:00Z", "2026-01-02T05:00:00Z", "2026-01-03T05:00:00Z"])
        try await harness.waitUntil("the backfilled runs succeed") {
            try await store.allRuns("daily").filter { $0.kind == .backfill && $0.state == .succeeded }.count == 3
        }
        let again = try await harness.cli("backfill", "daily", "--from", "2026-01-01", "--to", "2026-01-03T12:00:00Z")
        #expect(again.stdout.contains("0 run(s) created"))

        #expect(try await harness.cli("pause", "daily").stdout == "daily paused\n")
        #expect(try await store.dag("daily")?.paused == true)
        let unpause = try await harness.cli("unpause", "daily")
        #expect(unpause.stdout.hasPrefix("daily unpaused; next slot "))
        try await harness.stopServer()
    }
}
