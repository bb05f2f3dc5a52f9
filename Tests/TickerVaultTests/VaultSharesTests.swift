import Crypto
import Foundation
import Testing
import TickerStore
import TickerVault
import TickerVaultClient

@Suite("Vault server: shares")
struct VaultSharesTests {
    @Test("Alice shares an item with Bob; Bob opens it with keys he verified; revoking ends his access")
    func shareAndRevoke() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-vault-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try DataDirectory(path: folder.path).openStore()
        let accounts = VaultAccounts(store: store, serverSecret: SymmetricKey(size: .bits256))
        let items = VaultItems(store: store)
        let shares = VaultShares(store: store)
        let alice = try Registration(email: "alice@example.org", password: "alice's password")
        let bob = try Registration(email: "bob@example.org", password: "bob's password")
        try await accounts.register(VaultAccountsTests().serverRegistration(alice.request))
        try await accounts.register(VaultAccountsTests().serverRegistration(bob.request))
        let aliceRecord = try #require(try await store.account(userID: alice.request.userID))
        let bobRecord = try #require(try await store.account(userID: bob.request.userID))

        let itemID = Ids.make()
        let key = UnlockedAccount.ItemKey.fresh()
        let item = try alice.account.seal(itemID: itemID, version: 1, contentType: ContentType.plan, json: Array(#"{"note":"for Bob"}"#.utf8), itemKey: key)
        _ = try await items.commit(
            VaultChange(
                vaultID: alice.account.vaultID, baseCounter: 0, puts: [VaultItemsTests().stored(item)], deletes: [],
                manifest: try VaultItemsTests().manifestBody(alice.account, counter: 1, [item])),
            for: aliceRecord)

        let aliceBundle = try alice.account.identity.bundle(userID: alice.account.userID, epoch: 1)
        let bobBundle = try bob.account.identity.bundle(userID: bob.account.userID, epoch: 1)
        let header = Share.Header(
            shareID: Ids.make(), senderID: alice.account.userID, recipientID: bob.account.userID, ownerID: alice.account.userID,
            vaultID: alice.account.vaultID, itemID: itemID, senderFingerprint: try aliceBundle.fingerprint(),
            recipientFingerprint: try bobBundle.fingerprint(), createdAt: 1_767_225_600)
        let share = try Share(header: header, itemKey: key.key.withUnsafeBytes { Array($0) }, recipientKey: bobBundle.agreementKey, sender: alice.account.identity)
        let body = VaultShares.NewShare(
            shareID: header.shareID, recipientID: header.recipientID, vaultID: header.vaultID, itemID: itemID, header: share.header,
            enc: share.encapsulatedKey, ct: share.ciphertext, sig: share.signature)

        // Bob cannot read the item before the share, and a header that disagrees with the body is refused.
        await #expect(throws: VaultAuthError.forbidden) { try await items.item(itemID, in: alice.account.vaultID, for: bobRecord) }
        var lying = body
        lying.itemID = Ids.make()
        await #expect(throws: VaultInputError.self) { try await shares.create(lying, by: aliceRecord) }
        try await shares.create(body, by: aliceRecord)

        let incoming = try #require(try await shares.incoming(for: bobRecord).first)
        let received = Share(header: incoming.header, encapsulatedKey: incoming.enc, ciphertext: incoming.ct, signature: incoming.sig)
        let (opened, itemKey) = try received.open(
            recipient: bob.account.identity, recipientFingerprint: try bobBundle.fingerprint(), senderSigningKey: aliceBundle.signingKey,
            senderFingerprint: try aliceBundle.fingerprint())
        let shared = try await items.item(itemID, in: opened.vaultID, for: bobRecord)
        let content = try Envelope.open(
            shared.content, key: SymmetricKey(data: itemKey),
            context: EnvelopeContext(
                purpose: .itemContent, owner: opened.ownerID, vault: opened.vaultID, objectID: itemID, version: UInt64(shared.version),
                extra: shared.contentType))
        #expect(String(decoding: content, as: UTF8.self).hasPrefix(#"{"note":"for Bob"}"#))
        // Bob still may not list Alice's vault.
        await #expect(throws: VaultAuthError.forbidden) { try await items.contents(of: alice.account.vaultID, for: bobRecord) }

        try await shares.revoke(header.shareID, by: aliceRecord)
        await #expect(throws: VaultAuthError.forbidden) { try await items.item(itemID, in: alice.account.vaultID, for: bobRecord) }
        #expect(try await shares.incoming(for: bobRecord).isEmpty)
    }
}
