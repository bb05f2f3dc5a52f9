import Crypto
import Foundation
import Testing
import TickerStore
import TickerVault
import TickerVaultClient

@Suite("Vault server: items")
struct VaultItemsTests {
    /// A registered client with its unlocked account, the server's record of it, and the item service.
    func withVault<T>(_ body: (UnlockedAccount, VaultAccountRecord, VaultItems, any VaultStore) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-vault-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try DataDirectory(path: folder.path).openStore()
        let accounts = VaultAccounts(store: store, serverSecret: SymmetricKey(size: .bits256))
        let client = try Registration(email: "dora@example.org", password: "a long password")
        try await accounts.register(VaultAccountsTests().serverRegistration(client.request))
        let record = try #require(try await store.account(email: "dora@example.org"))
        return try await body(client.account, record, VaultItems(store: store), store)
    }

    func manifestBody(_ account: UnlockedAccount, counter: UInt64, _ records: [ItemRecord]) throws -> VaultManifestRecord {
        let manifest = Manifest(owner: account.userID, vaultID: account.vaultID, counter: counter, entries: try records.map { try $0.manifestEntry() })
        let json: [String: Any] = [
            "counter": counter, "mac": Base64URL.encode(try manifest.mac(userKey: account.userKey)),
            "entries": manifest.entries.map { ["item_id": $0.itemID, "version": $0.version, "digest": Base64URL.encode($0.digest)] },
        ]
        return VaultManifestRecord(counter: Int64(counter), body: Array(try JSONSerialization.data(withJSONObject: json)))
    }

    func stored(_ r: ItemRecord) -> VaultItemRecord {
        VaultItemRecord(itemID: r.itemID, version: Int64(r.version), contentType: r.contentType, itemKey: r.itemKey, content: r.content)
    }

    @Test("a client's item goes in and comes back as written; the server refuses other users and bad shapes")
    func roundTrip() async throws {
        try await withVault { account, record, items, store in
            let itemID = Ids.make()
            let item = try account.seal(itemID: itemID, version: 1, contentType: ContentType.plan, json: Array(#"{"goals":[]}"#.utf8))
            let change = VaultChange(vaultID: account.vaultID, baseCounter: 0, puts: [stored(item)], deletes: [], manifest: try manifestBody(account, counter: 1, [item]))
            #expect(try await items.commit(change, for: record) == [itemID: 1])
            let back = try await items.item(itemID, in: account.vaultID, for: record)
            #expect(back == stored(item))
            let opened = try account.open(
                ItemRecord(itemID: back.itemID, vaultID: account.vaultID, version: UInt64(back.version), contentType: back.contentType, itemKey: back.itemKey, content: back.content),
                itemID: itemID, version: 1)
            #expect(String(decoding: opened.json, as: UTF8.self).hasPrefix(#"{"goals":[]}"#))

            var stranger = record
            stranger.vaultID = Ids.make()
            await #expect(throws: VaultAuthError.forbidden) { try await items.contents(of: account.vaultID, for: stranger) }
            await #expect(throws: VaultAuthError.forbidden) { try await items.commit(change, for: stranger) }

            var badKey = stored(item)
            badKey.itemKey.removeLast()
            var badManifest = change
            badManifest.manifest.body = Array("{}".utf8)
            for bad in [VaultChange(vaultID: account.vaultID, baseCounter: 1, puts: [badKey], deletes: [], manifest: try manifestBody(account, counter: 2, [item])), badManifest] {
                await #expect(throws: VaultInputError.self) { try await items.commit(bad, for: record) }
            }
            #expect(try await store.vault(account.vaultID).manifest?.counter == 1, "nothing stored by refused commits")
        }
    }
}
