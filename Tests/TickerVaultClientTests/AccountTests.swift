import Crypto
import Foundation
import Testing

@testable import TickerVaultClient

/// Registration, log-in and items end to end on the client side, with the server's part played
/// by handing the registration's own fields back, as an honest server would.
@Suite("Vault client: accounts and items")
struct AccountTests {
    static let password = "correct horse battery staple"
    static let email = "  Alice@Example.org "

    func honestPrelogin(_ registration: Registration) -> PreloginResponse {
        PreloginResponse(userID: registration.request.userID, kdf: registration.request.kdf, kdfMAC: registration.request.kdfMAC)
    }

    func honestSession(_ registration: Registration) -> SessionResponse {
        let request = registration.request
        return SessionResponse(
            token: "t", userID: request.userID, vaultID: request.vaultID, userKeyEpoch: 1, wrappedUserKey: request.wrappedUserKey,
            identity: request.identity)
    }

    @Test("a registered account unlocks with the password and Secret Key, and the JSON bodies round-trip")
    func registerThenUnlock() throws {
        let registration = try Registration(email: Self.email, password: Self.password)
        #expect(registration.request.email == "alice@example.org")
        let body = try JSONEncoder().encode(registration.request)
        #expect(try JSONDecoder().decode(AccountRequest.self, from: body) == registration.request)
        let text = String(decoding: body, as: UTF8.self)
        #expect(!text.contains(Self.password) && !text.contains(registration.secretKey.text) && !text.contains(registration.recoveryKey.text))

        let unlock = try Unlock(email: Self.email, password: Self.password, secretKey: registration.secretKey, prelogin: honestPrelogin(registration), pin: nil)
        #expect(unlock.authKey == registration.request.authKey)
        let (account, pin) = try unlock.open(honestSession(registration), pin: nil)
        #expect(account.userKey == registration.account.userKey)
        #expect(pin == registration.pin)

        // A wrong password derives another wrap key: the User Key does not open.
        let wrong = try Unlock(email: Self.email, password: "wrong", secretKey: registration.secretKey, prelogin: honestPrelogin(registration), pin: nil)
        #expect(wrong.authKey != registration.request.authKey)
        #expect(throws: VaultError.self) { try wrong.open(honestSession(registration), pin: nil) }
    }

    @Test("a server cannot weaken, forge or swap what the device checks before sending auth_key")
    func maliciousPrelogin() throws {
        let registration = try Registration(email: Self.email, password: Self.password)
        var weaker = honestPrelogin(registration)
        weaker.kdf.iterations = 100_000
        #expect(throws: VaultError.self) { try Unlock(email: Self.email, password: Self.password, secretKey: registration.secretKey, prelogin: weaker, pin: nil) }
        var reseeded = honestPrelogin(registration)
        reseeded.kdf.seed = Array(repeating: 7, count: 32)
        #expect(throws: VaultError.self) { try Unlock(email: Self.email, password: Self.password, secretKey: registration.secretKey, prelogin: reseeded, pin: nil) }
        var stronger = registration.pin
        stronger.parameters.iterations = 700_000
        #expect(throws: VaultError.self) {
            try Unlock(email: Self.email, password: Self.password, secretKey: registration.secretKey, prelogin: honestPrelogin(registration), pin: stronger)
        }
        #expect(throws: VaultError.self) {
            try Unlock(email: Self.email, password: Self.password, secretKey: SecretKey.random(), prelogin: honestPrelogin(registration), pin: nil)
        }
        var oldEpoch = registration.pin
        oldEpoch.userKeyEpoch = 2
        let unlock = try Unlock(email: Self.email, password: Self.password, secretKey: registration.secretKey, prelogin: honestPrelogin(registration), pin: nil)
        #expect(throws: VaultError.self) { try unlock.open(honestSession(registration), pin: oldEpoch) }
    }

    @Test("items open only as the item and version the reader expects, and are padded to 256 bytes")
    func items() throws {
        let account = try Registration(email: Self.email, password: Self.password).account
        let itemID = Ids.make()
        let json = Array(#"{"type":"plan","accounts":[]}"#.utf8)
        let record = try account.seal(itemID: itemID, version: 1, contentType: ContentType.plan, json: json)
        #expect(record.content.count == 256 + 34)
        let opened = try account.open(record, itemID: itemID, version: 1)
        #expect(opened.json.prefix(json.count) == json[...] && opened.json.dropFirst(json.count).allSatisfy { $0 == 0x20 })
        #expect(throws: VaultError.self) { try account.open(record, itemID: Ids.make(), version: 1) }
        #expect(throws: VaultError.self) { try account.open(record, itemID: itemID, version: 2) }
        var retyped = record
        retyped.contentType = "text/plain"
        #expect(throws: VaultError.self) { try account.open(retyped, itemID: itemID, version: 1) }

        let next = try account.seal(itemID: itemID, version: 2, contentType: ContentType.plan, json: json, itemKey: opened.itemKey)
        let manifest = Manifest(owner: account.userID, vaultID: account.vaultID, counter: 2, entries: [try next.manifestEntry()])
        let mac = try manifest.mac(userKey: account.userKey)
        try manifest.verify(mac: mac, userKey: account.userKey)
        var rolledBack = manifest
        rolledBack.entries = [try record.manifestEntry()]
        #expect(throws: VaultError.self) { try rolledBack.verify(mac: mac, userKey: account.userKey) }
    }
}
