import Crypto
import Foundation
import Testing

@testable import TickerVaultClient

/// What a client catches when the server lies about a vault's contents.
@Suite("Vault client: checking what the server returns")
struct VaultCheckTests {
    let account: UnlockedAccount
    init() throws { account = try Registration(email: "gil@example.org", password: "a password").account }

    func item(_ id: String, version: UInt64, _ text: String) throws -> ItemRecord {
        try account.seal(itemID: id, version: version, contentType: ContentType.plan, json: Array(text.utf8))
    }

    func response(counter: UInt64, _ items: [ItemRecord], listing: [ItemRecord]? = nil) throws -> VaultResponse {
        let manifest = Manifest(owner: account.userID, vaultID: account.vaultID, counter: counter, entries: try (listing ?? items).map { try $0.manifestEntry() })
        return VaultResponse(manifest: try ManifestBody(manifest, userKey: account.userKey), items: items)
    }

    @Test("an honest vault passes and moves the pin forward; every kind of lie is refused")
    func lies() throws {
        let a1 = try item(Ids.make(), version: 1, "{}"), b1 = try item(Ids.make(), version: 1, "{}")
        let a2 = try item(a1.itemID, version: 2, #"{"v":2}"#)
        let (items, pin1) = try account.check(try response(counter: 1, [a1, b1]), pin: nil)
        #expect(items.count == 2)
        let (_, pin2) = try account.check(try response(counter: 2, [a2, b1]), pin: pin1)
        #expect(pin2?.counter == 2)

        let lies: [(String, VaultResponse, ManifestPin?)] = [
            ("rollback to an older manifest", try response(counter: 1, [a1, b1]), pin2),
            ("another manifest under the same counter", try response(counter: 2, [a2]), pin2),
            ("an item withheld", try response(counter: 3, [a2], listing: [a2, b1]), pin2),
            ("an item the manifest does not list", try response(counter: 3, [a2, b1], listing: [a2]), pin2),
            ("an old version of an item", try response(counter: 3, [a1, b1], listing: [a2, b1]), pin2),
            ("no manifest after writes", VaultResponse(manifest: nil, items: []), pin2),
        ]
        for (what, vault, pin) in lies {
            #expect(throws: VaultError.self, "\(what)") { try account.check(vault, pin: pin) }
        }
        // A manifest the server made up: it cannot compute the MAC.
        var forged = try response(counter: 3, [a2, b1])
        forged.manifest?.mac = Array(repeating: 0, count: 32)
        #expect(throws: VaultError.self) { try account.check(forged, pin: pin2) }
        // A manifest of another user's vault does not verify under this user's key.
        let other = try Registration(email: "hal@example.org", password: "x").account
        let theirs = Manifest(owner: other.userID, vaultID: other.vaultID, counter: 3, entries: [])
        #expect(throws: VaultError.self) {
            try account.check(VaultResponse(manifest: try ManifestBody(theirs, userKey: other.userKey), items: []), pin: pin2)
        }
    }
}
