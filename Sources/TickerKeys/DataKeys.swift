import Crypto
import Foundation
import Synchronization
import TickerStore

/// The server's data keys: one per user (`user:<id>`) and one per other protected table
/// (`table:<name>`), made on first use, stored sealed by the current KEK, opened through the keeper
/// and kept in memory for a few minutes so that not every request is a call to the HSM.
public final class DataKeys: Sendable {
    public let keeper: any KeyWrapper
    let store: any DataKeyStore
    let lifetime: Duration
    private let cache = Mutex<[String: (key: SymmetricKey, until: ContinuousClock.Instant)]>([:])
    /// Open keys held at most; past it the cache starts again from empty.
    private let capacity = 50_000

    /// Told of each data key this process made, with the KEK version that sealed it (for the
    /// audit log).
    let created: (@Sendable (_ scope: String, _ kekVersion: Int) async -> Void)?

    public init(
        keeper: any KeyWrapper, store: any DataKeyStore, lifetime: Duration = .seconds(300),
        created: (@Sendable (_ scope: String, _ kekVersion: Int) async -> Void)? = nil
    ) {
        self.keeper = keeper
        self.store = store
        self.lifetime = lifetime
        self.created = created
    }

    /// The data key of `scope`, made (and sealed by the current KEK) if the scope has none.
    public func key(for scope: String) async throws -> SymmetricKey {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[scope] }), cached.until > now { return cached.key }
        let key = try await open(scope)
        cache.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[scope] = (key, now.advanced(by: lifetime))
        }
        return key
    }

    private func open(_ scope: String) async throws -> SymmetricKey {
        if let stored = try await store.dataKey(scope: scope) { return try await unwrap(stored) }
        // A rotation may make a new KEK current between reading it and storing the key: the store
        // refuses the stale seal and the key is sealed again under the new version.
        for _ in 0..<3 {
            guard let version = try await store.currentKEKVersion() else { throw DataKeyStoreError.kekVersionChanged(current: nil) }
            let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            let wrapped = try await keeper.wrap(fresh, aad: DataKeyAAD.bytes(scope: scope, kekVersion: version), version: version)
            do {
                let stored = try await store.insertDataKey(
                    StoredDataKey(scope: scope, kekVersion: version, nonce: wrapped.nonce, sealed: wrapped.sealed), now: Date())
                guard stored.nonce == wrapped.nonce else { return try await unwrap(stored) }
                await created?(scope, version)
                return SymmetricKey(data: fresh)
            } catch DataKeyStoreError.kekVersionChanged {
                continue
            }
        }
        throw DataKeyStoreError.kekVersionChanged(current: try await store.currentKEKVersion())
    }

    private func unwrap(_ stored: StoredDataKey) async throws -> SymmetricKey {
        let wrapped = WrappedKey(kekVersion: stored.kekVersion, nonce: stored.nonce, sealed: stored.sealed)
        return SymmetricKey(data: try await keeper.unwrap(wrapped, aad: DataKeyAAD.bytes(scope: stored.scope, kekVersion: stored.kekVersion)))
    }

    /// Makes sure the keeper holds a KEK and the database names a current one. Returns the
    /// current version. `ticker keys init` calls it; so does `ticker serve` with a key file.
    @discardableResult
    public func initialise() async throws -> Int {
        if let current = try await store.currentKEKVersion() {
            guard try await keeper.versions().contains(current) else {
                throw KeyWrapperError(.keyNotFound, Self.missing(current, keeper))
            }
            return current
        }
        let version = try await keeper.versions().last ?? 1
        try await keeper.create(version: version)
        try await store.setCurrentKEKVersion(version, now: Date())
        return version
    }

    /// Checks, before serving, that the database's current KEK is in the keeper.
    public func check() async throws -> Int {
        guard let current = try await store.currentKEKVersion() else {
            throw KeyWrapperError(.keyNotFound, "no KEK is current: run `ticker keys init` (it makes one in \(keeper.location))")
        }
        guard try await keeper.versions().contains(current) else {
            throw KeyWrapperError(.keyNotFound, Self.missing(current, keeper))
        }
        return current
    }

    private static func missing(_ version: Int, _ keeper: any KeyWrapper) -> String {
        "the database says KEK v\(version) is current, but \(keeper.location) does not hold it: every node of a deployment needs the same KEKs "
            + (keeper.isHardwareBacked ? "(check the token label and keys.pkcs11.label_prefix)" : "(share keys.file.dir between them, or better, use an HSM)")
    }

    public func forgetCachedKeys() {
        cache.withLock { $0.removeAll() }
    }
}
