import Crypto
import Foundation
import Synchronization
import Testing
import TickerKeys
import TickerStore

/// A keeper that stops working after a number of unwraps: a rotation that dies half way.
private final class DyingKeeper: KeyWrapper {
    let inner: FileKeyWrapper
    let unwrapsLeft: Mutex<Int>

    init(_ inner: FileKeyWrapper, unwraps: Int) {
        self.inner = inner
        unwrapsLeft = Mutex(unwraps)
    }

    struct Died: Error {}

    var location: String { inner.location }
    var isHardwareBacked: Bool { false }
    func versions() async throws -> [Int] { try await inner.versions() }
    func create(version: Int) async throws { try await inner.create(version: version) }
    func destroy(version: Int) async throws { try await inner.destroy(version: version) }
    func wrap(_ key: [UInt8], aad: [UInt8], version: Int) async throws -> WrappedKey { try await inner.wrap(key, aad: aad, version: version) }
    func facts(version: Int) async throws -> KEKFacts { try await inner.facts(version: version) }
    func unwrap(_ key: WrappedKey, aad: [UInt8]) async throws -> [UInt8] {
        let alive = unwrapsLeft.withLock { left in
            left -= 1
            return left >= 0
        }
        guard alive else { throw Died() }
        return try await inner.unwrap(key, aad: aad)
    }
}

@Suite("KEK rotation")
struct KEKRotationTests {
    /// A key folder of the test case's own (the cases of a parametrized test run at once).
    private func keyFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("ticker-kek-\(UUID().uuidString)")
    }

    private func bytes(_ key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// Makes a data key for each scope and returns their values.
    private func make(_ scopes: [String], _ keys: DataKeys) async throws -> [String: [UInt8]] {
        var made: [String: [UInt8]] = [:]
        for scope in scopes { made[scope] = bytes(try await keys.key(for: scope)) }
        return made
    }

    /// Every key opens, through a cache-less `DataKeys`, to the value it had.
    private func expectUnchanged(_ before: [String: [UInt8]], keeper: any KeyWrapper, store: any DataKeyStore) async throws {
        let fresh = DataKeys(keeper: keeper, store: store)
        for (scope, value) in before {
            let opened = bytes(try await fresh.key(for: scope))
            #expect(opened == value, "\(scope)")
        }
    }

    @Test("a rotation re-wraps every data key, keeps their values and destroys the old KEK", arguments: StoreKind.available)
    func rotates(_ kind: StoreKind) async throws {
        let folder = keyFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withStore(kind) { store in
            let keeper = FileKeyWrapper(folder: folder)
            let keys = DataKeys(keeper: keeper, store: store)
            #expect(try await keys.initialise() == 1)
            let before = try await make((0..<60).map { "user:\($0)" }, keys)
            let report = try await KEKRotation(keys: keys, batchSize: 25).run()
            #expect(report == .init(from: 1, to: 2, resumed: false, rewrapped: 60, destroyed: [1]))
            #expect(try await keeper.versions() == [2])
            #expect(try await store.dataKeyCounts() == [2: 60])
            try await expectUnchanged(before, keeper: keeper, store: store)
        }
    }

    @Test("a rotation that died half way is finished by running it again, and nothing is lost", arguments: StoreKind.available)
    func resumes(_ kind: StoreKind) async throws {
        let folder = keyFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withStore(kind) { store in
            let keeper = FileKeyWrapper(folder: folder)
            let keys = DataKeys(keeper: keeper, store: store)
            try await keys.initialise()
            let before = try await make((0..<100).map { "table:t\($0)" }, keys)
            let dying = DataKeys(keeper: DyingKeeper(keeper, unwraps: 55), store: store)
            await #expect(throws: DyingKeeper.Died.self) { _ = try await KEKRotation(keys: dying, batchSize: 20).run() }
            #expect(try await store.currentKEKVersion() == 2)
            #expect(try await store.dataKeyCounts() == [1: 60, 2: 40])
            #expect(try await keeper.versions() == [1, 2], "the old KEK stays while keys need it")
            // Mid-rotation, every key still opens, and a new scope's key is sealed by the new KEK.
            try await expectUnchanged(before, keeper: keeper, store: store)
            _ = try await DataKeys(keeper: keeper, store: store).key(for: "user:new")
            #expect(try await store.dataKey(scope: "user:new")?.kekVersion == 2)

            let report = try await KEKRotation(keys: keys).run()
            #expect(report == .init(from: 2, to: 2, resumed: true, rewrapped: 60, destroyed: [1]))
            try await expectUnchanged(before, keeper: keeper, store: store)
        }
    }

    @Test("serving refuses a database whose current KEK the keeper does not hold", arguments: StoreKind.available)
    func checksTheKeeper(_ kind: StoreKind) async throws {
        let folder = keyFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withStore(kind) { store in
            let keys = DataKeys(keeper: FileKeyWrapper(folder: folder), store: store)
            let none = await #expect(throws: KeyWrapperError.self) { _ = try await keys.check() }
            #expect(none?.message.contains("ticker keys init") == true)
            try await keys.initialise()
            #expect(try await keys.check() == 1)
            let elsewhere = DataKeys(keeper: FileKeyWrapper(folder: folder.appendingPathComponent("other")), store: store)
            let missing = await #expect(throws: KeyWrapperError.self) { _ = try await elsewhere.check() }
            #expect(missing?.kind == .keyNotFound)
        }
    }
}
