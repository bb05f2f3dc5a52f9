import Foundation
import PostgresNIO

extension PostgresStore {
    public func createShare(_ s: VaultShareRecord) async throws {
        do {
            try await write { tx in
                try await tx.execute(
                    """
                    INSERT INTO vault_shares (share_id, sender_id, recipient_id, owner_id, vault_id, item_id, header, enc, ct, sig, created_at)
                    VALUES (\(s.shareID), \(s.senderID), \(s.recipientID), \(s.ownerID), \(s.vaultID), \(s.itemID), \(Data(s.header)),
                            \(Data(s.enc)), \(Data(s.ct)), \(Data(s.sig)), \(s.createdAt.millis))
                    """)
            }
        } catch let error as PostgresStoreError where error.sqlState == "23505" {
            throw VaultStoreError.shareExists
        }
    }

    public func incomingShares(recipientID: String) async throws -> [VaultShareRecord] {
        try await read { tx in
            try await tx.rows(
                """
                SELECT share_id, sender_id, recipient_id, owner_id, vault_id, item_id, header, enc, ct, sig, created_at FROM vault_shares
                WHERE recipient_id = \(recipientID) AND revoked_at IS NULL ORDER BY created_at, share_id
                """
            ).map { row in
                let (shareID, senderID, recipient, ownerID, vaultID, itemID, header, enc, ct, sig, created) = try row.decode(
                    (String, String, String, String, String, String, Data, Data, Data, Data, Int64).self)
                return VaultShareRecord(
                    shareID: shareID, senderID: senderID, recipientID: recipient, ownerID: ownerID, vaultID: vaultID, itemID: itemID,
                    header: [UInt8](header), enc: [UInt8](enc), ct: [UInt8](ct), sig: [UInt8](sig), createdAt: Date(millis: created))
            }
        }
    }

    public func revokeShare(shareID: String, senderID: String, now: Date) async throws -> Bool {
        try await write { tx in
            try await tx.rows(
                """
                UPDATE vault_shares SET revoked_at = COALESCE(revoked_at, \(now.millis))
                WHERE share_id = \(shareID) AND sender_id = \(senderID) RETURNING share_id
                """
            ).count > 0
        }
    }

    public func hasActiveShare(recipientID: String, vaultID: String, itemID: String) async throws -> Bool {
        try await read { tx in
            try await tx.value(
                """
                SELECT 1 FROM vault_shares
                WHERE recipient_id = \(recipientID) AND vault_id = \(vaultID) AND item_id = \(itemID) AND revoked_at IS NULL LIMIT 1
                """, as: Int.self) != nil
        }
    }
}
