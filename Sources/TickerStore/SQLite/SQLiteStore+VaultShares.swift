import Foundation
import GRDB

extension SQLiteStore {
    public func createShare(_ s: VaultShareRecord) async throws {
        try await pool.write { db in
            do {
                try db.execute(
                    sql: """
                        INSERT INTO vault_shares (share_id, sender_id, recipient_id, owner_id, vault_id, item_id, header, enc, ct, sig, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        s.shareID, s.senderID, s.recipientID, s.ownerID, s.vaultID, s.itemID, Data(s.header), Data(s.enc), Data(s.ct), Data(s.sig),
                        s.createdAt.millis,
                    ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw VaultStoreError.shareExists
            }
        }
    }

    public func incomingShares(recipientID: String) async throws -> [VaultShareRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM vault_shares WHERE recipient_id = ? AND revoked_at IS NULL ORDER BY created_at, share_id",
                arguments: [recipientID]
            ).map { row in
                VaultShareRecord(
                    shareID: row["share_id"], senderID: row["sender_id"], recipientID: row["recipient_id"], ownerID: row["owner_id"],
                    vaultID: row["vault_id"], itemID: row["item_id"], header: [UInt8](row["header"] as Data), enc: [UInt8](row["enc"] as Data),
                    ct: [UInt8](row["ct"] as Data), sig: [UInt8](row["sig"] as Data), createdAt: Date(millis: row["created_at"]))
            }
        }
    }

    public func revokeShare(shareID: String, senderID: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE vault_shares SET revoked_at = COALESCE(revoked_at, ?) WHERE share_id = ? AND sender_id = ?",
                arguments: [now.millis, shareID, senderID])
            return db.changesCount > 0
        }
    }

    public func hasActiveShare(recipientID: String, vaultID: String, itemID: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM vault_shares WHERE recipient_id = ? AND vault_id = ? AND item_id = ? AND revoked_at IS NULL LIMIT 1",
                arguments: [recipientID, vaultID, itemID]) != nil
        }
    }
}
