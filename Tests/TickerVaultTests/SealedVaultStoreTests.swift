import Foundation
import Testing
import TickerKeys
import TickerStore
import TickerVault

/// What the sealing layer puts in the database, and what it refuses to open.
@Suite("Sealed vault store (protocol section 8)")
struct SealedVaultStoreTests {
    let alice = VaultAccountRecord(
        userID: "00000000-0000-4000-8000-000000000001", email: "alice@example.org", vaultID: "10000000-0000-4000-8000-000000000001",
        kdf: VaultKDFSettings(kdf: 1, iterations: 600_000, memoryKiB: 0, parallelism: 0, seed: Array(repeating: 1, count: 32)),
        kdfMAC: [1], authVerifier: Array(repeating: 9, count: 32), wrappedUserKey: Array(repeating: 4, count: 66), userKeyEpoch: 1,
        recoveryWrappedUserKey: Array(repeating: 5, count: 66), recoveryVerifier: Array(repeating: 6, count: 32),
        identity: VaultIdentityRecord(epoch: 1, signPK: Array(repeating: 7, count: 32), encPK: Array(repeating: 8, count: 32), selfSig: [0], wrappedPrivate: [2]),
        createdAt: Date(timeIntervalSince1970: 1_800_000_000))
    let a = "a0000000-0000-4000-8000-000000000000"
    let b = "b0000000-0000-4000-8000-000000000000"

    func item(_ id: String, version: Int64, content: [UInt8]) -> VaultItemRecord {
        VaultItemRecord(itemID: id, version: version, contentType: "application/vnd.ticker.plan+json", itemKey: Array(repeating: 2, count: 66), content: content)
    }

    func change(_ counter: Int64, puts: [VaultItemRecord]) -> VaultChange {
        VaultChange(vaultID: alice.vaultID, baseCounter: counter - 1, puts: puts, deletes: [], manifest: VaultManifestRecord(counter: counter, body: Array("{\"n\":\(counter)}".utf8)))
    }

    /// A sealed store over a fresh SQLite store, and that raw store, as an intruder sees it.
    func withStores(_ body: (SealedVaultStore, SQLiteStore, DataKeys) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-sealed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let raw = try DataDirectory(path: folder.path).openStore()
        let keys = DataKeys(keeper: FileKeyWrapper(folder: folder.appendingPathComponent("keys")), store: raw)
        try await keys.initialise()
        let sealed = SealedVaultStore(raw, atRest: AtRest(keys: keys))
        try await sealed.createAccount(alice)
        try await body(sealed, raw, keys)
    }

    func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.count >= needle.count && (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test("the database holds framed, sealed blobs under the owner's data key; reads give back the client's bytes")
    func sealsWhatItStores() async throws {
        try await withStores { sealed, raw, _ in
            let content = Array("client envelope of a plan".utf8)
            _ = try await sealed.commit(change(1, puts: [item(a, version: 1, content: content)]), now: Date())
            let stored = try #require(try await raw.item(vaultID: alice.vaultID, itemID: a))
            #expect(stored.content.first == 0x10 && !contains(stored.content, content))
            #expect(stored.itemKey.first == 0x10)
            #expect(try await raw.vault(alice.vaultID).manifest?.body.first == 0x10)
            #expect(try await sealed.item(vaultID: alice.vaultID, itemID: a)?.content == content)
            #expect(try await sealed.vault(alice.vaultID).manifest?.body == Array("{\"n\":1}".utf8))
            #expect(try await raw.dataKey(scope: "user:\(alice.userID)") != nil, "one data key per user")
            let account = try #require(try await raw.account(userID: alice.userID))
            #expect(account.wrappedUserKey.first == 0x10 && account.recoveryWrappedUserKey.first == 0x10 && account.identity.wrappedPrivate.first == 0x10)
            #expect(try await sealed.account(email: alice.email) == alice)
        }
    }

    @Test("a sealed blob moved to another row, or an old version replayed, does not open")
    func refusesMovedBlobs() async throws {
        try await withStores { sealed, raw, _ in
            _ = try await sealed.commit(change(1, puts: [item(a, version: 1, content: [1, 2, 3])]), now: Date())
            let stolen = try #require(try await raw.item(vaultID: alice.vaultID, itemID: a))
            // Written straight into the database: A's sealed content as B's, and as A's next version.
            var moved = stolen
            moved.itemID = b
            var replayed = stolen
            replayed.version = 2
            _ = try await raw.commit(
                VaultChange(vaultID: alice.vaultID, baseCounter: 1, puts: [moved, replayed], deletes: [], manifest: VaultManifestRecord(counter: 2, body: [0x7B, 0x7D])),
                now: Date())
            await #expect(throws: SealedVaultStoreError.self) { _ = try await sealed.item(vaultID: alice.vaultID, itemID: b) }
            await #expect(throws: SealedVaultStoreError.self) { _ = try await sealed.item(vaultID: alice.vaultID, itemID: a) }
        }
    }

    @Test("rows written before sealing read as they are, and are sealed when next written")
    func readsOlderRows() async throws {
        try await withStores { sealed, raw, _ in
            _ = try await raw.commit(change(1, puts: [item(a, version: 1, content: [0x01, 9, 9])]), now: Date())
            #expect(try await sealed.item(vaultID: alice.vaultID, itemID: a)?.content == [0x01, 9, 9])
            _ = try await sealed.commit(change(2, puts: [item(a, version: 2, content: [0x01, 8, 8])]), now: Date())
            #expect(try await raw.item(vaultID: alice.vaultID, itemID: a)?.content.first == 0x10)
        }
    }
}
