import Benchmark
import Foundation
import TickerCore
import TickerStore

/// The store's hot path on SQLite: claim a batch of ready tasks and record their results, each
/// batch one transaction, as the worker pool does.
let benchmarks: @Sendable () -> Void = {
    // One iteration claims one batch and records its results; tasks/s = throughput x batch size.
    for batch in [1, 16, 64] {
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .throughput], maxDuration: .seconds(5), maxIterations: 10_000 / batch)
        Benchmark("claim+finish batch of \(batch)", configuration: configuration) { benchmark in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-claim-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let store = try DataDirectory(path: folder.path).openStore()
            let dag = DagDefinition(
                id: "noop", schedule: ScheduleSpec(rule: .interval(every: .seconds(1), anchor: nil)), overlap: .allow,
                maxActiveRuns: 100_000, pausedOnCreate: true, tasks: [TaskDefinition(id: "t", operatorName: "noop")])
            let now = Date()
            _ = try await store.syncDags([dag], deactivateOthers: true, now: now)
            _ = try await store.backfill(dagID: "noop", from: now.addingTimeInterval(-9_999.5), to: now, now: now)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let claims = try await store.claim(owner: "bench", limit: batch, lease: .seconds(15), now: Date())
                _ = try await store.finish(claims.map { AttemptResult(attemptID: $0.attemptID, end: .succeeded(output: nil)) }, now: Date())
            }
            benchmark.stopMeasurement()
        }
    }
}
