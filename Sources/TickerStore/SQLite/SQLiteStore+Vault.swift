import Foundation
import GRDB

extension SQLiteStore: VaultStore {
    public func createAccount(_ a: VaultAccountRecord) async throws {
        try await pool.write { db in
            do {
                try db.execute(
                    sql: """
                        INSERT INTO vault_accounts (user_id, email, vault_id, kdf, iterations, memory_kib, parallelism, seed, kdf_mac,
                            auth_verifier, wrapped_user_key, user_key_epoch, recovery_wrapped_user_key, recovery_verifier,
                            identity_epoch, sign_pk, enc_pk, self_sig, wrapped_private, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        a.userID, a.email, a.vaultID, a.kdf.kdf, a.kdf.iterations, a.kdf.memoryKiB, a.kdf.parallelism, Data(a.kdf.seed),
                        Data(a.kdfMAC), Data(a.authVerifier), Data(a.wrappedUserKey), a.userKeyEpoch, Data(a.recoveryWrappedUserKey),
                        Data(a.recoveryVerifier), a.identity.epoch, Data(a.identity.signPK), Data(a.identity.encPK),
                        Data(a.identity.selfSig), Data(a.identity.wrappedPrivate), a.createdAt.millis,
                    ])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw VaultStoreError.accountExists
            }
        }
    }

    public func account(email: String) async throws -> VaultAccountRecord? {
        try await pool.read { db in try db.cachedRow("SELECT * FROM vault_accounts WHERE email = ?", [email]).map(Self.vaultAccount) }
    }

    public func account(userID: String) async throws -> VaultAccountRecord? {
        try await pool.read { db in try db.cachedRow("SELECT * FROM vault_accounts WHERE user_id = ?", [userID]).map(Self.vaultAccount) }
    }

    public func account(vaultID: String) async throws -> VaultAccountRecord? {
        try await pool.read { db in try db.cachedRow("SELECT * FROM vault_accounts WHERE vault_id = ?", [vaultID]).map(Self.vaultAccount) }
    }

    public func sessionAccount(tokenHash: [UInt8], kind: VaultSessionRecord.Kind, now: Date) async throws -> VaultAccountRecord? {
        try await pool.read { db in
            try db.cachedRow(
                """
                SELECT a.* FROM vault_sessions s JOIN vault_accounts a ON a.user_id = s.user_id
                WHERE s.token_hash = ? AND s.kind = ? AND s.revoked_at IS NULL AND s.expires_at > ?
                """,
                [Data(tokenHash), kind.rawValue, now.millis]
            ).map(Self.vaultAccount)
        }
    }

    public func createSession(_ s: VaultSessionRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO vault_sessions (token_hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [Data(s.tokenHash), s.userID, s.kind.rawValue, s.createdAt.millis, s.expiresAt.millis])
        }
    }

    public func session(tokenHash: [UInt8], now: Date) async throws -> VaultSessionRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM vault_sessions WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?",
                arguments: [Data(tokenHash), now.millis]
            ).map { row in
                VaultSessionRecord(
                    tokenHash: [UInt8](row["token_hash"] as Data), userID: row["user_id"], kind: VaultSessionRecord.Kind(rawValue: row["kind"]) ?? .recovery,
                    createdAt: Date(millis: row["created_at"]), expiresAt: Date(millis: row["expires_at"]))
            }
        }
    }

    public func revokeSession(tokenHash: [UInt8], now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE vault_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL", arguments: [now.millis, Data(tokenHash)])
        }
    }

    public func revokeSessions(userID: String, keeping: [UInt8]?, now: Date) async throws {
        try await pool.write { db in try Self.revokeSessions(db, userID: userID, keeping: keeping, now: now) }
    }

    static func revokeSessions(_ db: Database, userID: String, keeping: [UInt8]?, now: Date) throws {
        try db.execute(
            sql: "UPDATE vault_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND token_hash IS NOT ?",
            arguments: [now.millis, userID, keeping.map { Data($0) }])
    }

    public func vault(_ vaultID: String) async throws -> VaultContents {
        try await pool.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM vault_accounts WHERE vault_id = ?", arguments: [vaultID]) != nil else {
                throw VaultStoreError.vaultNotFound(vaultID)
            }
            let manifest = try Row.fetchOne(db, sql: "SELECT counter, body FROM vault_manifests WHERE vault_id = ?", arguments: [vaultID])
                .map { VaultManifestRecord(counter: $0[0], body: [UInt8]($0[1] as Data)) }
            let items = try Row.fetchAll(
                db, sql: "SELECT * FROM vault_items WHERE vault_id = ? AND live ORDER BY item_id", arguments: [vaultID]
            ).map(Self.vaultItem)
            return VaultContents(manifest: manifest, items: items)
        }
    }

    public func item(vaultID: String, itemID: String) async throws -> VaultItemRecord? {
        try await pool.read { db in
            try db.cachedRow("SELECT * FROM vault_items WHERE vault_id = ? AND item_id = ? AND live", [vaultID, itemID]).map(Self.vaultItem)
        }
    }

    /// Commits go through `vaultCommits`: SQLite has one writer, so changes that arrive together
    /// share one transaction (each in a savepoint of its own) instead of queueing for one each.
    public func commit(_ change: VaultChange, now: Date) async throws -> [String: Int64] {
        try await vaultCommits.submit(PendingVaultChange(change: change, now: now))
    }

    /// Applies a batch of changes in one transaction. A change that breaks the commit rule, or
    /// fails in any other way, is rolled back to its savepoint and fails alone; the others go on.
    /// Nobody hears of success before the transaction is committed.
    static func commit(_ batch: [PendingVaultChange], in pool: DatabasePool) async -> [Result<[String: Int64], any Error>] {
        do {
            return try await pool.write { db in
                var results: [Result<[String: Int64], any Error>] = []
                for pending in batch {
                    do {
                        try db.inSavepoint {
                            try apply(pending.change, now: pending.now, db)
                            return .commit
                        }
                        results.append(.success(Dictionary(uniqueKeysWithValues: pending.change.puts.map { ($0.itemID, $0.version) })))
                    } catch {
                        // Some SQLite errors roll the whole transaction back: what follows would
                        // then run outside it, so the batch stops here and fails as a whole.
                        guard db.isInsideTransaction else { throw error }
                        results.append(.failure(error))
                    }
                }
                return results
            }
        } catch {
            return batch.map { _ in .failure(error) }
        }
    }

    private static func apply(_ change: VaultChange, now: Date, _ db: Database) throws {
        guard
            let state = try db.cachedRow(
                """
                SELECT a.user_key_epoch, COALESCE(m.counter, 0) FROM vault_accounts a LEFT JOIN vault_manifests m ON m.vault_id = a.vault_id
                WHERE a.vault_id = ?
                """, [change.vaultID])
        else { throw VaultStoreError.vaultNotFound(change.vaultID) }
        var versions: [String: (version: Int64, live: Bool)] = [:]
        for itemID in change.puts.map(\.itemID) + change.deletes.map(\.itemID) {
            if let row = try db.cachedRow("SELECT version, live FROM vault_items WHERE vault_id = ? AND item_id = ?", [change.vaultID, itemID]) {
                versions[itemID] = (row[0], row[1])
            }
        }
        try VaultCommitRule.check(change, storedCounter: state[1], storedEpoch: state[0], versions: versions)
        for put in change.puts {
            try db.cachedExecute(
                """
                INSERT INTO vault_items (vault_id, item_id, version, live, content_type, item_key, content, updated_at)
                VALUES (?, ?, ?, 1, ?, ?, ?, ?)
                ON CONFLICT (vault_id, item_id) DO UPDATE SET version = excluded.version, live = 1,
                    content_type = excluded.content_type, item_key = excluded.item_key, content = excluded.content,
                    updated_at = excluded.updated_at
                """,
                [change.vaultID, put.itemID, put.version, put.contentType, Data(put.itemKey), Data(put.content), now.millis])
        }
        for delete in change.deletes {
            try db.cachedExecute(
                """
                UPDATE vault_items SET live = 0, content_type = NULL, item_key = NULL, content = NULL, updated_at = ?
                WHERE vault_id = ? AND item_id = ?
                """,
                [now.millis, change.vaultID, delete.itemID])
        }
        try db.cachedExecute(
            """
            INSERT INTO vault_manifests (vault_id, counter, body, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (vault_id) DO UPDATE SET counter = excluded.counter, body = excluded.body, updated_at = excluded.updated_at
            """,
            [change.vaultID, change.manifest.counter, Data(change.manifest.body), now.millis])
    }

    public func replaceCredentials(_ c: VaultCredentialChange, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE vault_accounts SET kdf = ?, iterations = ?, memory_kib = ?, parallelism = ?, seed = ?, kdf_mac = ?,
                        auth_verifier = ?, wrapped_user_key = ?
                    WHERE user_id = ?
                    """,
                arguments: [
                    c.kdf.kdf, c.kdf.iterations, c.kdf.memoryKiB, c.kdf.parallelism, Data(c.kdf.seed), Data(c.kdfMAC), Data(c.authVerifier),
                    Data(c.wrappedUserKey), c.userID,
                ])
            guard db.changesCount == 1 else { throw StoreError.invalidArgument("no vault account \(c.userID)") }
            if let recovery = c.recovery {
                try db.execute(
                    sql: "UPDATE vault_accounts SET recovery_wrapped_user_key = ?, recovery_verifier = ? WHERE user_id = ?",
                    arguments: [Data(recovery.wrappedUserKey), Data(recovery.verifier), c.userID])
            }
            try Self.revokeSessions(db, userID: c.userID, keeping: c.keepingSession, now: now)
        }
    }

    private static func vaultItem(_ row: Row) -> VaultItemRecord {
        VaultItemRecord(
            itemID: row["item_id"], version: row["version"], contentType: row["content_type"] ?? "",
            itemKey: [UInt8]((row["item_key"] as Data?) ?? Data()), content: [UInt8]((row["content"] as Data?) ?? Data()))
    }

    private static func vaultAccount(_ row: Row) -> VaultAccountRecord {
        func bytes(_ column: String) -> [UInt8] { [UInt8](row[column] as Data) }
        return VaultAccountRecord(
            userID: row["user_id"], email: row["email"], vaultID: row["vault_id"],
            kdf: VaultKDFSettings(
                kdf: row["kdf"], iterations: row["iterations"], memoryKiB: row["memory_kib"], parallelism: row["parallelism"], seed: bytes("seed")),
            kdfMAC: bytes("kdf_mac"), authVerifier: bytes("auth_verifier"), wrappedUserKey: bytes("wrapped_user_key"),
            userKeyEpoch: row["user_key_epoch"], recoveryWrappedUserKey: bytes("recovery_wrapped_user_key"),
            recoveryVerifier: bytes("recovery_verifier"),
            identity: VaultIdentityRecord(
                epoch: row["identity_epoch"], signPK: bytes("sign_pk"), encPK: bytes("enc_pk"), selfSig: bytes("self_sig"),
                wrappedPrivate: bytes("wrapped_private")),
            createdAt: Date(millis: row["created_at"]))
    }
}

/// A vault change waiting for the next batch of commits.
struct PendingVaultChange: Sendable {
    var change: VaultChange
    var now: Date
}
