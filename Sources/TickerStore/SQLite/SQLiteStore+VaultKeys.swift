import Foundation
import GRDB

extension SQLiteStore {
    public func rotateUserKey(_ r: VaultKeyRotation, now: Date) async throws {
        try await pool.write { db in
            guard let account = try Row.fetchOne(db, sql: "SELECT user_key_epoch, vault_id FROM vault_accounts WHERE user_id = ?", arguments: [r.userID])
            else { throw StoreError.invalidArgument("no vault account \(r.userID)") }
            let vaultID: String = account["vault_id"]
            let counter = try Int64.fetchOne(db, sql: "SELECT counter FROM vault_manifests WHERE vault_id = ?", arguments: [vaultID]) ?? 0
            let live = try String.fetchSet(db, sql: "SELECT item_id FROM vault_items WHERE vault_id = ? AND live", arguments: [vaultID])
            try VaultRotationRule.check(r, storedEpoch: account["user_key_epoch"], vaultID: vaultID, storedCounter: counter, liveItems: live)
            try db.execute(
                sql: """
                    UPDATE vault_accounts SET user_key_epoch = ?, wrapped_user_key = ?, recovery_wrapped_user_key = ?, wrapped_private = ?
                    WHERE user_id = ?
                    """,
                arguments: [r.newEpoch, Data(r.wrappedUserKey), Data(r.recoveryWrappedUserKey), Data(r.wrappedPrivate), r.userID])
            for vault in r.vaults {
                let update = try db.cachedStatement(sql: "UPDATE vault_items SET item_key = ?, updated_at = ? WHERE vault_id = ? AND item_id = ?")
                for (itemID, key) in vault.itemKeys {
                    try update.execute(arguments: [Data(key), now.millis, vault.vaultID, itemID])
                }
                try db.execute(
                    sql: "UPDATE vault_manifests SET counter = ?, body = ?, updated_at = ? WHERE vault_id = ?",
                    arguments: [vault.manifest.counter, Data(vault.manifest.body), now.millis, vault.vaultID])
            }
            try Self.revokeSessions(db, userID: r.userID, keeping: r.keepingSession, now: now)
        }
    }

    public func serverSecret(named name: String, proposed: [UInt8], now: Date) async throws -> [UInt8] {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO vault_server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                arguments: [name, Data(proposed), now.millis])
            guard let value = try Data.fetchOne(db, sql: "SELECT value FROM vault_server_secrets WHERE name = ?", arguments: [name]) else {
                throw StoreError.invalidArgument("server secret \(name) vanished")
            }
            return [UInt8](value)
        }
    }
}
