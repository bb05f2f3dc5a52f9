import Crypto
import Foundation
import Testing
import TickerStore
import TickerVault
import TickerVaultClient

/// The server's account and session rules, driven by the real client (tests are the one place
/// where the server's module meets the client's).
@Suite("Vault server: accounts and sessions")
struct VaultAccountsTests {
    static let password = "correct horse battery staple"

    func withAccounts<T>(_ body: (VaultAccounts) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-vault-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try DataDirectory(path: folder.path).openStore()
        return try await body(VaultAccounts(store: store, serverSecret: SymmetricKey(size: .bits256)))
    }

    func serverRegistration(_ r: AccountRequest) -> VaultAccounts.Registration {
        VaultAccounts.Registration(
            userID: r.userID, email: r.email, vaultID: r.vaultID, kdf: r.kdf, kdfMAC: r.kdfMAC, authKey: r.authKey, wrappedUserKey: r.wrappedUserKey,
            userKeyEpoch: Int(r.userKeyEpoch), recoveryWrappedUserKey: r.recovery.wrappedUserKey, recoveryAuthKey: r.recovery.authKey,
            identity: r.identity.bundle(userID: r.userID), wrappedPrivate: r.identity.wrappedPrivate)
    }

    @Test("register, prelogin, log in, authenticate, log out")
    func lifecycle() async throws {
        try await withAccounts { accounts in
            let client = try Registration(email: "Alice@Example.org", password: Self.password)
            try await accounts.register(serverRegistration(client.request))
            await #expect(throws: VaultStoreError.accountExists) { try await accounts.register(serverRegistration(client.request)) }

            let prelogin = try await accounts.prelogin(email: " alice@example.org")
            let unlock = try Unlock(
                email: "alice@example.org", password: Self.password, secretKey: client.secretKey,
                prelogin: PreloginResponse(userID: prelogin.userID, kdf: prelogin.kdf, kdfMAC: prelogin.kdfMAC), pin: client.pin)
            let (token, account) = try await accounts.logIn(email: "alice@example.org", authKey: unlock.authKey)
            #expect(account.userID == client.request.userID)
            let (session, hash) = try await accounts.authenticate(token: token)
            #expect(session.vaultID == client.request.vaultID)
            // Others find Alice's public identity, and it verifies and matches her fingerprint.
            let published = try #require(try await accounts.identity(email: "ALICE@example.org"))
            try published.verifySelfSignature()
            #expect(try published.fingerprint() == (try client.account.identity.bundle(userID: client.request.userID, epoch: 1).fingerprint()))
            #expect(try await accounts.identity(userID: client.request.userID) == published)
            #expect(try await accounts.identity(email: "nobody@example.org") == nil)
            try await accounts.logOut(tokenHash: hash)
            await #expect(throws: VaultAuthError.unauthorized) { try await accounts.authenticate(token: token) }
            await #expect(throws: VaultAuthError.unauthorized) { try await accounts.authenticate(token: "not a token") }
        }
    }

    @Test("a wrong key and an unknown e-mail get the same refusal; unknown e-mails get stable, plausible prelogins")
    func enumeration() async throws {
        try await withAccounts { accounts in
            let client = try Registration(email: "bob@example.org", password: Self.password)
            try await accounts.register(serverRegistration(client.request))
            await #expect(throws: VaultAuthError.badCredentials) { try await accounts.logIn(email: "bob@example.org", authKey: Array(repeating: 1, count: 32)) }
            await #expect(throws: VaultAuthError.badCredentials) { try await accounts.logIn(email: "nobody@example.org", authKey: Array(repeating: 1, count: 32)) }
            let fake = try await accounts.prelogin(email: "nobody@example.org")
            let again = try await accounts.prelogin(email: "NOBODY@example.org")
            #expect(fake.userID == again.userID && fake.kdf == again.kdf && fake.kdfMAC == again.kdfMAC)
            #expect(fake.kdf.iterations == 600_000 && fake.kdf.seed.count == 32 && fake.kdfMAC.count == 32)
            #expect(fake.userID.count == 36 && Array(fake.userID)[14] == "4")
            try fake.kdf.checkSafe()
        }
    }

    @Test("registration refuses weak parameters, bad sizes and a forged identity, naming the field, and stores nothing")
    func badRegistrations() async throws {
        try await withAccounts { accounts in
            let good = serverRegistration(try Registration(email: "carol@example.org", password: Self.password).request)
            var cases: [(String, VaultAccounts.Registration)] = []
            var r = good
            r.kdf.iterations = 1_000
            cases.append(("kdf", r))
            r = good
            r.authKey = [1, 2, 3]
            cases.append(("auth_key", r))
            r = good
            r.userID = r.userID.uppercased()
            cases.append(("user_id", r))
            r = good
            r.wrappedUserKey[2] = 9
            cases.append(("wrapped_user_key", r))
            r = good
            r.identity.selfSignature[0] ^= 1
            cases.append(("identity.self_sig", r))
            r = good
            r.email = "not an address"
            cases.append(("email", r))
            for (field, registration) in cases {
                await #expect(throws: VaultInputError.self, "\(field)") { try await accounts.register(registration) }
                do { try await accounts.register(registration) } catch let error as VaultInputError { #expect(error.field == field) }
            }
            #expect(try await accounts.prelogin(email: "carol@example.org").kdfMAC != good.kdfMAC, "nothing was stored")
        }
    }
}
