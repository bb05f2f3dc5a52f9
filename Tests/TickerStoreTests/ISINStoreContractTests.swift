import Foundation
import Testing
import TickerStore

/// A fresh ISIN store of `kind`, removed afterwards. The contract below is what every
/// implementation must satisfy, and both run it unchanged.
func withISINStore<T: Sendable>(_ kind: StoreKind, _ body: (any ISINStore) async throws -> T) async throws -> T {
    switch kind {
    case .postgres:
        return try await withPostgresStore { try await body($0) }
    case .sqlite:
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-isin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(try DataDirectory(path: folder.path).openISINStore())
    }
}

private func instrument(_ isin: String, _ name: String?, currency: String? = "EUR") -> Instrument {
    Instrument(isin: isin, attributes: InstrumentAttributes(name: name, cfi: "ESVUFR", currency: currency, issuerLEI: nil))
}

/// Stages `instruments` under a new key and publishes them.
@discardableResult
private func publish(
    _ store: any ISINStore, _ instruments: [Instrument], at minute: Double, policy: PublishPolicy = .default
) async throws -> SnapshotRecord {
    let stage = try await stageList(store, instruments, at: minute)
    return try await store.publish(stage, policy: policy, now: t0.addingTimeInterval(minute * 60 + 1))
}

private func stageList(_ store: any ISINStore, _ instruments: [Instrument], at minute: Double) async throws -> StageID {
    let at = t0.addingTimeInterval(minute * 60)
    let info = StageInfo(key: "run-\(minute)", source: "https://example.test/isins.csv", format: "csv", fetchedAt: at, sha256: "abc", bytes: 100)
    let stage = try await store.beginStage(info, now: at)
    let rows = instruments.enumerated().map { StagedRow(line: $0.offset + 2, instrument: $0.element) }
    let duplicates = try await store.appendToStage(stage, rows: rows)
    try await store.finishStage(stage, counts: StageCounts(valid: rows.count - duplicates.count, invalid: 1, duplicate: duplicates.count),
                                problems: [RowProblem(line: 9, input: "XX", reason: "too short")])
    return stage
}

private let apple = "US0378331005", sap = "DE0007164600", nestle = "CH0038863350", bmw = "DE0005190003"

@Suite("ISIN store: staging and publishing")
struct ISINPublishTests {
    @Test(arguments: StoreKind.available) func firstPublishAddsEverything(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            let snapshot = try await publish(store, [instrument(apple, "Apple Inc."), instrument(sap, "SAP SE")], at: 0)
            #expect(snapshot.id == 1)
            #expect(snapshot.counts == StageCounts(valid: 2, invalid: 1, duplicate: 0))
            #expect((snapshot.added, snapshot.removed, snapshot.changed) == (2, 0, 0))
            #expect(snapshot.problems == [RowProblem(line: 9, input: "XX", reason: "too short")])
            #expect(try await store.currentSnapshot()?.id == 1)
            #expect(try await store.instruments(snapshot: 1, after: nil, limit: 10).map(\.isin) == [sap, apple])
        }
    }

    @Test(arguments: StoreKind.available) func duplicatesKeepTheFirstRowAndNameItsLine(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            let stage = try await store.beginStage(
                StageInfo(key: "k", source: "s", format: "csv", fetchedAt: t0, sha256: nil, bytes: nil), now: t0)
            let first = try await store.appendToStage(stage, rows: [
                StagedRow(line: 2, instrument: instrument(apple, "Apple Inc.")),
                StagedRow(line: 3, instrument: instrument(apple, "Apple again")),
            ])
            let second = try await store.appendToStage(stage, rows: [StagedRow(line: 4, instrument: instrument(apple, "Third"))])
            #expect(first == [DuplicateRow(isin: apple, line: 3, firstLine: 2)])
            #expect(second == [DuplicateRow(isin: apple, line: 4, firstLine: 2)])
            try await store.finishStage(stage, counts: StageCounts(valid: 1, duplicate: 2), problems: [])
            let snapshot = try await store.publish(stage, policy: .default, now: t0)
            #expect(try await store.instruments(snapshot: snapshot.id, after: nil, limit: 10).map(\.attributes.name) == ["Apple Inc."])
        }
    }

    @Test(arguments: StoreKind.available) func secondPublishRecordsAddedRemovedAndChanged(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            try await publish(store, [instrument(apple, "Apple Inc."), instrument(sap, "SAP SE"), instrument(nestle, "Nestle")], at: 0)
            let second = try await publish(
                store, [instrument(apple, "Apple Inc."), instrument(sap, "SAP SE", currency: "USD"), instrument(bmw, "BMW AG")],
                at: 1, policy: PublishPolicy(maxShrink: 0.5))
            #expect((second.added, second.removed, second.changed) == (1, 1, 1))
            let diff = try await store.diff(from: 1, to: 2, after: nil, limit: 100)
            #expect(diff.map(\.isin) == [nestle, bmw, sap])
            #expect(diff.map(\.kind) == [.removed, .added, .changed])
            #expect(diff[2].before?.currency == "EUR" && diff[2].after?.currency == "USD")
            // Snapshot 1 is still readable as it was.
            #expect(try await store.instruments(snapshot: 1, after: nil, limit: 10).map(\.isin) == [nestle, sap, apple])
            #expect(try await store.instruments(snapshot: 2, after: nil, limit: 10).map(\.isin) == [bmw, sap, apple])
        }
    }

    @Test(arguments: StoreKind.available) func diffAcrossSeveralSnapshotsIgnoresChangesThatWereUndone(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            try await publish(store, [instrument(apple, "Apple"), instrument(sap, "SAP")], at: 0)
            try await publish(store, [instrument(apple, "Apple renamed"), instrument(sap, "SAP")], at: 1)
            try await publish(store, [instrument(apple, "Apple"), instrument(sap, "SAP SE")], at: 2)
            let diff = try await store.diff(from: 1, to: 3, after: nil, limit: 100)
            #expect(diff == [DiffEntry(isin: sap, kind: .changed, before: instrument(sap, "SAP").attributes, after: instrument(sap, "SAP SE").attributes)])
            // From "nothing" (snapshot 0) everything is added.
            #expect(try await store.diff(from: 0, to: 3, after: nil, limit: 100).map(\.kind) == [.added, .added])
            let history = try await store.history(isin: apple)
            #expect(history.map(\.attributes.name) == ["Apple", "Apple renamed", "Apple"])
            #expect(history.map(\.fromSnapshot) == [1, 2, 3])
            #expect(history.map(\.untilSnapshot) == [2, 3, nil])
        }
    }

    @Test(arguments: StoreKind.available) func diffPagesByISIN(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            try await publish(store, [instrument(apple, "A"), instrument(sap, "S"), instrument(nestle, "N"), instrument(bmw, "B")], at: 0)
            var seen: [String] = []
            var after: String?
            while true {
                let page = try await store.diff(from: 0, to: 1, after: after, limit: 3)
                seen += page.map(\.isin)
                guard page.count == 3 else { break }
                after = page.last?.isin
            }
            #expect(seen == [nestle, bmw, sap, apple])
        }
    }

    @Test(arguments: StoreKind.available) func shrinkGuardKeepsTheCurrentSnapshot(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            let ten = (0..<10).map { instrument(String(format: "XS%09d", $0) + "0", "Bond \($0)") }
            try await publish(store, ten, at: 0)
            let stage = try await stageList(store, Array(ten.prefix(8)), at: 1)
            await #expect(throws: ISINStoreError.shrinkGuard(count: 8, previous: 10, previousSnapshot: 1, limit: 0.1)) {
                try await store.publish(stage, policy: .default, now: t0)
            }
            #expect(try await store.currentSnapshot()?.id == 1)
            #expect(try await store.instruments(snapshot: 1, after: nil, limit: 100).count == 10)
            // The stage survives, so the operator can publish it deliberately.
            let forced = try await store.publish(stage, policy: PublishPolicy(maxShrink: 0.1, force: true), now: t0)
            #expect(forced.removed == 2)
            // Exactly 10% is allowed.
            try await publish(store, Array(ten.prefix(8)) + [instrument(bmw, "BMW")] , at: 2)
        }
    }

    @Test(arguments: StoreKind.available) func emptyListIsRefusedEvenWhenForced(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            try await publish(store, [instrument(apple, "Apple")], at: 0)
            let stage = try await stageList(store, [], at: 1)
            await #expect(throws: ISINStoreError.emptyList(previousSnapshot: 1)) {
                try await store.publish(stage, policy: PublishPolicy(maxShrink: 1, force: true), now: t0)
            }
            #expect(try await store.snapshots(limit: 10).count == 1)
        }
    }

    @Test(arguments: StoreKind.available) func unfinishedStageCannotBePublished(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            let stage = try await store.beginStage(
                StageInfo(key: "k", source: "s", format: "csv", fetchedAt: t0, sha256: nil, bytes: nil), now: t0)
            await #expect(throws: ISINStoreError.stageNotFinished(stage)) {
                try await store.publish(stage, policy: .default, now: t0)
            }
            await #expect(throws: ISINStoreError.stageNotFound(999)) {
                try await store.publish(999, policy: .default, now: t0)
            }
        }
    }

    @Test(arguments: StoreKind.available) func beginningAStageAgainDiscardsTheEarlierOne(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            let info = StageInfo(key: "run-7", source: "s", format: "csv", fetchedAt: t0, sha256: nil, bytes: nil)
            let first = try await store.beginStage(info, now: t0)
            _ = try await store.appendToStage(first, rows: [StagedRow(line: 2, instrument: instrument(apple, "A"))])
            let second = try await store.beginStage(info, now: t0)
            #expect(second != first)
            await #expect(throws: ISINStoreError.stageNotFound(first)) {
                try await store.appendToStage(first, rows: [])
            }
            #expect(try await store.stage(key: "run-7")?.id == second)
            #expect(try await store.pruneStages(begunBefore: t0.addingTimeInterval(1)) == 1)
            #expect(try await store.stage(key: "run-7") == nil)
        }
    }
}

@Suite("ISIN store: look-ups and fetches")
struct ISINLookupTests {
    @Test(arguments: StoreKind.available) func searchMatchesWordPrefixesOfCurrentNamesOnly(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            try await publish(store, [instrument(apple, "Apple Inc."), instrument(nestle, "Nestlé S.A."), instrument(sap, "SAP SE")], at: 0)
            try await publish(store, [instrument(apple, "Apple Inc."), instrument(nestle, "Nestlé S.A."), instrument(sap, "Systems AG")], at: 1,
                              policy: PublishPolicy(maxShrink: 0.5))
            #expect(try await store.search("appl", limit: 10).map(\.isin) == [apple])
            #expect(try await store.search("NESTLE", limit: 10).map(\.isin) == [nestle])
            #expect(try await store.search("SAP", limit: 10).isEmpty)
            // FTS syntax in the input is just text.
            #expect(try await store.search("\"apple\" OR -", limit: 10).isEmpty)
            #expect(try await store.search("  ", limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available) func lastGoodFetchGivesTheValidatorsForTheNextDownload(_ kind: StoreKind) async throws {
        try await withISINStore(kind) { store in
            let source = "https://example.test/isins.csv"
            #expect(try await store.lastConfirmedCurrent() == nil)
            let first = try await store.recordFetch(FetchRecord(source: source, at: t0, outcome: .fetched, etag: "\"v1\"", sha256: "aa", bytes: 10))
            // Fetched is not enough: only a published file's validators may skip the next download.
            #expect(try await store.lastGoodFetch(source: source) == nil)
            try await store.setFetchOutcome(first, .published, message: nil)
            let second = try await store.recordFetch(FetchRecord(source: source, at: minutes(1), outcome: .fetched, etag: "\"v2\""))
            try await store.setFetchOutcome(second, .rejected, message: "the list shrank")
            try await store.recordFetch(FetchRecord(source: source, at: minutes(1), outcome: .failed, message: "HTTP 500"))
            #expect(try await store.lastGoodFetch(source: source)?.etag == "\"v1\"")
            #expect(try await store.lastGoodFetch(source: "other") == nil)
            #expect(try await store.fetches(limit: 10).map(\.outcome) == [.failed, .rejected, .published])
            #expect(try await store.fetches(limit: 1).first?.message == "HTTP 500")
            // An unchanged fetch confirms nothing until a snapshot exists; then it counts.
            try await store.recordFetch(FetchRecord(source: source, at: minutes(2), outcome: .unchanged))
            #expect(try await store.lastConfirmedCurrent() == nil)
            try await publish(store, [instrument(apple, "Apple")], at: 3)
            #expect(try await store.lastConfirmedCurrent() == t0.addingTimeInterval(3 * 60 + 1))
            try await store.recordFetch(FetchRecord(source: source, at: minutes(10), outcome: .unchanged))
            #expect(try await store.lastConfirmedCurrent() == minutes(10))
        }
    }
}
