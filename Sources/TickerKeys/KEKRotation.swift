import Foundation
import TickerStore

/// `ticker keys rotate`: makes a new KEK current, re-wraps every data key with it in batches, then
/// destroys each older KEK that no data key needs any more. Data is never re-encrypted (its data
/// keys do not change) and serving goes on throughout.
///
/// Every step can be repeated, so a rotation stopped at any point (even by `kill -9`) is finished
/// by running the command again:
/// - a KEK made in the keeper but not yet current is picked up and made current;
/// - the batches only pick keys still sealed by an older version, and each batch is one
///   transaction that only replaces a seal nobody changed meanwhile;
/// - an old KEK is destroyed only when the count of keys it seals is zero, and no node can seal a
///   new key with it once a newer version is current (`DataKeyStore.insertDataKey`).
public struct KEKRotation: Sendable {
    public struct Report: Sendable, Encodable, Equatable {
        public var from: Int?
        public var to: Int
        public var resumed: Bool
        public var rewrapped: Int
        public var destroyed: [Int]

        public init(from: Int?, to: Int, resumed: Bool, rewrapped: Int, destroyed: [Int]) {
            self.from = from
            self.to = to
            self.resumed = resumed
            self.rewrapped = rewrapped
            self.destroyed = destroyed
        }
    }

    let keys: DataKeys
    var batchSize = 100

    public init(keys: DataKeys, batchSize: Int = 100) {
        self.keys = keys
        self.batchSize = batchSize
    }

    /// Runs the rotation to its end; `progress` hears the running count after each batch.
    public func run(progress: @Sendable (Int) -> Void = { _ in }) async throws -> Report {
        let store = keys.store, keeper = keys.keeper
        let current = try await store.currentKEKVersion()
        let top = try await keeper.versions().last
        let target: Int
        var resumed = true
        if let top, top > (current ?? 0) {
            target = top
        } else if let current, try await !store.dataKeys(sealedBefore: current, limit: 1).isEmpty {
            target = current
        } else {
            target = (top ?? 0) + 1
            resumed = false
            try await keeper.create(version: target)
        }
        try await store.setCurrentKEKVersion(target, now: Date())
        var rewrapped = 0
        while true {
            let batch = try await store.dataKeys(sealedBefore: target, limit: batchSize)
            if batch.isEmpty { break }
            var changes: [(old: StoredDataKey, new: StoredDataKey)] = []
            for old in batch {
                let plain = try await keeper.unwrap(
                    WrappedKey(kekVersion: old.kekVersion, nonce: old.nonce, sealed: old.sealed),
                    aad: DataKeyAAD.bytes(scope: old.scope, kekVersion: old.kekVersion))
                let new = try await keeper.wrap(plain, aad: DataKeyAAD.bytes(scope: old.scope, kekVersion: target), version: target)
                changes.append((old, StoredDataKey(scope: old.scope, kekVersion: target, nonce: new.nonce, sealed: new.sealed)))
            }
            rewrapped += try await store.rewrapDataKeys(changes, now: Date())
            progress(rewrapped)
        }
        let counts = try await store.dataKeyCounts()
        var destroyed: [Int] = []
        for version in try await keeper.versions() where version < target && counts[version, default: 0] == 0 {
            try await keeper.destroy(version: version)
            destroyed.append(version)
        }
        keys.forgetCachedKeys()
        return Report(from: current, to: target, resumed: resumed, rewrapped: rewrapped, destroyed: destroyed)
    }
}
