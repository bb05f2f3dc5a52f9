import Foundation
import Synchronization
import Testing
import TickerISIN
import TickerStore

/// The pipeline's three steps against a real HTTP server on 127.0.0.1 and a real SQLite store:
/// every source format, and every failure leaving the current snapshot as it was.
struct PipelineFixture {
    let root: URL
    let files: URL
    let pipeline: ISINPipeline
    let server: FixtureServer
    let log = LogLines()

    var store: any ISINStore { pipeline.store }

    static let rows = [
        ISINSourceRow(line: 0, isin: "US0378331005", name: "Apple Inc.", cfi: "ESVUFR", currency: "USD", issuerLEI: "HWUPKR0MPOU8FGXBT394"),
        ISINSourceRow(line: 0, isin: "DE0007164600", name: "SAP SE", cfi: "ESVUFN", currency: "EUR"),
        ISINSourceRow(line: 0, isin: "CH0038863350", name: "Nestlé S.A.", cfi: "ESVUFR", currency: "CHF"),
        ISINSourceRow(line: 0, isin: "FR0000120271", name: "TotalEnergies SE", cfi: "ESVUFB", currency: "EUR"),
    ]

    static let csv = "ISIN,Name,CFI,Currency\n" + rows.map { "\($0.isin),\"\($0.name!)\",\($0.cfi!),\($0.currency!)" }.joined(separator: "\n") + "\n"
    static let mapping = ColumnMapping(isin: "ISIN", name: "Name", cfi: "CFI", currency: "Currency")
    static let csvFormat = ListFormat.delimited(.auto, mapping)

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: files.appendingPathComponent(name))
    }

    func write(_ name: String, _ text: String) throws {
        try write(name, Array(text.utf8))
    }

    /// Runs the three steps on `path` of the fixture server under a fresh key.
    @discardableResult
    func run(_ path: String, format: ListFormat = Self.csvFormat, policy: PublishPolicy = .default, configuration: FetchConfiguration = FetchConfiguration()) async throws -> SnapshotRecord? {
        let key = "test-\(UUID().uuidString)"
        defer { pipeline.cleanUp(key: key) }
        let logger = log.sink
        let download = try await pipeline.download(server.url(path).absoluteString, key: key, configuration: configuration, log: logger)
        guard download.changed else { return nil }
        _ = try await pipeline.stage(download, format: format, key: key, log: logger)
        return try await pipeline.publish(download, key: key, policy: policy, log: logger)
    }

    /// Publishes the four-row CSV as the current snapshot.
    func publishBaseline() async throws -> SnapshotRecord {
        try write("baseline.csv", Self.csv)
        return try #require(try await run("/baseline.csv"))
    }

    /// The current snapshot is `expected`, with its four instruments intact.
    func expectIntact(_ expected: SnapshotRecord, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await store.currentSnapshot() == expected, sourceLocation: sourceLocation)
        let isins = try await store.instruments(snapshot: expected.id, after: nil, limit: 100).map(\.isin)
        #expect(isins == Self.rows.map(\.isin).sorted(), sourceLocation: sourceLocation)
    }
}

final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var sink: @Sendable (String) -> Void { { [self] line in lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}

func withPipeline(_ body: (PipelineFixture) async throws -> Void) async throws {
    try await withTemporaryDirectory { root in
        let files = root.appendingPathComponent("files", isDirectory: true)
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        let store = try DataDirectory(path: root.appendingPathComponent("data").path).openISINStore()
        let pipeline = ISINPipeline(store: store, workDirectory: root.appendingPathComponent("work", isDirectory: true))
        try await withFixtureServer(directory: files) { server in
            try await body(PipelineFixture(root: root, files: files, pipeline: pipeline, server: server))
        }
    }
}

@Suite("ISIN pipeline: sources")
struct ISINPipelineSourceTests {
    @Test func csvWithBOMAndCRLF() async throws {
        try await withPipeline { f in
            try f.write("bom.csv", [0xEF, 0xBB, 0xBF] + Array(PipelineFixture.csv.replacingOccurrences(of: "\n", with: "\r\n").utf8))
            let snapshot = try #require(try await f.run("/bom.csv"))
            #expect(snapshot.counts == StageCounts(valid: 4, invalid: 0, duplicate: 0))
            #expect(snapshot.added == 4)
            let nestle = try await f.store.history(isin: "CH0038863350")
            #expect(nestle.first?.attributes == InstrumentAttributes(name: "Nestlé S.A.", cfi: "ESVUFR", currency: "CHF"))
            // Nothing is left in the work folder.
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: f.pipeline.workDirectory.path)) ?? []).isEmpty)
        }
    }

    @Test func semicolonCSVWithInvalidAndDuplicateRows() async throws {
        try await withPipeline { f in
            let text = "ISIN;Name\nUS0378331005;Apple\nUS0378331004;Bad check digit\nus 0378-3310 05;Apple again\n;No ISIN\n"
            try f.write("semi.csv", text)
            let snapshot = try #require(try await f.run("/semi.csv", format: .delimited(.auto, ColumnMapping(isin: "ISIN", name: "Name"))))
            #expect(snapshot.counts == StageCounts(valid: 1, invalid: 2, duplicate: 1))
            #expect(snapshot.problems.map(\.line) == [3, 5, 4])
            #expect(snapshot.problems[0].reason.contains("check digit"))
            #expect(snapshot.problems[2].reason == "duplicate of line 2")
        }
    }

    @Test func gzippedCSV() async throws {
        try await withPipeline { f in
            try f.write("isins.csv.gz", try gzipped(Array(PipelineFixture.csv.utf8)))
            let snapshot = try #require(try await f.run("/isins.csv.gz"))
            #expect(snapshot.counts.valid == 4)
        }
    }

    @Test func firdsZip() async throws {
        try await withPipeline { f in
            let zip = f.root.appendingPathComponent("FULINS_E_20261122_01of01.zip")
            try makeZip(at: zip, [("FULINS_E_20261122_01of01.xml", FIRDSFixture.bytes(rows: PipelineFixture.rows))])
            try FileManager.default.moveItem(at: zip, to: f.files.appendingPathComponent(zip.lastPathComponent))
            let snapshot = try #require(try await f.run("/" + zip.lastPathComponent, format: .firds))
            #expect(snapshot.counts.valid == 4)
            #expect(try await f.store.history(isin: "US0378331005").first?.attributes.issuerLEI == "HWUPKR0MPOU8FGXBT394")
            #expect(try await f.store.search("total", limit: 5).map(\.isin) == ["FR0000120271"])
        }
    }

    @Test func unchangedSourceSkipsTheImport() async throws {
        try await withPipeline { f in
            let first = try await f.publishBaseline()
            // The server honours If-None-Match: a 304.
            #expect(try await f.run("/baseline.csv") == nil)
            #expect(f.log.contains("304"))
            // A server without validators: the bytes come again, with the same SHA-256.
            let second = try #require(try await f.run("/novalidators/baseline.csv"))
            #expect(try await f.run("/novalidators/baseline.csv") == nil)
            #expect(f.log.contains("same SHA-256"))
            #expect(try await f.store.currentSnapshot() == second)
            #expect((second.added, second.removed, second.changed) == (0, 0, 0))
            #expect(first.id + 1 == second.id)
            #expect(try await f.store.fetches(limit: 4).map(\.outcome) == [.unchanged, .published, .unchanged, .published])
        }
    }

    @Test func aChangedListPublishesItsDiff() async throws {
        try await withPipeline { f in
            _ = try await f.publishBaseline()
            let changed = PipelineFixture.csv.replacingOccurrences(of: "SAP SE", with: "SAP Societas Europaea")
                + "NL0010273215,ASML Holding N.V.,ESVUFN,EUR\n"
            try f.write("baseline.csv", changed)
            let second = try #require(try await f.run("/baseline.csv"))
            #expect((second.added, second.removed, second.changed) == (1, 0, 1))
        }
    }
}

@Suite("ISIN pipeline: failures keep the current snapshot")
struct ISINPipelineFailureTests {
    /// Runs `path` expecting a failure whose text contains `message`; the baseline stays current.
    func expectFailure(
        _ path: String, _ message: String, format: ListFormat = PipelineFixture.csvFormat,
        configuration: FetchConfiguration = FetchConfiguration(), prepare: (PipelineFixture) throws -> Void = { _ in },
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await withPipeline { f in
            let baseline = try await f.publishBaseline()
            try prepare(f)
            do {
                try await f.run(path, format: format, configuration: configuration)
                Issue.record("\(path) did not fail", sourceLocation: sourceLocation)
            } catch {
                #expect("\(error)".contains(message), "\(error)", sourceLocation: sourceLocation)
            }
            try await f.expectIntact(baseline, sourceLocation: sourceLocation)
            let last = try #require(try await f.store.fetches(limit: 1).first)
            #expect(last.outcome == .failed || last.outcome == .rejected, sourceLocation: sourceLocation)
            #expect(last.message?.isEmpty == false, sourceLocation: sourceLocation)
        }
    }

    @Test func notFound() async throws {
        try await expectFailure("/missing.csv", "404")
    }

    @Test func serverError() async throws {
        try await expectFailure("/status/500", "500")
    }

    @Test func hangingServer() async throws {
        var configuration = FetchConfiguration()
        configuration.readTimeout = .seconds(1)
        configuration.connectTimeout = .seconds(1)
        try await expectFailure("/hang", "no data", configuration: configuration)
    }

    @Test func truncatedZip() async throws {
        try await expectFailure("/cut.zip", "zip", format: .firds) { f in
            let zip = f.root.appendingPathComponent("whole.zip")
            try makeZip(at: zip, [("list.xml", FIRDSFixture.bytes(rows: PipelineFixture.rows))])
            let bytes = try Array(Data(contentsOf: zip))
            try f.write("cut.zip", Array(bytes.prefix(bytes.count / 2)))
        }
    }

    @Test func xmlInTheWrongNamespace() async throws {
        try await expectFailure("/wrong.xml", "auth.017", format: .firds) { f in
            let text = String(decoding: FIRDSFixture.bytes(rows: PipelineFixture.rows), as: UTF8.self)
                .replacingOccurrences(of: "auth.017.001.02", with: "auth.016.001.01")
            try f.write("wrong.xml", text)
        }
    }

    @Test func missingColumn() async throws {
        try await expectFailure("/nocol.csv", "no column \"Currency\"") { f in
            try f.write("nocol.csv", "ISIN,Name,CFI\nUS0378331005,Apple,ESVUFR\n")
        }
    }

    @Test func nonUTF8Bytes() async throws {
        // Latin-1 "é" in every name: each row is refused, so the list is empty and not published.
        try await expectFailure("/latin1.csv", "no valid instruments") { f in
            var bytes = Array("ISIN,Name,CFI,Currency\n".utf8)
            for row in PipelineFixture.rows {
                bytes += Array("\(row.isin),Soci".utf8) + [0xE9] + Array("t\u{E9},X,EUR\n".utf8.filter { $0 < 0x80 })
            }
            try f.write("latin1.csv", bytes)
        }
    }

    @Test func overTheSizeLimit() async throws {
        var configuration = FetchConfiguration()
        configuration.maxBytes = 64
        try await expectFailure("/big.csv", "limit", configuration: configuration) { f in
            try f.write("big.csv", PipelineFixture.csv)
        }
    }

    @Test func emptyFile() async throws {
        try await expectFailure("/empty.csv", "empty") { f in
            try f.write("empty.csv", "")
        }
    }

    @Test func headerOnlyIsAnEmptyList() async throws {
        try await expectFailure("/header.csv", "no valid instruments") { f in
            try f.write("header.csv", "ISIN,Name,CFI,Currency\r\n")
        }
    }

    @Test func shrinkingListIsRefused() async throws {
        try await expectFailure("/shrunk.csv", "fewer than snapshot #1") { f in
            try f.write("shrunk.csv", "ISIN,Name,CFI,Currency\nUS0378331005,Apple,X,USD\nDE0007164600,SAP,X,EUR\n")
        }
    }
}
