import Foundation
import Logging
import ServiceLifecycle
import TickerCore
import TickerStore

/// Keeps the store's DAGs in step with the DAG folder (plus DAGs defined in Swift code).
///
/// A file with problems never takes a working DAG down: its problems are logged and the last good
/// definition keeps running. DAGs whose files were removed are deactivated only when every file
/// loaded cleanly, so a half-saved folder cannot deactivate anything by accident.
public final class DagFolderSync: Service, Sendable {
    public let folder: URL
    private let loader: DagFileLoader
    private let codeDags: [DagDefinition]
    private let store: any SchedulerStore
    private let logger: Logger
    private let interval: Duration
    private let deactivatesMissing: Bool
    /// Asked before each sync: the name of a node whose folder counts instead of ours (see
    /// `FolderAuthority`), or nil to go ahead.
    private let deferral: (@Sendable () async throws -> String?)?

    /// - Parameter deactivatesMissing: whether DAGs absent from the folder (and from `codeDags`)
    ///   are deactivated. Only the serving process knows every DAG (its own Swift-defined ones
    ///   included), so only it should; other commands just add and update.
    public init(
        folder: URL, registry: OperatorRegistry, codeDags: [DagDefinition] = [], store: any SchedulerStore,
        logger: Logger, interval: Duration = .seconds(10), deactivatesMissing: Bool = true,
        deferral: (@Sendable () async throws -> String?)? = nil
    ) {
        self.deactivatesMissing = deactivatesMissing
        self.deferral = deferral
        self.folder = folder
        self.loader = DagFileLoader(registry: registry)
        self.codeDags = codeDags
        self.store = store
        self.logger = logger
        self.interval = interval
    }

    /// Loads the folder and syncs the store once; returns the problems found.
    @discardableResult
    public func syncOnce() async throws -> [DagFileProblem] {
        let loaded = loader.loadFolder(folder)
        for problem in loaded.problems {
            logger.error("DAG file problem: \(problem)")
        }
        if let newer = try await deferral?() {
            logger.info("not syncing the DAG folder: node \(newer) runs a newer version, and its folder defines the DAGs")
            return loaded.problems
        }
        let report = try await store.syncDags(
            loaded.dags + codeDags, deactivateOthers: deactivatesMissing && loaded.problems.isEmpty, now: Date())
        for id in report.created { logger.info("DAG added: \(id)") }
        for id in report.updated { logger.info("DAG updated: \(id)") }
        for id in report.deactivated { logger.warning("DAG deactivated (its file is gone): \(id)") }
        return loaded.problems
    }

    /// Re-reads the folder whenever a file in it changes.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.watch() }
    }

    private func watch() async {
        var fingerprint = folderFingerprint()
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let current = folderFingerprint()
            guard current != fingerprint else { continue }
            fingerprint = current
            do {
                try await syncOnce()
            } catch {
                logger.error("syncing DAG files failed: \(error)")
            }
        }
    }

    /// Names, sizes and modification times of the folder's files: cheap to compute, and changes
    /// whenever a file is added, removed or edited.
    private func folderFingerprint() -> [String] {
        let keys: [URLResourceKey] = [.contentModificationDateKey, .fileSizeKey]
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys)) ?? []
        return files.map { url in
            let values = try? url.resourceValues(forKeys: Set(keys))
            return "\(url.lastPathComponent)|\(values?.fileSize ?? -1)|\(values?.contentModificationDate?.timeIntervalSince1970 ?? 0)"
        }.sorted()
    }
}
