import Foundation

/// Where the ISIN pipeline keeps its snapshots: the instruments of every published list, their
/// history, and the fetches that led to them.
///
/// An import is staged first, in as many batches as it takes, and then published in one
/// transaction that computes the diff against the current snapshot, or refuses when the list
/// shrank too much. Until `publish` commits, readers see the previous snapshot, whole.
///
/// History is kept as versions: one row per distinct set of attributes an ISIN had, valid from
/// the snapshot that introduced it until the one that replaced or dropped it. A snapshot is then
/// the versions alive at its id, and a diff compares two of those sets, so storage grows with
/// changes, not with the number of snapshots.
public protocol ISINStore: Sendable {
    // MARK: Staging and publishing

    /// Starts a stage for `info.key`, discarding any earlier stage with that key (a retried
    /// attempt starts over).
    func beginStage(_ info: StageInfo, now: Date) async throws -> StageID
    /// Adds rows to a stage, in one transaction. An ISIN already in the stage is not added again;
    /// the returned list says which rows were duplicates, with the line of the first occurrence.
    func appendToStage(_ stage: StageID, rows: [StagedRow]) async throws -> [DuplicateRow]
    /// Records the stage's final counts and its capped problem report.
    func finishStage(_ stage: StageID, counts: StageCounts, problems: [RowProblem]) async throws
    /// The stage last begun with `key`, if it still exists.
    func stage(key: String) async throws -> StageRecord?
    /// Publishes a finished stage as the new current snapshot, with its diff, in one transaction,
    /// and deletes the stage. Throws `ISINStoreError.shrinkGuard` or `.emptyList`, leaving the
    /// current snapshot as it was, when `policy` forbids the change.
    func publish(_ stage: StageID, policy: PublishPolicy, now: Date) async throws -> SnapshotRecord
    /// Deletes a stage and its rows; nothing happens if it is gone already.
    func discardStage(_ stage: StageID) async throws
    /// Deletes stages begun before `cutoff` (left behind by failed runs).
    func pruneStages(begunBefore cutoff: Date) async throws -> Int

    // MARK: Fetches

    /// Records one fetch of a source; returns its id.
    @discardableResult
    func recordFetch(_ fetch: FetchRecord) async throws -> Int64
    /// Records how the import of a fetched file ended (`published` or `rejected`).
    func setFetchOutcome(_ id: Int64, _ outcome: FetchRecord.Outcome, message: String?) async throws
    /// The latest fetch of `source` whose content is the current list: published, or found
    /// unchanged since. Its validators make the next download conditional. A file that was
    /// fetched but never published does not count, or a rejected list would never be retried.
    func lastGoodFetch(source: String) async throws -> FetchRecord?
    /// The latest fetches, newest first.
    func fetches(limit: Int) async throws -> [FetchRecord]
    /// When the list was last known to be current: the latest publish, or the latest fetch that
    /// found the source unchanged. Nil before the first snapshot.
    func lastConfirmedCurrent() async throws -> Date?

    // MARK: Snapshots and look-ups

    func snapshots(limit: Int) async throws -> [SnapshotRecord]
    func snapshot(_ id: Int64) async throws -> SnapshotRecord?
    func currentSnapshot() async throws -> SnapshotRecord?
    /// Instruments of snapshot `id` ordered by ISIN, the first `limit` after `afterISIN`
    /// (keyset pages, so an export streams a million rows in constant memory).
    func instruments(snapshot id: Int64, after afterISIN: String?, limit: Int) async throws -> [Instrument]
    /// Every version an ISIN had, oldest first; empty when it was never seen.
    func history(isin: String) async throws -> [InstrumentVersion]
    /// Instruments of the current snapshot whose names match every word of `text` (prefix match,
    /// case and accent blind), best matches first.
    func search(_ text: String, limit: Int) async throws -> [Instrument]
    /// What changed between two snapshots, ordered by ISIN, in keyset pages.
    func diff(from: Int64, to: Int64, after afterISIN: String?, limit: Int) async throws -> [DiffEntry]
}

/// A stage's id.
public typealias StageID = Int64

/// Errors the ISIN store reports to people; messages say what to do.
public enum ISINStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case stageNotFound(StageID)
    case stageNotFinished(StageID)
    case snapshotNotFound(Int64)
    /// The new list has `count` instruments, `previous` had; `limit` is the allowed share.
    case shrinkGuard(count: Int, previous: Int, previousSnapshot: Int64, limit: Double)
    case emptyList(previousSnapshot: Int64?)

    public var description: String {
        switch self {
        case .stageNotFound(let id): "no staged import with id \(id) (it was published or pruned)"
        case .stageNotFinished(let id): "staged import \(id) was never finished; its parse did not complete"
        case .snapshotNotFound(let id): "no snapshot #\(id) (see `ticker isin snapshots`)"
        case let .shrinkGuard(count, previous, snapshot, limit):
            "the new list has \(count) instruments, \(Self.percent(1 - Double(count) / Double(previous))) fewer "
                + "than snapshot #\(snapshot) (\(previous)); more than the \(Self.percent(limit)) allowed, "
                + "so snapshot #\(snapshot) stays current. If the drop is real, run `ticker isin sync --force` "
                + "(or `ticker isin import --force`), or raise the publish task's max_shrink"
        case .emptyList(let snapshot):
            "the new list has no valid instruments"
                + (snapshot.map { "; snapshot #\($0) stays current" } ?? "; nothing was published")
        }
    }

    private static func percent(_ share: Double) -> String {
        let value = share * 100
        return value == value.rounded() ? "\(Int(value))%" : String(format: "%.1f%%", value)
    }
}
