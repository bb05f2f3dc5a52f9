import Crypto
import Foundation

/// An item another user shared, decrypted with the key they sealed to this account.
public struct ReceivedItem: Sendable, Equatable {
    public var shareID: String
    public var senderID: String
    public var item: OpenedItem
}

extension VaultSession {
    /// The public identity of the account with `email`, its self-signature checked. Its
    /// fingerprint is what the two people compare out of band before it goes into contacts.
    public func lookUp(email: String) async throws -> (bundle: IdentityBundle, fingerprint: Fingerprint) {
        let bundle = try await server.lookUp(email: email, token: token).bundle
        try bundle.verifySelfSignature()
        return (bundle, try bundle.fingerprint())
    }

    /// Shares an item with the account of `email`, whose fingerprint the user verified with them:
    /// a server that presents another key (its own) for that address is caught here.
    public func share(_ itemID: String, toContact email: String, verified fingerprint: Fingerprint) async throws -> String {
        let (bundle, presented) = try await lookUp(email: email)
        guard presented == fingerprint else {
            throw VaultError.integrity("the server presents another key for \(email) than the one you verified; nothing was shared")
        }
        return try await share(itemID, with: bundle)
    }

    /// Shares an item of this vault with `recipient`, whose fingerprint the caller has verified.
    /// Returns the share's id.
    public func share(_ itemID: String, with recipient: IdentityBundle, now: Date = Date()) async throws -> String {
        try recipient.verifySelfSignature()
        let (records, _) = try await checkedVault()
        guard let record = records[itemID] else { throw VaultError.malformed("the vault has no item \(itemID)") }
        let (_, itemKey) = try account.open(record, itemID: itemID, version: record.version)
        let own = try account.identity.bundle(userID: account.userID, epoch: account.identityEpoch)
        let header = Share.Header(
            shareID: Ids.make(), senderID: account.userID, recipientID: recipient.userID, ownerID: account.userID, vaultID: account.vaultID,
            itemID: itemID, senderFingerprint: try own.fingerprint(), recipientFingerprint: try recipient.fingerprint(),
            createdAt: UInt64(now.timeIntervalSince1970))
        let share = try Share(
            header: header, itemKey: itemKey.key.withUnsafeBytes { Array($0) }, recipientKey: recipient.agreementKey, sender: account.identity)
        try await server.share(
            ShareBody(
                share_id: header.shareID, recipient_id: recipient.userID, vault_id: account.vaultID, item_id: itemID, header: share.header,
                enc: share.encapsulatedKey, ct: share.ciphertext, sig: share.signature),
            token: token)
        return header.shareID
    }

    /// The items shared with this account by senders in `contacts` (user id → the fingerprint
    /// verified with them). Shares from anyone else are skipped: their key is not trusted.
    public func received(from contacts: [String: Fingerprint]) async throws -> [ReceivedItem] {
        let own = try account.identity.bundle(userID: account.userID, epoch: account.identityEpoch).fingerprint()
        var received: [ReceivedItem] = []
        for incoming in try await server.incomingShares(token: token) {
            guard let pinned = contacts[incoming.senderID] else { continue }
            let sender = try await server.identity(of: incoming.senderID, token: token).bundle
            try sender.verifySelfSignature()
            guard try sender.fingerprint() == pinned else { throw VaultError.integrity("the server presented another key for contact \(incoming.senderID)") }
            let (header, keyBytes) = try incoming.share.open(
                recipient: account.identity, recipientFingerprint: own, senderSigningKey: sender.signingKey, senderFingerprint: pinned)
            let record = try await server.item(header.itemID, in: header.vaultID, token: token)
            // Without the owner's manifest the recipient takes the version from the record (rule 11.14).
            let json = try Envelope.open(
                record.content, key: SymmetricKey(data: keyBytes),
                context: EnvelopeContext(
                    purpose: .itemContent, owner: header.ownerID, vault: header.vaultID, objectID: header.itemID, version: record.version,
                    extra: record.contentType))
            received.append(
                ReceivedItem(
                    shareID: incoming.shareID, senderID: incoming.senderID,
                    item: OpenedItem(itemID: header.itemID, version: record.version, contentType: record.contentType, json: Self.unpadded(json))))
        }
        return received
    }

    public func revokeShare(_ shareID: String) async throws {
        try await server.revokeShare(shareID, token: token)
    }
}

extension VaultSession {
    /// Regains an account with its Recovery Key: sets a new password, a new Secret Key and a new
    /// Recovery Key (the old ones stop working) and ends every session. Returns the new secrets,
    /// which the caller must show the user once.
    public static func recover(
        on server: VaultServer, email: String, recoveryKey: RecoveryKey, newPassword: String
    ) async throws -> (secretKey: SecretKey, recoveryKey: RecoveryKey, pins: DevicePins) {
        let prelogin = try await server.prelogin(email: email)
        let recovery = try RecoveryKeys(recoveryKey: recoveryKey, userID: prelogin.userID)
        let started = try await server.startRecovery(email: email, recoveryAuthKey: recovery.authKey)
        guard started.userID == prelogin.userID else { throw VaultError.integrity("the recovery answer belongs to another account") }
        let userKey = try Recovery.openUserKey(
            recoveryKey: recoveryKey, userID: started.userID, wrappedUserKey: started.wrappedUserKey, userKeyEpoch: started.userKeyEpoch)
        let bundle = started.identity.bundle(userID: started.userID)
        try bundle.verifySelfSignature()
        let identity = try IdentityKeys(
            privateBundle: try Envelope.open(started.identity.wrappedPrivate, key: userKey, context: .identity(owner: started.userID, epoch: bundle.epoch)))
        let account = UnlockedAccount(
            userID: started.userID, email: EmailAddress.canonical(email), vaultID: started.vaultID, userKey: userKey, userKeyEpoch: started.userKeyEpoch,
            identity: identity, identityEpoch: bundle.epoch)
        // The parameters never go down: at least the defaults, at least what the server holds.
        var floor = KDFParameters.fresh()
        if (try? prelogin.kdf.checkSafe()) != nil, prelogin.kdf.kdf == floor.kdf { floor.iterations = max(floor.iterations, prelogin.kdf.iterations) }
        let secretKey = SecretKey.random()
        let newRecoveryKey = RecoveryKey.random()
        let current = floor
        let (body, pin) = try await KeyStretching.run { try account.newCredentials(password: newPassword, secretKey: secretKey, current: current) }
        try await server.completeRecovery(
            RecoveryCompleteBody(recoveryToken: started.recoveryToken, new: body, newRecovery: try account.recoveryMaterial(newRecoveryKey)))
        return (secretKey, newRecoveryKey, DevicePins(parameters: pin))
    }
}
