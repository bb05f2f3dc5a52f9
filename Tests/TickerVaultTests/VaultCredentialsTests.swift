import Crypto
import Foundation
import Testing
import TickerStore
import TickerVault
import TickerVaultClient

@Suite("Vault server: password change and recovery")
struct VaultCredentialsTests {
    func server(_ body: CredentialsBody) -> NewCredentials {
        NewCredentials(kdf: body.kdf, kdfMAC: body.kdfMAC, authKey: body.authKey, wrappedUserKey: body.wrappedUserKey)
    }

    @Test("a password change keeps the User Key, ends other sessions, and needs the current password")
    func passwordChange() async throws {
        try await VaultAccountsTests().withAccounts { accounts in
            let client = try Registration(email: "erin@example.org", password: "old password")
            try await accounts.register(VaultAccountsTests().serverRegistration(client.request))
            let (other, _) = try await accounts.logIn(email: "erin@example.org", authKey: client.request.authKey)
            let (mine, account) = try await accounts.logIn(email: "erin@example.org", authKey: client.request.authKey)
            let (_, myHash) = try await accounts.authenticate(token: mine)
            let (body, _) = try client.account.newCredentials(password: "new password", secretKey: client.secretKey, current: client.request.kdf)

            await #expect(throws: VaultAuthError.badCredentials) {
                try await accounts.changePassword(account, currentAuthKey: Array(repeating: 0, count: 32), new: server(body), session: myHash)
            }
            var weaker = body
            weaker.kdf.iterations = 100_000
            await #expect(throws: VaultInputError.self) {
                try await accounts.changePassword(account, currentAuthKey: client.request.authKey, new: server(weaker), session: myHash)
            }
            try await accounts.changePassword(account, currentAuthKey: client.request.authKey, new: server(body), session: myHash)
            await #expect(throws: VaultAuthError.unauthorized) { try await accounts.authenticate(token: other) }
            _ = try await accounts.authenticate(token: mine)
            await #expect(throws: VaultAuthError.badCredentials) { try await accounts.logIn(email: "erin@example.org", authKey: client.request.authKey) }

            // The new password unlocks the same User Key.
            let prelogin = try await accounts.prelogin(email: "erin@example.org")
            let unlock = try Unlock(
                email: "erin@example.org", password: "new password", secretKey: client.secretKey,
                prelogin: PreloginResponse(userID: prelogin.userID, kdf: prelogin.kdf, kdfMAC: prelogin.kdfMAC), pin: client.pin)
            let (_, record) = try await accounts.logIn(email: "erin@example.org", authKey: unlock.authKey)
            let (unlocked, _) = try unlock.open(
                SessionResponse(
                    token: "t", userID: record.userID, vaultID: record.vaultID, userKeyEpoch: 1, wrappedUserKey: record.wrappedUserKey,
                    identity: client.request.identity),
                pin: client.pin)
            #expect(unlocked.userKey == client.account.userKey)
        }
    }

    @Test("recovery with the Recovery Key sets a new password, Secret Key and Recovery Key, and ends every session")
    func recovery() async throws {
        try await VaultAccountsTests().withAccounts { accounts in
            let client = try Registration(email: "finn@example.org", password: "forgotten")
            try await accounts.register(VaultAccountsTests().serverRegistration(client.request))
            let (session, _) = try await accounts.logIn(email: "finn@example.org", authKey: client.request.authKey)
            await #expect(throws: VaultAuthError.badCredentials) {
                try await accounts.startRecovery(email: "finn@example.org", recoveryAuthKey: Array(repeating: 1, count: 32))
            }
            await #expect(throws: VaultAuthError.badCredentials) {
                try await accounts.startRecovery(email: "nobody@example.org", recoveryAuthKey: Array(repeating: 1, count: 32))
            }
            let keys = try RecoveryKeys(recoveryKey: client.recoveryKey, userID: client.request.userID)
            let (token, account) = try await accounts.startRecovery(email: "finn@example.org", recoveryAuthKey: keys.authKey)
            // A recovery token is not a session.
            await #expect(throws: VaultAuthError.unauthorized) { try await accounts.authenticate(token: token) }

            let userKey = try Recovery.openUserKey(
                recoveryKey: client.recoveryKey, userID: account.userID, wrappedUserKey: account.recoveryWrappedUserKey, userKeyEpoch: 1)
            #expect(userKey == client.account.userKey)
            let newSecret = SecretKey.random()
            let (body, _) = try client.account.newCredentials(password: "remembered", secretKey: newSecret, current: client.request.kdf)
            let newRecovery = try client.account.recoveryMaterial(RecoveryKey.random())
            try await accounts.completeRecovery(token: token, new: server(body), newRecovery: (newRecovery.wrappedUserKey, newRecovery.authKey))
            await #expect(throws: VaultAuthError.unauthorized) { try await accounts.authenticate(token: session) }
            await #expect(throws: VaultAuthError.unauthorized) {
                try await accounts.completeRecovery(token: token, new: server(body), newRecovery: (newRecovery.wrappedUserKey, newRecovery.authKey))
            }
            _ = try await accounts.logIn(email: "finn@example.org", authKey: body.authKey)
            await #expect(throws: VaultAuthError.badCredentials) { try await accounts.startRecovery(email: "finn@example.org", recoveryAuthKey: keys.authKey) }
        }
    }
}
