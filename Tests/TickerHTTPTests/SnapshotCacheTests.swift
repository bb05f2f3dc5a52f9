import Foundation
import Hummingbird
import Testing
import TickerStore

@testable import TickerHTTP

@Suite("Snapshot cache and ISIN look-up replay")
struct SnapshotCacheTests {
    @Test("values last until a newer snapshot is published")
    func invalidatedByPublish() async throws {
        try await withStore { store in
            let cache = SnapshotCache<String>(store: store, capacity: 2, recheck: .zero)
            #expect(try await cache.currentSnapshot() == nil)
            cache.store("before any snapshot", for: "k", snapshot: nil)
            #expect(try await cache.value(for: "k") == "before any snapshot")
            try await publish(store, name: "Apple Inc.", key: "first")
            #expect(try await cache.value(for: "k") == nil)
            let first = try await cache.currentSnapshot()
            cache.store("one", for: "k", snapshot: first)
            #expect(try await cache.value(for: "k") == "one")
            try await publish(store, name: "Apple", key: "second")
            cache.store("stale", for: "j", snapshot: first)
            #expect(try await cache.value(for: "k") == nil)
            #expect(try await cache.value(for: "j") == nil, "a value computed under an older snapshot is dropped")
        }
    }

    @Test("full, the cache starts over; within recheck the known snapshot is trusted")
    func capacityAndRecheck() async throws {
        try await withStore { store in
            let cache = SnapshotCache<Int>(store: store, capacity: 2, recheck: .seconds(3600))
            let snapshot = try await cache.currentSnapshot()
            for (i, key) in ["a", "b", "c"].enumerated() { cache.store(i, for: key, snapshot: snapshot) }
            #expect(try await cache.value(for: "a") == nil)
            #expect(try await cache.value(for: "c") == 2)
            try await publish(store, name: "Apple", key: "first")
            #expect(try await cache.value(for: "c") == 2, "lags a publish by at most `recheck`")
        }
    }

    @Test("only paths shaped like an ISIN look-up are replayed")
    func paths() {
        typealias Replay = ISINLookupReplay<BasicRequestContext>
        #expect(Replay.isin(in: "/api/v1/isins/US0378331005") == "US0378331005")
        for path in ["/api/v1/isins/buckets", "/api/v1/isins/us0378331005", "/api/v1/isins/US0378331005/x", "/api/v1/isins/", "/api/v1/isinsUS0378331005"] {
            #expect(Replay.isin(in: path) == nil, "\(path)")
        }
    }

    @Test("only requests that accept JSON are replayed, and only JSON bodies take a fast lane")
    func accept() {
        for header in [nil, "*/*", "application/json", "text/html, application/json;q=0.5", "application/*"] {
            #expect(JSONNegotiation.acceptsJSON(header), "\(header ?? "none")")
        }
        for header in ["text/html", "application/json;q=0", "application/problem+json"] {
            #expect(!JSONNegotiation.acceptsJSON(header), "\(header)")
        }
        for header in ["application/json", "Application/JSON", "application/json; charset=utf-8", "application/json;charset=UTF-8"] {
            #expect(JSONNegotiation.isJSON(header), "\(header)")
        }
        for header in [nil, "text/plain", "application/json; charset=latin1", "application/json-seq", "application/problem+json"] {
            #expect(!JSONNegotiation.isJSON(header), "\(header ?? "none")")
        }
    }

    private func withStore(_ body: (any ISINStore) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(try DataDirectory(path: folder.path).openISINStore())
    }

    private func publish(_ store: any ISINStore, name: String, key: String) async throws {
        let now = Date()
        let info = StageInfo(key: key, source: "test", format: "csv", fetchedAt: now, sha256: key, bytes: 1)
        let stage = try await store.beginStage(info, now: now)
        let attributes = InstrumentAttributes(name: name, cfi: nil, currency: "USD", issuerLEI: nil)
        let apple = Instrument(isin: "US0378331005", attributes: attributes)
        _ = try await store.appendToStage(stage, rows: [StagedRow(line: 2, instrument: apple)])
        try await store.finishStage(stage, counts: StageCounts(valid: 1, invalid: 0, duplicate: 0), problems: [])
        _ = try await store.publish(stage, policy: .default, now: now)
    }
}
