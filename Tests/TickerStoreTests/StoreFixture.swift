import Foundation
import TickerCore
import TickerStore

/// A fresh SQLite store in a temporary folder, removed afterwards.
func withSQLiteStore<T>(_ body: (SQLiteStore) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-store-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try DataDirectory(path: folder.path).openStore()
    return try await body(store)
}

/// Fixed instants on a minute boundary, so interval schedules fire exactly at them.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

func minutes(_ n: Double) -> Date { t0.addingTimeInterval(n * 60) }

func everyMinute(
    _ id: String = "m", misfire: MisfirePolicy = .latestOnce, overlap: OverlapPolicy = .skip, maxActive: Int = 1,
    runTimeout: Duration? = nil, tasks: [TaskDefinition]? = nil
) -> DagDefinition {
    DagDefinition(
        id: id, schedule: ScheduleSpec(rule: .interval(every: .seconds(60), anchor: nil)), misfire: misfire,
        misfireGrace: .seconds(30), overlap: overlap, maxActiveRuns: maxActive, runTimeout: runTimeout,
        tasks: tasks ?? [TaskDefinition(id: "t", operatorName: "noop")])
}
