import Foundation
import Testing
import TickerKeys
import TickerStore
import TickerVault

private func account(_ n: Int, email: String? = nil) -> VaultAccountRecord {
    VaultAccountRecord(
        userID: "00000000-0000-4000-8000-00000000000\(n)", email: email ?? "user\(n)@example.org", vaultID: "10000000-0000-4000-8000-00000000000\(n)",
        kdf: VaultKDFSettings(kdf: 1, iterations: 600_000, memoryKiB: 0, parallelism: 0, seed: Array(repeating: UInt8(n), count: 32)),
        kdfMAC: [1, 2, 3], authVerifier: Array(repeating: 9, count: 32), wrappedUserKey: Array(repeating: 4, count: 66), userKeyEpoch: 1,
        recoveryWrappedUserKey: Array(repeating: 5, count: 66), recoveryVerifier: Array(repeating: 6, count: 32),
        identity: VaultIdentityRecord(epoch: 1, signPK: Array(repeating: 7, count: 32), encPK: Array(repeating: 8, count: 32), selfSig: [0, 1], wrappedPrivate: [2, 3]),
        createdAt: minutes(0))
}

private func item(_ id: String, version: Int64, content: UInt8 = 1) -> VaultItemRecord {
    VaultItemRecord(itemID: id, version: version, contentType: "application/vnd.ticker.plan+json", itemKey: Array(repeating: 2, count: 66), content: Array(repeating: content, count: 290))
}

private func manifest(_ counter: Int64) -> VaultManifestRecord {
    VaultManifestRecord(counter: counter, body: Array("{\"counter\":\(counter)}".utf8))
}

/// The stores themselves, and the SQLite one behind the sealing layer, which must keep the same
/// contract while every blob it stores is sealed.
enum VaultStoreKind: String, CustomStringConvertible, Sendable {
    case sqlite, postgres, sealedSQLite

    static var available: [VaultStoreKind] { StoreKind.available.map { $0 == .sqlite ? .sqlite : .postgres } + [.sealedSQLite] }
    var description: String { rawValue }
}

func withVaultStore<T: Sendable>(_ kind: VaultStoreKind, _ body: (any VaultStore) async throws -> T) async throws -> T {
    switch kind {
    case .sqlite: return try await withStore(.sqlite) { try await body($0) }
    case .postgres: return try await withStore(.postgres) { try await body($0) }
    case .sealedSQLite:
        return try await withSQLiteStore { store in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-sealed-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let keys = DataKeys(keeper: FileKeyWrapper(folder: folder), store: store)
            try await keys.initialise()
            return try await body(SealedVaultStore(store, atRest: AtRest(keys: keys)))
        }
    }
}

@Suite("Vault store contract")
struct VaultStoreContractTests {
    @Test("accounts are unique by e-mail, user id and vault id, and read back whole", arguments: VaultStoreKind.available)
    func accounts(_ kind: VaultStoreKind) async throws {
        try await withVaultStore(kind) { store in
            let alice = account(1)
            try await store.createAccount(alice)
            #expect(try await store.account(email: alice.email) == alice)
            #expect(try await store.account(userID: alice.userID) == alice)
            #expect(try await store.account(email: "nobody@example.org") == nil)
            await #expect(throws: VaultStoreError.accountExists) { try await store.createAccount(account(2, email: alice.email)) }
            var sameID = account(3)
            sameID.userID = alice.userID
            await #expect(throws: VaultStoreError.accountExists) { try await store.createAccount(sameID) }
            #expect(try await store.account(email: "user2@example.org") == nil, "a refused account leaves nothing behind")
        }
    }

    @Test("sessions are found by token hash until they expire or are revoked", arguments: VaultStoreKind.available)
    func sessions(_ kind: VaultStoreKind) async throws {
        try await withVaultStore(kind) { store in
            let alice = account(1)
            try await store.createAccount(alice)
            let first = VaultSessionRecord(tokenHash: Array(repeating: 1, count: 32), userID: alice.userID, kind: .session, createdAt: minutes(0), expiresAt: minutes(60))
            var second = first
            second.tokenHash = Array(repeating: 2, count: 32)
            try await store.createSession(first)
            try await store.createSession(second)
            #expect(try await store.session(tokenHash: first.tokenHash, now: minutes(1)) == first)
            #expect(try await store.sessionAccount(tokenHash: first.tokenHash, kind: .session, now: minutes(1)) == alice)
            #expect(try await store.sessionAccount(tokenHash: first.tokenHash, kind: .recovery, now: minutes(1)) == nil, "a session is not a recovery token")
            #expect(try await store.sessionAccount(tokenHash: first.tokenHash, kind: .session, now: minutes(60)) == nil, "expired")
            #expect(try await store.session(tokenHash: first.tokenHash, now: minutes(60)) == nil, "expired")
            #expect(try await store.session(tokenHash: Array(repeating: 3, count: 32), now: minutes(1)) == nil)
            try await store.revokeSessions(userID: alice.userID, keeping: second.tokenHash, now: minutes(2))
            #expect(try await store.session(tokenHash: first.tokenHash, now: minutes(3)) == nil)
            #expect(try await store.session(tokenHash: second.tokenHash, now: minutes(3)) == second)
            try await store.revokeSession(tokenHash: second.tokenHash, now: minutes(4))
            #expect(try await store.session(tokenHash: second.tokenHash, now: minutes(5)) == nil)
        }
    }

    @Test("commits move items and the manifest together; stale versions and counters change nothing", arguments: VaultStoreKind.available)
    func commits(_ kind: VaultStoreKind) async throws {
        try await withVaultStore(kind) { store in
            let alice = account(1)
            try await store.createAccount(alice)
            let vault = alice.vaultID
            #expect(try await store.vault(vault) == VaultContents(manifest: nil, items: []))
            await #expect(throws: VaultStoreError.vaultNotFound("nope")) { try await store.vault("nope") }

            let a = "a0000000-0000-4000-8000-000000000000", b = "b0000000-0000-4000-8000-000000000000"
            #expect(try await store.commit(VaultChange(vaultID: vault, baseCounter: 0, puts: [item(a, version: 1), item(b, version: 1)], deletes: [], manifest: manifest(1)), now: minutes(1)) == [a: 1, b: 1])
            // A stale item version names the item and its current version; a stale counter gives the counter.
            await #expect(throws: VaultStoreError.versionConflict(itemID: a, current: 1)) {
                try await store.commit(VaultChange(vaultID: vault, baseCounter: 1, puts: [item(a, version: 1, content: 9)], deletes: [], manifest: manifest(2)), now: minutes(2))
            }
            await #expect(throws: VaultStoreError.counterConflict(current: 1)) {
                try await store.commit(VaultChange(vaultID: vault, baseCounter: 0, puts: [item(a, version: 2, content: 9)], deletes: [], manifest: manifest(1)), now: minutes(2))
            }
            // A batch with one bad delete writes none of its puts.
            await #expect(throws: VaultStoreError.versionConflict(itemID: b, current: 1)) {
                try await store.commit(VaultChange(vaultID: vault, baseCounter: 1, puts: [item(a, version: 2, content: 9)], deletes: [(b, 5)], manifest: manifest(2)), now: minutes(2))
            }
            // Item keys wrapped under another User Key epoch than the account's are refused.
            await #expect(throws: VaultStoreError.epochConflict(current: 1)) {
                try await store.commit(
                    VaultChange(vaultID: vault, baseCounter: 1, puts: [item(a, version: 2, content: 9)], deletes: [], manifest: manifest(2), userKeyEpoch: 2),
                    now: minutes(2))
            }
            #expect(try await store.item(vaultID: vault, itemID: a) == item(a, version: 1))
            #expect(try await store.vault(vault).manifest == manifest(1))

            _ = try await store.commit(VaultChange(vaultID: vault, baseCounter: 1, puts: [item(a, version: 2, content: 9)], deletes: [(b, 1)], manifest: manifest(2)), now: minutes(3))
            let contents = try await store.vault(vault)
            #expect(contents.manifest == manifest(2))
            #expect(contents.items == [item(a, version: 2, content: 9)])
            #expect(try await store.item(vaultID: vault, itemID: b) == nil, "deleted")
            // A deleted item's version is never reused: writing it again continues from there.
            await #expect(throws: VaultStoreError.versionConflict(itemID: b, current: 1)) {
                try await store.commit(VaultChange(vaultID: vault, baseCounter: 2, puts: [item(b, version: 1)], deletes: [], manifest: manifest(3)), now: minutes(4))
            }
            _ = try await store.commit(VaultChange(vaultID: vault, baseCounter: 2, puts: [item(b, version: 2)], deletes: [], manifest: manifest(3)), now: minutes(4))
            await #expect(throws: VaultStoreError.itemNotFound("c0000000-0000-4000-8000-000000000000")) {
                try await store.commit(VaultChange(vaultID: vault, baseCounter: 3, puts: [], deletes: [("c0000000-0000-4000-8000-000000000000", 1)], manifest: manifest(4)), now: minutes(5))
            }
        }
    }
}

extension VaultStoreContractTests {
    @Test("racing commits: one winner per counter, the rest refused, and concurrent vaults do not disturb each other", arguments: VaultStoreKind.available)
    func racingCommits(_ kind: VaultStoreKind) async throws {
        try await withVaultStore(kind) { store in
            let accounts = (1...4).map { account($0) }
            for account in accounts { try await store.createAccount(account) }
            let a = "a0000000-0000-4000-8000-000000000000"
            // Ten writers per vault race for counter 1 (on SQLite, in shared batches).
            let outcomes = await withTaskGroup(of: (String, UInt8, Bool).self) { group in
                for account in accounts {
                    for writer in UInt8(1)...10 {
                        group.addTask {
                            let change = VaultChange(vaultID: account.vaultID, baseCounter: 0, puts: [item(a, version: 1, content: writer)], deletes: [], manifest: manifest(1))
                            do {
                                _ = try await store.commit(change, now: minutes(1))
                                return (account.vaultID, writer, true)
                            } catch let error as VaultStoreError {
                                #expect(error == .counterConflict(current: 1) || error == .versionConflict(itemID: a, current: 1), "\(error)")
                                return (account.vaultID, writer, false)
                            } catch {
                                Issue.record("\(error)")
                                return (account.vaultID, writer, false)
                            }
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for account in accounts {
                let winners = outcomes.filter { $0.0 == account.vaultID && $0.2 }
                #expect(winners.count == 1, "\(account.vaultID): \(winners)")
                let contents = try await store.vault(account.vaultID)
                #expect(contents.manifest == manifest(1))
                #expect(contents.items == winners.map { item(a, version: 1, content: $0.1) })
            }
            // Then each vault's own chain of writes, all vaults at once: every write succeeds.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for account in accounts {
                    group.addTask {
                        for version in Int64(2)...8 {
                            let change = VaultChange(
                                vaultID: account.vaultID, baseCounter: version - 1, puts: [item(a, version: version, content: 42)], deletes: [],
                                manifest: manifest(version))
                            let versions = try await store.commit(change, now: minutes(2))
                            #expect(versions == [a: version])
                        }
                    }
                }
                try await group.waitForAll()
            }
            for account in accounts {
                #expect(try await store.vault(account.vaultID) == VaultContents(manifest: manifest(8), items: [item(a, version: 8, content: 42)]))
            }
        }
    }
}

@Suite("Vault store contract: shares")
struct VaultShareStoreContractTests {
    @Test("shares reach their recipient until the sender revokes them", arguments: VaultStoreKind.available)
    func shares(_ kind: VaultStoreKind) async throws {
        try await withVaultStore(kind) { store in
            let alice = account(1), bob = account(2)
            try await store.createAccount(alice)
            try await store.createAccount(bob)
            let itemID = "a0000000-0000-4000-8000-000000000000"
            let share = VaultShareRecord(
                shareID: "50000000-0000-4000-8000-000000000000", senderID: alice.userID, recipientID: bob.userID, ownerID: alice.userID,
                vaultID: alice.vaultID, itemID: itemID, header: [1], enc: Array(repeating: 2, count: 32), ct: Array(repeating: 3, count: 49),
                sig: Array(repeating: 4, count: 64), createdAt: minutes(1))
            try await store.createShare(share)
            await #expect(throws: VaultStoreError.shareExists) { try await store.createShare(share) }
            #expect(try await store.incomingShares(recipientID: bob.userID) == [share])
            #expect(try await store.incomingShares(recipientID: alice.userID).isEmpty)
            #expect(try await store.hasActiveShare(recipientID: bob.userID, vaultID: alice.vaultID, itemID: itemID))
            #expect(try await !store.revokeShare(shareID: share.shareID, senderID: bob.userID, now: minutes(2)), "only the sender revokes")
            #expect(try await store.revokeShare(shareID: share.shareID, senderID: alice.userID, now: minutes(2)))
            #expect(try await !store.hasActiveShare(recipientID: bob.userID, vaultID: alice.vaultID, itemID: itemID))
            #expect(try await store.incomingShares(recipientID: bob.userID).isEmpty)
        }
    }
}

@Suite("Vault store contract: User Key rotation and server secrets")
struct VaultKeyStoreContractTests {
    private func rotation(_ account: VaultAccountRecord, epoch: Int, base: Int64?, keys: [String: [UInt8]], keeping: [UInt8]) -> VaultKeyRotation {
        VaultKeyRotation(
            userID: account.userID, newEpoch: epoch, wrappedUserKey: Array(repeating: 40, count: 66), recoveryWrappedUserKey: Array(repeating: 50, count: 66),
            wrappedPrivate: [20, 30],
            vaults: base.map { [VaultKeyRotation.Vault(vaultID: account.vaultID, baseCounter: $0, itemKeys: keys, manifest: manifest($0 + 1))] } ?? [],
            keepingSession: keeping)
    }

    @Test("a rotation re-wraps every live item key and moves the manifest on, or changes nothing", arguments: VaultStoreKind.available)
    func rotation(_ kind: VaultStoreKind) async throws {
        try await withVaultStore(kind) { store in
            let alice = account(1)
            try await store.createAccount(alice)
            let a = "a0000000-0000-4000-8000-000000000000", b = "b0000000-0000-4000-8000-000000000000"
            let mine = VaultSessionRecord(tokenHash: Array(repeating: 1, count: 32), userID: alice.userID, kind: .session, createdAt: minutes(0), expiresAt: minutes(60))
            var other = mine
            other.tokenHash = Array(repeating: 2, count: 32)
            try await store.createSession(mine)
            // An empty vault is left out of the rotation.
            try await store.rotateUserKey(rotation(alice, epoch: 2, base: nil, keys: [:], keeping: mine.tokenHash), now: minutes(1))
            try await store.createSession(other)
            _ = try await store.commit(
                VaultChange(vaultID: alice.vaultID, baseCounter: 0, puts: [item(a, version: 1), item(b, version: 1)], deletes: [], manifest: manifest(1)),
                now: minutes(2))
            _ = try await store.commit(VaultChange(vaultID: alice.vaultID, baseCounter: 1, puts: [], deletes: [(b, 1)], manifest: manifest(2)), now: minutes(2))

            await #expect(throws: VaultStoreError.epochConflict(current: 2)) {
                try await store.rotateUserKey(rotation(alice, epoch: 2, base: 2, keys: [a: [7]], keeping: mine.tokenHash), now: minutes(3))
            }
            await #expect(throws: VaultStoreError.rotationIncomplete(vaultID: alice.vaultID, detail: "is missing: the vault has items")) {
                try await store.rotateUserKey(rotation(alice, epoch: 3, base: nil, keys: [:], keeping: mine.tokenHash), now: minutes(3))
            }
            await #expect(throws: VaultStoreError.rotationIncomplete(vaultID: alice.vaultID, detail: "re-wraps item \(b), which is not a live item")) {
                try await store.rotateUserKey(rotation(alice, epoch: 3, base: 2, keys: [a: [7], b: [7]], keeping: mine.tokenHash), now: minutes(3))
            }
            await #expect(throws: VaultStoreError.counterConflict(current: 2)) {
                try await store.rotateUserKey(rotation(alice, epoch: 3, base: 1, keys: [a: [7]], keeping: mine.tokenHash), now: minutes(3))
            }
            #expect(try await store.account(userID: alice.userID)?.userKeyEpoch == 2, "a refused rotation changes nothing")
            #expect(try await store.session(tokenHash: other.tokenHash, now: minutes(3)) != nil)

            try await store.rotateUserKey(rotation(alice, epoch: 3, base: 2, keys: [a: [7, 7]], keeping: mine.tokenHash), now: minutes(4))
            let rotated = try #require(try await store.account(userID: alice.userID))
            #expect(rotated.userKeyEpoch == 3 && rotated.wrappedUserKey == Array(repeating: 40, count: 66))
            #expect(rotated.recoveryWrappedUserKey == Array(repeating: 50, count: 66) && rotated.identity.wrappedPrivate == [20, 30])
            #expect(rotated.identity.signPK == alice.identity.signPK, "the identity keys stay; only their wrapping changes")
            var expected = item(a, version: 1)
            expected.itemKey = [7, 7]
            #expect(try await store.vault(alice.vaultID) == VaultContents(manifest: manifest(3), items: [expected]), "versions stay, the counter moves on")
            #expect(try await store.session(tokenHash: mine.tokenHash, now: minutes(5)) != nil, "the rotating session stays")
            #expect(try await store.session(tokenHash: other.tokenHash, now: minutes(5)) == nil, "every other session ends")
        }
    }

    @Test("the first stored server secret wins and stays", arguments: VaultStoreKind.available)
    func serverSecret(_ kind: VaultStoreKind) async throws {
        try await withVaultStore(kind) { store in
            let first = try await store.serverSecret(named: "prelogin", proposed: [1, 2, 3], now: minutes(0))
            let again = try await store.serverSecret(named: "prelogin", proposed: [4, 5, 6], now: minutes(1))
            let other = try await store.serverSecret(named: "other", proposed: [7], now: minutes(1))
            #expect(first == [1, 2, 3] && again == [1, 2, 3] && other == [7])
        }
    }
}
