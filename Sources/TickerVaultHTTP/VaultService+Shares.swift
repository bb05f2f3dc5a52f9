import Foundation
import TickerHTTP
import TickerStore
import TickerVault
import TickerVaultAPI

extension VaultService {
    func createShare(_ input: Operations.CreateShare.Input) async throws -> Operations.CreateShare.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        let (account, _) = try VaultCaller.signedIn()
        try await shares.create(
            VaultShares.NewShare(
                shareID: r.shareId, recipientID: r.recipientId, vaultID: r.vaultId, itemID: r.itemId, header: try Field.bytes(r.header, "header"),
                enc: try Field.bytes(r.enc, "enc"), ct: try Field.bytes(r.ct, "ct"), sig: try Field.bytes(r.sig, "sig")),
            by: account)
        return .created(.init(body: .json(.init(shareId: r.shareId))))
    }

    func incomingShares(_ input: Operations.IncomingShares.Input) async throws -> Operations.IncomingShares.Output {
        let (account, _) = try VaultCaller.signedIn()
        let list = try await shares.incoming(for: account).map { s in
            Components.Schemas.Share(
                shareId: s.shareID, senderId: s.senderID, ownerId: s.ownerID, vaultId: s.vaultID, itemId: s.itemID, header: Field.text(s.header),
                enc: Field.text(s.enc), ct: Field.text(s.ct), sig: Field.text(s.sig), createdAt: s.createdAt)
        }
        return .ok(.init(body: .json(list)))
    }

    func revokeShare(_ input: Operations.RevokeShare.Input) async throws -> Operations.RevokeShare.Output {
        let (account, _) = try VaultCaller.signedIn()
        try await shares.revoke(input.path.shareId, by: account)
        return .noContent(.init())
    }
}
