import Foundation
import PostgresNIO

extension PostgresStore {
    /// The account row is locked like a commit locks it, so a rotation and a commit to the same
    /// vault take turns and the later one sees the other's counter.
    public func rotateUserKey(_ r: VaultKeyRotation, now: Date) async throws {
        try await write { tx in
            guard let row = try await tx.rows("SELECT user_key_epoch, vault_id FROM vault_accounts WHERE user_id = \(r.userID) FOR NO KEY UPDATE").first
            else { throw StoreError.invalidArgument("no vault account \(r.userID)") }
            let (epoch, vaultID) = try row.decode((Int, String).self)
            let counter = try await tx.value("SELECT counter FROM vault_manifests WHERE vault_id = \(vaultID)", as: Int64.self) ?? 0
            var live = Set<String>()
            for row in try await tx.rows("SELECT item_id FROM vault_items WHERE vault_id = \(vaultID) AND live") {
                live.insert(try row.decode(String.self))
            }
            try VaultRotationRule.check(r, storedEpoch: epoch, vaultID: vaultID, storedCounter: counter, liveItems: live)
            try await tx.execute(
                """
                UPDATE vault_accounts SET user_key_epoch = \(r.newEpoch), wrapped_user_key = \(Data(r.wrappedUserKey)),
                    recovery_wrapped_user_key = \(Data(r.recoveryWrappedUserKey)), wrapped_private = \(Data(r.wrappedPrivate))
                WHERE user_id = \(r.userID)
                """)
            for vault in r.vaults {
                struct Key: Encodable {
                    var item_id: String
                    var item_key: String
                }
                let keys = vault.itemKeys.map { Key(item_id: $0.key, item_key: Data($0.value).base64EncodedString()) }
                try await tx.execute(
                    """
                    UPDATE vault_items v SET item_key = decode(k.item_key, 'base64'), updated_at = \(now.millis)
                    FROM (SELECT * FROM json_to_recordset(\(try PostgresBatch.json(keys))::json) AS x(item_id text, item_key text)
                          LIMIT \(keys.count)) k
                    WHERE v.vault_id = \(vault.vaultID) AND v.item_id = k.item_id
                    """)
                try await tx.execute(
                    """
                    UPDATE vault_manifests SET counter = \(vault.manifest.counter), body = \(Data(vault.manifest.body)), updated_at = \(now.millis)
                    WHERE vault_id = \(vault.vaultID)
                    """)
            }
            try await Self.revokeSessions(tx, userID: r.userID, keeping: r.keepingSession, now: now)
        }
    }

    public func serverSecret(named name: String, proposed: [UInt8], now: Date) async throws -> [UInt8] {
        try await write { tx in
            try await tx.execute(
                """
                INSERT INTO vault_server_secrets (name, value, created_at) VALUES (\(name), \(Data(proposed)), \(now.millis))
                ON CONFLICT (name) DO NOTHING
                """)
            guard let value = try await tx.value("SELECT value FROM vault_server_secrets WHERE name = \(name)", as: Data.self) else {
                throw StoreError.invalidArgument("server secret \(name) vanished")
            }
            return [UInt8](value)
        }
    }
}
