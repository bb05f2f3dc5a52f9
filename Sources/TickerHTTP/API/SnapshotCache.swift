import Synchronization
import TickerStore

/// Values derived from the published ISIN snapshots, kept in memory until a newer snapshot is
/// published.
///
/// Which snapshot is current is asked of the store at most once per `recheck`, so a cached value
/// may lag a publish by that long, never longer. When full, the cache starts over rather than
/// track recency: the keys clients ask for most come back within moments.
final class SnapshotCache<Value: Sendable>: Sendable {
    private struct State {
        var snapshot: Int64?
        var checked: ContinuousClock.Instant?
        var entries: [String: Value] = [:]
    }

    private let store: any ISINStore
    private let capacity: Int
    private let recheck: Duration
    private let state = Mutex(State())

    init(store: any ISINStore, capacity: Int = 100_000, recheck: Duration = .seconds(1)) {
        self.store = store
        self.capacity = capacity
        self.recheck = recheck
    }

    /// The cached value for `key` under the current snapshot, or nil.
    func value(for key: String) async throws -> Value? {
        try await lookup(key).value
    }

    /// The current snapshot and the value cached for `key` under it; a miss is stored with that
    /// snapshot, so that a publish meanwhile drops it.
    func lookup(_ key: String) async throws -> (snapshot: Int64?, value: Value?) {
        let snapshot = try await currentSnapshot()
        return (snapshot, state.withLock { $0.snapshot == snapshot ? $0.entries[key] : nil })
    }

    /// Remembers `value`, computed while `snapshot` was current; dropped if it no longer is.
    func store(_ value: Value, for key: String, snapshot: Int64?) {
        state.withLock { state in
            guard state.snapshot == snapshot else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = value
        }
    }

    /// The current snapshot's id, from memory while the last check is recent.
    func currentSnapshot() async throws -> Int64? {
        let now = ContinuousClock.now
        let known = state.withLock { state -> Int64?? in
            guard let checked = state.checked, now - checked < recheck else { return nil }
            return .some(state.snapshot)
        }
        if let known { return known }
        let current = try await store.currentSnapshot()?.id
        state.withLock { state in
            if state.snapshot != current { state.entries.removeAll() }
            state.snapshot = current
            state.checked = now
        }
        return current
    }
}
