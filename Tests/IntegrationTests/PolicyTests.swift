import Foundation
import Testing
import TickerCore
import TickerStore

/// Misfire and overlap policies, observed through the real server and read back from the database.
@Suite("Misfire and overlap policies (real ticker serve)", .serialized)
struct PolicyTests {
    static func everySecond(_ id: String, misfire: String, extra: String = "") -> String {
        """
        dag: \(id)
        schedule: {every: 1s}
        misfire: \(misfire)
        misfire_grace: 1s
        overlap: buffer_all
        \(extra)
        tasks:
          t: {operator: noop}
        """
    }

    @Test("downtime across several slots: skip, latest_once and all (capped) each do what they say")
    func misfire() async throws {
        let harness = try TickerHarness()
        try harness.writeDag("m_skip", Self.everySecond("m_skip", misfire: "skip"))
        try harness.writeDag("m_latest", Self.everySecond("m_latest", misfire: "latest_once"))
        try harness.writeDag("m_all", Self.everySecond("m_all", misfire: "all", extra: "misfire_cap: 3"))
        try harness.startServer()
        let store = try harness.store()
        try await harness.waitUntil("slots are running") { try await store.allRuns("m_all").count >= 2 }
        harness.killServer()
        try await Task.sleep(for: .seconds(6))
        try harness.startServer()
        try await Task.sleep(for: .seconds(2))
        try await harness.stopServer()

        for id in ["m_skip", "m_latest", "m_all"] {
            let runs = try await store.allRuns(id)
            let next = try #require(try await store.dag(id)?.nextSlotAt)
            let slots = runs.map { Int64($0.slotAt.timeIntervalSince1970) }
            #expect(slots == Array(slots[0]..<Int64(next.timeIntervalSince1970)), "\(id): lost or doubled slots")
            let missed = runs.filter { $0.createdAt.timeIntervalSince($0.slotAt) > 1.0 }
            let ranMissed = missed.filter { $0.state != .skippedMisfire }
            #expect(missed.count >= 4, "\(id): downtime should have missed several slots")
            #expect(runs.filter { $0.state != .skippedMisfire }.allSatisfy { $0.state == .succeeded })
            switch id {
            case "m_skip": #expect(ranMissed.isEmpty)
            case "m_latest": #expect(ranMissed.count <= 1)
            default:
                #expect(ranMissed.count == 3)
                #expect(ranMissed.map(\.slotAt) == Array(missed.map(\.slotAt).suffix(3)), "all: the newest missed slots run")
            }
            for run in missed where run.state == .skippedMisfire {
                #expect(run.reason?.contains("missed by") == true)
            }
        }
    }

    static func overlapping(_ id: String, policy: String, extra: String = "") -> String {
        """
        dag: \(id)
        schedule: {every: 1s}
        overlap: \(policy)
        \(extra)
        tasks:
          t: {operator: shell, with: {command: "sleep 2.5"}}
        """
    }

    @Test("each overlap policy, with runs that last longer than the interval")
    func overlap() async throws {
        let harness = try TickerHarness()
        try harness.writeDag("o_skip", Self.overlapping("o_skip", policy: "skip"))
        try harness.writeDag("o_one", Self.overlapping("o_one", policy: "buffer_one"))
        try harness.writeDag("o_all", Self.overlapping("o_all", policy: "buffer_all"))
        try harness.writeDag("o_cancel", Self.overlapping("o_cancel", policy: "cancel_other"))
        try harness.writeDag("o_allow", Self.overlapping("o_allow", policy: "allow", extra: "max_active_runs: 3"))
        try harness.startServer()
        let store = try harness.store()
        try await Task.sleep(for: .seconds(7))
        for id in ["o_skip", "o_one", "o_all", "o_cancel", "o_allow"] { _ = try await harness.cli("pause", id) }
        try await harness.waitUntil("active runs finish") {
            var active = 0
            for id in ["o_skip", "o_one", "o_allow"] {
                active += try await store.allRuns(id).filter { $0.state == .running || $0.state == .queued }.count
            }
            return active == 0
        }
        try await harness.stopServer()

        func states(_ id: String) async throws -> [RunState] { try await store.allRuns(id).map(\.state) }
        func maxConcurrent(_ id: String) async throws -> Int {
            let runs = try await store.allRuns(id).filter { $0.startedAt != nil }
            return runs.map { run in
                runs.filter { other in
                    other.startedAt! <= run.startedAt! && (other.endedAt ?? .distantFuture) > run.startedAt!
                }.count
            }.max() ?? 0
        }
        let skip = try await states("o_skip")
        #expect(skip.contains(.skippedOverlap) && skip.contains(.succeeded))
        #expect(try await maxConcurrent("o_skip") == 1)

        let one = try await states("o_one")
        #expect(one.contains(.skippedOverlap))
        #expect(try await maxConcurrent("o_one") == 1)

        let all = try await states("o_all")
        #expect(!all.contains(.skippedOverlap))
        #expect(all.contains(.queued) || all.count >= 3, "buffer_all keeps every slot")
        #expect(try await maxConcurrent("o_all") == 1)

        let cancel = try await states("o_cancel")
        #expect(cancel.contains(.cancelled))
        #expect(!cancel.contains(.skippedOverlap))

        let allow = try await states("o_allow")
        #expect(!allow.contains(.skippedOverlap))
        let allowConcurrency = try await maxConcurrent("o_allow")
        #expect(allowConcurrency >= 2 && allowConcurrency <= 3)
    }
}
