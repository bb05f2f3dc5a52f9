import Foundation
import Testing
import TickerStore

private func key(_ scope: String, version: Int, nonce: UInt8 = 1) -> StoredDataKey {
    StoredDataKey(scope: scope, kekVersion: version, nonce: Array(repeating: nonce, count: 12), sealed: Array(repeating: 9, count: 48))
}

@Suite("Data key store contract")
struct DataKeyStoreContractTests {
    @Test("the current KEK version only moves forward", arguments: StoreKind.available)
    func currentVersion(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            #expect(try await store.currentKEKVersion() == nil)
            try await store.setCurrentKEKVersion(1, now: Date())
            try await store.setCurrentKEKVersion(2, now: Date())
            #expect(try await store.currentKEKVersion() == 2)
            await #expect(throws: DataKeyStoreError.kekVersionBackwards(current: 2, asked: 1)) { try await store.setCurrentKEKVersion(1, now: Date()) }
        }
    }

    @Test("a scope keeps its first key, and only a key sealed by the current KEK is stored", arguments: StoreKind.available)
    func firstKeyWins(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            await #expect(throws: DataKeyStoreError.kekVersionChanged(current: nil)) { _ = try await store.insertDataKey(key("user:a", version: 1), now: Date()) }
            try await store.setCurrentKEKVersion(1, now: Date())
            let first = key("user:a", version: 1, nonce: 1)
            #expect(try await store.insertDataKey(first, now: Date()) == first)
            #expect(try await store.insertDataKey(key("user:a", version: 1, nonce: 2), now: Date()) == first)
            #expect(try await store.dataKey(scope: "user:a") == first)
            try await store.setCurrentKEKVersion(2, now: Date())
            await #expect(throws: DataKeyStoreError.kekVersionChanged(current: 2)) { _ = try await store.insertDataKey(key("user:b", version: 1), now: Date()) }
            #expect(try await store.dataKey(scope: "user:b") == nil)
        }
    }

    @Test("re-wrapping replaces only seals nobody changed, and counts follow", arguments: StoreKind.available)
    func rewrap(_ kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.setCurrentKEKVersion(1, now: Date())
            for index in 0..<5 { _ = try await store.insertDataKey(key("user:\(index)", version: 1), now: Date()) }
            try await store.setCurrentKEKVersion(2, now: Date())
            #expect(try await store.dataKeyCounts() == [1: 5])
            let batch = try await store.dataKeys(sealedBefore: 2, limit: 3)
            #expect(batch.map(\.scope) == ["user:0", "user:1", "user:2"])
            let changes = batch.map { (old: $0, new: key($0.scope, version: 2, nonce: 7)) }
            #expect(try await store.rewrapDataKeys(changes, now: Date()) == 3)
            #expect(try await store.rewrapDataKeys(changes, now: Date()) == 0, "a seal already replaced is left alone")
            #expect(try await store.dataKeyCounts() == [1: 2, 2: 3])
            #expect(try await store.dataKeys(sealedBefore: 2, limit: 10).map(\.scope) == ["user:3", "user:4"])
        }
    }
}
