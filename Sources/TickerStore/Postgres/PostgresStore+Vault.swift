import Foundation
import PostgresNIO

extension PostgresStore: VaultStore {
    public func createAccount(_ a: VaultAccountRecord) async throws {
        do {
            try await write { tx in
                try await tx.execute(
                    """
                    INSERT INTO vault_accounts (user_id, email, vault_id, kdf, iterations, memory_kib, parallelism, seed, kdf_mac,
                        auth_verifier, wrapped_user_key, user_key_epoch, recovery_wrapped_user_key, recovery_verifier,
                        identity_epoch, sign_pk, enc_pk, self_sig, wrapped_private, created_at)
                    VALUES (\(a.userID), \(a.email), \(a.vaultID), \(a.kdf.kdf), \(a.kdf.iterations), \(a.kdf.memoryKiB), \(a.kdf.parallelism),
                        \(Data(a.kdf.seed)), \(Data(a.kdfMAC)), \(Data(a.authVerifier)), \(Data(a.wrappedUserKey)), \(a.userKeyEpoch),
                        \(Data(a.recoveryWrappedUserKey)), \(Data(a.recoveryVerifier)), \(a.identity.epoch), \(Data(a.identity.signPK)),
                        \(Data(a.identity.encPK)), \(Data(a.identity.selfSig)), \(Data(a.identity.wrappedPrivate)), \(a.createdAt.millis))
                    """)
            }
        } catch let error as PostgresStoreError where error.sqlState == "23505" {
            throw VaultStoreError.accountExists
        }
    }

    public func account(email: String) async throws -> VaultAccountRecord? {
        try await read { tx in try await tx.rows("SELECT \(unescaped: Self.vaultAccountColumns) FROM vault_accounts WHERE email = \(email)").first.map(Self.vaultAccount) }
    }

    public func account(userID: String) async throws -> VaultAccountRecord? {
        try await read { tx in try await tx.rows("SELECT \(unescaped: Self.vaultAccountColumns) FROM vault_accounts WHERE user_id = \(userID)").first.map(Self.vaultAccount) }
    }

    public func account(vaultID: String) async throws -> VaultAccountRecord? {
        try await read { tx in
            try await tx.rows("SELECT \(unescaped: Self.vaultAccountColumns) FROM vault_accounts WHERE vault_id = \(vaultID)").first.map(Self.vaultAccount)
        }
    }

    public func sessionAccount(tokenHash: [UInt8], kind: VaultSessionRecord.Kind, now: Date) async throws -> VaultAccountRecord? {
        try await read { tx in
            try await tx.rows(
                """
                SELECT \(unescaped: Self.vaultAccountColumnsOfA)
                FROM vault_sessions s JOIN vault_accounts a ON a.user_id = s.user_id
                WHERE s.token_hash = \(Data(tokenHash)) AND s.kind = \(kind.rawValue) AND s.revoked_at IS NULL AND s.expires_at > \(now.millis)
                """
            ).first.map(Self.vaultAccount)
        }
    }

    public func createSession(_ s: VaultSessionRecord) async throws {
        try await write { tx in
            try await tx.execute(
                """
                INSERT INTO vault_sessions (token_hash, user_id, kind, created_at, expires_at)
                VALUES (\(Data(s.tokenHash)), \(s.userID), \(s.kind.rawValue), \(s.createdAt.millis), \(s.expiresAt.millis))
                """)
        }
    }

    public func session(tokenHash: [UInt8], now: Date) async throws -> VaultSessionRecord? {
        try await read { tx in
            try await tx.rows(
                """
                SELECT user_id, kind, created_at, expires_at FROM vault_sessions
                WHERE token_hash = \(Data(tokenHash)) AND revoked_at IS NULL AND expires_at > \(now.millis)
                """
            ).first.map { row in
                let (userID, kind, created, expires) = try row.decode((String, String, Int64, Int64).self)
                return VaultSessionRecord(
                    tokenHash: tokenHash, userID: userID, kind: VaultSessionRecord.Kind(rawValue: kind) ?? .recovery,
                    createdAt: Date(millis: created), expiresAt: Date(millis: expires))
            }
        }
    }

    public func revokeSession(tokenHash: [UInt8], now: Date) async throws {
        try await write { tx in
            try await tx.execute("UPDATE vault_sessions SET revoked_at = \(now.millis) WHERE token_hash = \(Data(tokenHash)) AND revoked_at IS NULL")
        }
    }

    public func revokeSessions(userID: String, keeping: [UInt8]?, now: Date) async throws {
        try await write { tx in try await Self.revokeSessions(tx, userID: userID, keeping: keeping, now: now) }
    }

    static func revokeSessions(_ tx: PostgresTransaction, userID: String, keeping: [UInt8]?, now: Date) async throws {
        try await tx.execute(
            """
            UPDATE vault_sessions SET revoked_at = \(now.millis)
            WHERE user_id = \(userID) AND revoked_at IS NULL AND token_hash IS DISTINCT FROM \(keeping.map { Data($0) })
            """)
    }

    public func vault(_ vaultID: String) async throws -> VaultContents {
        try await read { tx in
            guard try await tx.value("SELECT 1 FROM vault_accounts WHERE vault_id = \(vaultID)", as: Int.self) != nil else {
                throw VaultStoreError.vaultNotFound(vaultID)
            }
            let manifest = try await tx.rows("SELECT counter, body FROM vault_manifests WHERE vault_id = \(vaultID)").first.map { row in
                let (counter, body) = try row.decode((Int64, Data).self)
                return VaultManifestRecord(counter: counter, body: [UInt8](body))
            }
            let items = try await tx.rows(
                "SELECT \(unescaped: Self.vaultItemColumns) FROM vault_items WHERE vault_id = \(vaultID) AND live ORDER BY item_id"
            ).map(Self.vaultItem)
            return VaultContents(manifest: manifest, items: items)
        }
    }

    public func item(vaultID: String, itemID: String) async throws -> VaultItemRecord? {
        try await read { tx in
            try await tx.rows(
                "SELECT \(unescaped: Self.vaultItemColumns) FROM vault_items WHERE vault_id = \(vaultID) AND item_id = \(itemID) AND live"
            ).first.map(Self.vaultItem)
        }
    }

    /// The manifest row is locked first, so two commits to one vault take turns and the second
    /// sees the first's counter.
    public func commit(_ change: VaultChange, now: Date) async throws -> [String: Int64] {
        try await write { tx in
            guard let epoch = try await tx.value("SELECT user_key_epoch FROM vault_accounts WHERE vault_id = \(change.vaultID) FOR NO KEY UPDATE", as: Int.self)
            else { throw VaultStoreError.vaultNotFound(change.vaultID) }
            let stored = try await tx.value("SELECT counter FROM vault_manifests WHERE vault_id = \(change.vaultID)", as: Int64.self) ?? 0
            let named = change.puts.map(\.itemID) + change.deletes.map(\.itemID)
            var versions: [String: (version: Int64, live: Bool)] = [:]
            for row in try await tx.rows("SELECT item_id, version, live FROM vault_items WHERE vault_id = \(change.vaultID) AND item_id = ANY(\(named))") {
                let (itemID, version, live) = try row.decode((String, Int64, Bool).self)
                versions[itemID] = (version, live)
            }
            try VaultCommitRule.check(change, storedCounter: stored, storedEpoch: epoch, versions: versions)
            for put in change.puts {
                try await tx.execute(
                    """
                    INSERT INTO vault_items (vault_id, item_id, version, live, content_type, item_key, content, updated_at)
                    VALUES (\(change.vaultID), \(put.itemID), \(put.version), true, \(put.contentType), \(Data(put.itemKey)), \(Data(put.content)), \(now.millis))
                    ON CONFLICT (vault_id, item_id) DO UPDATE SET version = excluded.version, live = true,
                        content_type = excluded.content_type, item_key = excluded.item_key, content = excluded.content,
                        updated_at = excluded.updated_at
                    """)
            }
            for delete in change.deletes {
                try await tx.execute(
                    """
                    UPDATE vault_items SET live = false, content_type = NULL, item_key = NULL, content = NULL, updated_at = \(now.millis)
                    WHERE vault_id = \(change.vaultID) AND item_id = \(delete.itemID)
                    """)
            }
            try await tx.execute(
                """
                INSERT INTO vault_manifests (vault_id, counter, body, updated_at)
                VALUES (\(change.vaultID), \(change.manifest.counter), \(Data(change.manifest.body)), \(now.millis))
                ON CONFLICT (vault_id) DO UPDATE SET counter = excluded.counter, body = excluded.body, updated_at = excluded.updated_at
                """)
            return Dictionary(uniqueKeysWithValues: change.puts.map { ($0.itemID, $0.version) })
        }
    }

    public func replaceCredentials(_ c: VaultCredentialChange, now: Date) async throws {
        try await write { tx in
            let updated = try await tx.rows(
                """
                UPDATE vault_accounts SET kdf = \(c.kdf.kdf), iterations = \(c.kdf.iterations), memory_kib = \(c.kdf.memoryKiB),
                    parallelism = \(c.kdf.parallelism), seed = \(Data(c.kdf.seed)), kdf_mac = \(Data(c.kdfMAC)),
                    auth_verifier = \(Data(c.authVerifier)), wrapped_user_key = \(Data(c.wrappedUserKey))
                WHERE user_id = \(c.userID) RETURNING user_id
                """)
            guard updated.count == 1 else { throw StoreError.invalidArgument("no vault account \(c.userID)") }
            if let recovery = c.recovery {
                try await tx.execute(
                    """
                    UPDATE vault_accounts SET recovery_wrapped_user_key = \(Data(recovery.wrappedUserKey)),
                        recovery_verifier = \(Data(recovery.verifier))
                    WHERE user_id = \(c.userID)
                    """)
            }
            try await Self.revokeSessions(tx, userID: c.userID, keeping: c.keepingSession, now: now)
        }
    }

    static let vaultItemColumns = "item_id, version, content_type, item_key, content"

    static func vaultItem(_ row: PostgresRow) throws -> VaultItemRecord {
        let (itemID, version, contentType, itemKey, content) = try row.decode((String, Int64, String?, Data?, Data?).self)
        return VaultItemRecord(
            itemID: itemID, version: version, contentType: contentType ?? "", itemKey: [UInt8](itemKey ?? Data()), content: [UInt8](content ?? Data()))
    }

    static let vaultAccountColumns = """
        user_id, email, vault_id, kdf, iterations, memory_kib, parallelism, seed, kdf_mac, auth_verifier, wrapped_user_key, user_key_epoch,
        recovery_wrapped_user_key, recovery_verifier, identity_epoch, sign_pk, enc_pk, self_sig, wrapped_private, created_at
        """

    /// The same columns, of the table aliased `a`.
    static let vaultAccountColumnsOfA = vaultAccountColumns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .joined(separator: ", ")

    static func vaultAccount(_ row: PostgresRow) throws -> VaultAccountRecord {
        let c = row.makeRandomAccess()
        func bytes(_ i: Int) throws -> [UInt8] { [UInt8](try c[i].decode(Data.self)) }
        return VaultAccountRecord(
            userID: try c[0].decode(String.self), email: try c[1].decode(String.self), vaultID: try c[2].decode(String.self),
            kdf: VaultKDFSettings(
                kdf: try c[3].decode(Int.self), iterations: try c[4].decode(Int.self), memoryKiB: try c[5].decode(Int.self),
                parallelism: try c[6].decode(Int.self), seed: try bytes(7)),
            kdfMAC: try bytes(8), authVerifier: try bytes(9), wrappedUserKey: try bytes(10), userKeyEpoch: try c[11].decode(Int.self),
            recoveryWrappedUserKey: try bytes(12), recoveryVerifier: try bytes(13),
            identity: VaultIdentityRecord(
                epoch: try c[14].decode(Int.self), signPK: try bytes(15), encPK: try bytes(16), selfSig: try bytes(17), wrappedPrivate: try bytes(18)),
            createdAt: Date(millis: try c[19].decode(Int64.self)))
    }
}
