import Foundation
import TickerStore

/// Parses and validates an ISIN list into a stage of the store, in batches, in bounded memory.
///
/// Every row is validated (ISO 6166, after normalization); invalid rows and duplicate ISINs are
/// counted and the first `problemCap` of them kept with their line and reason. Reading errors
/// that spoil the rest of a file (a missing column, broken XML, a truncated archive) throw
/// `ImportError`, and the stage is left unfinished: it can never be published.
public struct ISINImporter: Sendable {
    public var store: any ISINStore
    /// Rows per store transaction while staging.
    public var batchSize: Int
    /// How many invalid and duplicate rows the report keeps.
    public var problemCap: Int

    public init(store: any ISINStore, batchSize: Int = 10_000, problemCap: Int = 1_000) {
        self.store = store
        self.batchSize = max(1, batchSize)
        self.problemCap = problemCap
    }

    /// How far an import is: rows read so far, and bytes read of the payloads (after
    /// decompression), with their total when every payload is a plain file.
    public struct Progress: Sendable {
        public var rows: Int
        public var bytes: Int64
        public var totalBytes: Int64?
    }

    /// The result of staging: publish `stage` to make it the current snapshot.
    public struct Staged: Sendable {
        public var stage: StageID
        public var counts: StageCounts
        public var problems: [RowProblem]
    }

    /// Reads every payload into a new stage for `info.key`. `progress` is called after each batch.
    public func stage(
        _ info: StageInfo, format: ListFormat, payloads: [ArchivePayload], now: Date,
        progress: @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Staged {
        let stage = try await store.beginStage(info, now: now)
        var run = ImportRun(problems: ImportProblems(cap: problemCap), batchSize: batchSize)
        let total = Self.totalBytes(payloads)
        var bytesBefore: Int64 = 0
        for payload in payloads {
            let counter = CountingChunkSource.Counter()
            let offset = bytesBefore
            let report: @Sendable (Int) -> Void = { rows in
                progress(Progress(rows: rows, bytes: offset + counter.value, totalBytes: total))
            }
            try await run.read(payload, format: format, counter: counter, into: stage, store: store, report: report)
            bytesBefore += counter.value
        }
        let counts = StageCounts(valid: run.staged - run.problems.duplicates, invalid: run.problems.invalid, duplicate: run.problems.duplicates)
        try await store.finishStage(stage, counts: counts, problems: run.problems.kept)
        return Staged(stage: stage, counts: counts, problems: run.problems.kept)
    }

    /// The payloads' sizes on disk, when they are read as they are (not decompressed).
    private static func totalBytes(_ payloads: [ArchivePayload]) -> Int64? {
        var total: Int64 = 0
        for payload in payloads {
            guard payload.encoding == .plain,
                  let size = try? payload.url.resourceValues(forKeys: [.fileSizeKey]).fileSize else { return nil }
            total += Int64(size)
        }
        return total
    }
}

/// The state of one import across its payloads.
private struct ImportRun {
    var problems: ImportProblems
    let batchSize: Int
    var rows = 0
    var staged = 0
    var batch: [StagedRow] = []

    init(problems: ImportProblems, batchSize: Int) {
        self.problems = problems
        self.batchSize = batchSize
        batch.reserveCapacity(batchSize)
    }

    mutating func read(
        _ payload: ArchivePayload, format: ListFormat, counter: CountingChunkSource.Counter, into stage: StageID,
        store: any ISINStore, report: @Sendable (Int) -> Void
    ) async throws {
        var reader = try Self.reader(for: payload, format: format, counter: counter)
        while true {
            let outcome: RowOutcome?
            do {
                outcome = try reader.next()
            } catch {
                throw ImportError(file: payload.name, message: "\(error)")
            }
            guard let outcome else { break }
            rows += 1
            take(outcome, file: payload.name)
            if batch.count >= batchSize {
                try await flush(stage, store: store, file: payload.name)
                report(rows)
            }
        }
        try await flush(stage, store: store, file: payload.name)
        report(rows)
    }

    private mutating func take(_ outcome: RowOutcome, file: String) {
        switch outcome {
        case let .problem(line, reason):
            problems.invalidRow(RowProblem(line: line, file: file, reason: reason))
        case let .row(row):
            switch ISIN.validate(row.isin) {
            case let .success(isin):
                let attributes = InstrumentAttributes(name: row.name, cfi: row.cfi, currency: row.currency, issuerLEI: row.issuerLEI)
                batch.append(StagedRow(line: row.line, instrument: Instrument(isin: isin.description, attributes: attributes)))
            case let .failure(error):
                let input = row.isin.isEmpty ? nil : row.isin.clipped()
                problems.invalidRow(RowProblem(line: row.line, file: file, input: input, reason: error.description))
            }
        }
    }

    private mutating func flush(_ stage: StageID, store: any ISINStore, file: String) async throws {
        guard !batch.isEmpty else { return }
        let duplicates = try await store.appendToStage(stage, rows: batch)
        staged += batch.count
        for duplicate in duplicates { problems.duplicate(duplicate, file: file) }
        batch.removeAll(keepingCapacity: true)
    }

    private static func reader(for payload: ArchivePayload, format: ListFormat, counter: CountingChunkSource.Counter) throws -> any RowSource {
        do {
            let source = CountingChunkSource(try payload.makeSource(), counter: counter)
            switch format {
            case let .delimited(delimiter, mapping):
                return try ISINRowReader(reader: DelimitedReader(source: source, delimiter: delimiter), mapping: mapping)
            case .firds:
                return FIRDSReader(source: source)
            }
        } catch {
            throw ImportError(file: payload.name, message: "\(error)")
        }
    }
}
