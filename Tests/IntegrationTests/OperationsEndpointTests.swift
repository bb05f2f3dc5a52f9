import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `/healthz`, `/readyz` and `/metrics` of a real `ticker serve`.
@Suite("operations endpoints (real ticker binary)", .serialized)
struct OperationsEndpointTests {
    func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("alive, ready once the scheduler passes, metrics in Prometheus text")
    func probesAndMetrics() async throws {
        let harness = try TickerHarness()
        try harness.writeDag("tick", """
            dag: tick
            schedule: {every: 1s}
            tasks:
              first: {operator: noop}
              second: {operator: noop, depends_on: first}
            """)
        try harness.startServer()
        let base = try await harness.httpAddress()
        let health = try await get(base + "/healthz")
        #expect(health.status == 200 && health.body == "ok\n")
        try await harness.waitUntil("the server is ready") { try await get(base + "/readyz").status == 200 }
        let ready = try await get(base + "/readyz")
        #expect(ready.body.contains("database: ok") && ready.body.contains("isin database: ok") && ready.body.contains("scheduler: ok"), "\(ready.body)")
        var metrics = ""
        try await harness.waitUntil("the ISIN deadline gauge is exported") {
            metrics = try await get(base + "/metrics").body
            return metrics.contains("ticker_isin_snapshot_age_seconds")
        }
        #expect(metrics.contains("# TYPE ticker_isin_snapshot_deadline_missed gauge"), "\(metrics)")
        try await harness.waitUntil("the engine's metrics are exported") {
            metrics = try await get(base + "/metrics").body
            return metrics.contains("ticker_attempts_total{state=\"succeeded\"}") && metrics.contains("ticker_tick_lateness_seconds_count")
                && metrics.contains("ticker_runs_ended_total{state=\"succeeded\"}")
        }
        #expect(metrics.contains("ticker_slots_total{decision=\"started\"}"), "\(metrics)")
        #expect(metrics.contains("ticker_attempt_duration_seconds_bucket"), "\(metrics)")
        #expect(metrics.contains("# TYPE ticker_queue_depth gauge"), "\(metrics)")
        #expect(metrics.contains("ticker_attempts_running"), "\(metrics)")
        #expect(metrics.contains("http_server_request_duration_bucket{http_route=\"/readyz\""), "\(metrics)")
        let missing = try await get(base + "/nope")
        #expect(missing.status == 404)
        _ = try await harness.stopServer()
    }
}
