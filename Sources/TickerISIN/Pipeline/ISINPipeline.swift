import Foundation
import TickerStore

/// The ISIN pipeline's steps: download, stage (parse and validate), publish. The built-in DAG
/// runs each as a task; `ticker isin import` runs them in a row.
///
/// Steps of one import share a `key` (the DAG run, or a one-off import): it names the work folder
/// holding the download and the stage in the store, so a retried task picks up where the
/// previous attempt's upstream left off. Every failure leaves the current snapshot as it was.
public struct ISINPipeline: Sendable {
    public var store: any ISINStore
    /// Holds one folder per key, removed by `cleanUp(key:)`.
    public var workDirectory: URL
    public var batchSize = 10_000
    public var problemCap = 1_000
    public var clock: ProgressMeter.Clock = ProgressMeter.continuousClock

    public init(store: any ISINStore, workDirectory: URL) {
        self.store = store
        self.workDirectory = workDirectory
    }

    /// What the download step found; the next steps read it back from the task's output.
    public struct Download: Sendable, Hashable, Codable {
        public var source: String
        /// False when the source is unchanged and there is nothing to import.
        public var changed: Bool
        public var file: String?
        public var sha256: String?
        public var bytes: Int64?
        public var fetchedAt: Date
        /// The fetch's row in the store, to mark `published` or `rejected` later.
        public var fetchID: Int64?
        /// For `unchanged`: a 304, or the same SHA-256 as the current list.
        public var reason: String?
    }

    func folder(_ key: String) -> URL {
        workDirectory.appendingPathComponent(SourceFetcher.safeFileName(key), isDirectory: true)
    }

    /// Fetches `source` into the key's folder, conditionally on the current list's validators
    /// unless `force`. Records the fetch, whatever its outcome.
    public func download(
        _ source: String, key: String, configuration: FetchConfiguration = FetchConfiguration(), force: Bool = false,
        now: Date = Date(), log: @escaping @Sendable (String) -> Void
    ) async throws -> Download {
        let fetchSource = try FetchSource(source)
        // What crashed or abandoned runs left behind goes first, so the folder never grows.
        try? await prune(olderThan: now.addingTimeInterval(-2 * 86_400))
        let previous = force ? nil : try await store.lastGoodFetch(source: source)
        let validators = previous.map { FetchValidators(etag: $0.etag, lastModified: $0.lastModified, sha256: $0.sha256) }
        log("downloading \(fetchSource)" + (validators?.etag.map { " (If-None-Match: \($0))" } ?? ""))
        let outcome: FetchOutcome
        do {
            outcome = try await SourceFetcher.withFetcher(configuration: configuration) { fetcher in
                try await fetcher.fetch(fetchSource, into: folder(key), previous: validators) { log("download: \($0)") }
            }
        } catch {
            try await store.recordFetch(FetchRecord(source: source, at: now, outcome: .failed, message: "\(error)"))
            throw error
        }
        switch outcome {
        case let .unchanged(unchanged):
            let reason = unchanged.reason == .notModified ? "the server answered 304 Not Modified" : "same SHA-256 as the current list"
            try await store.recordFetch(FetchRecord(
                source: source, at: now, outcome: .unchanged, etag: unchanged.validators.etag,
                lastModified: unchanged.validators.lastModified, sha256: unchanged.validators.sha256, message: reason))
            log("unchanged: \(reason); nothing to import")
            return Download(source: source, changed: false, sha256: unchanged.validators.sha256, fetchedAt: now, reason: reason)
        case let .fetched(file):
            let id = try await store.recordFetch(FetchRecord(
                source: source, at: now, outcome: .fetched, etag: file.validators.etag,
                lastModified: file.validators.lastModified, sha256: file.sha256, bytes: file.byteCount))
            log("downloaded \(QuantityText.bytes(file.byteCount)), SHA-256 \(file.sha256)")
            return Download(source: source, changed: true, file: file.url.path, sha256: file.sha256, bytes: file.byteCount, fetchedAt: now, fetchID: id)
        }
    }

    /// Parses and validates the downloaded file into a stage for `key`. A failure marks the fetch
    /// `rejected` and leaves nothing to publish.
    public func stage(_ download: Download, format: ListFormat, key: String, now: Date = Date(), log: @escaping @Sendable (String) -> Void) async throws -> ISINImporter.Staged {
        guard let path = download.file else { throw ImportError(file: nil, message: "the download step produced no file") }
        do {
            let opened = try ArchiveOpener(filter: format.zipEntries).open(URL(fileURLWithPath: path), stagingDirectory: folder(key))
            defer { opened.cleanUp() }
            log("reading \(opened.format) file as \(format): " + opened.payloads.map(\.name).joined(separator: ", "))
            let info = StageInfo(key: key, source: download.source, format: format.description, fetchedAt: download.fetchedAt, sha256: download.sha256, bytes: download.bytes)
            let progress = ImportProgressLog(clock: clock) { log("import: \($0)") }
            let importer = ISINImporter(store: store, batchSize: batchSize, problemCap: problemCap)
            let staged = try await importer.stage(info, format: format, payloads: opened.payloads, now: now) { progress.update($0) }
            progress.finish()
            log("parsed: \(staged.counts.valid) valid, \(staged.counts.invalid) invalid, \(staged.counts.duplicate) duplicate")
            for problem in staged.problems.prefix(20) { log("  \(problem.file ?? "") line \(problem.line): \(problem.reason)" + (problem.input.map { " (\($0))" } ?? "")) }
            return staged
        } catch {
            try await reject(download, "\(error)")
            throw error
        }
    }

    /// Publishes the key's stage as the current snapshot. Refused by `policy`, the fetch is
    /// marked `rejected`; its stage stays until pruned, for a look at what was refused.
    public func publish(_ download: Download, key: String, policy: PublishPolicy, now: Date = Date(), log: @escaping @Sendable (String) -> Void) async throws -> SnapshotRecord {
        guard let stage = try await store.stage(key: key) else {
            throw ImportError(file: nil, message: "nothing staged for \(key): the parse step did not run or its stage was pruned")
        }
        do {
            let snapshot = try await store.publish(stage.id, policy: policy, now: now)
            if let id = download.fetchID { try await store.setFetchOutcome(id, .published, message: "snapshot #\(snapshot.id)") }
            log("published snapshot #\(snapshot.id): \(snapshot.counts.valid) instruments; \(snapshot.added) added, \(snapshot.removed) removed, \(snapshot.changed) changed")
            return snapshot
        } catch {
            try await reject(download, "\(error)")
            throw error
        }
    }

    private func reject(_ download: Download, _ message: String) async throws {
        if let id = download.fetchID { try await store.setFetchOutcome(id, .rejected, message: message) }
    }

    /// Removes the key's work folder (the download and anything extracted from it).
    public func cleanUp(key: String) {
        try? FileManager.default.removeItem(at: folder(key))
    }

    /// Removes work folders and stages older than `cutoff`: what crashed or abandoned runs left.
    public func prune(olderThan cutoff: Date) async throws {
        let entries = (try? FileManager.default.contentsOfDirectory(at: workDirectory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        for entry in entries {
            let modified = try? entry.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate
            if let modified, modified < cutoff { try? FileManager.default.removeItem(at: entry) }
        }
        _ = try await store.pruneStages(begunBefore: cutoff)
    }

    /// Download, stage and publish in a row, under a one-off key: what `ticker isin import` does.
    /// A local file is always imported (`force`); nil means the source was unchanged.
    public func importNow(
        _ source: String, format: ListFormat, policy: PublishPolicy, force: Bool,
        configuration: FetchConfiguration = FetchConfiguration(), now: Date = Date(),
        log: @escaping @Sendable (String) -> Void
    ) async throws -> SnapshotRecord? {
        let key = "import-\(UUID().uuidString.lowercased())"
        defer { cleanUp(key: key) }
        let download = try await download(source, key: key, configuration: configuration, force: force, now: now, log: log)
        guard download.changed else { return nil }
        do {
            _ = try await stage(download, format: format, key: key, now: now, log: log)
            return try await publish(download, key: key, policy: policy, now: now, log: log)
        } catch {
            // A refused one-off import leaves no stage behind: nobody could name it again.
            if let stage = try? await store.stage(key: key) { try? await store.discardStage(stage.id) }
            throw error
        }
    }
}
