import Foundation
import TickerAudit
import TickerStore
import TickerVault
import TickerVaultAPI
import TickerVaultFormat

extension VaultService {
    func createAccount(_ input: Operations.CreateAccount.Input) async throws -> Operations.CreateAccount.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        try limiters.take(.register, subject: VaultCaller.current.address, address: VaultCaller.current.address)
        AuditNote.describe(target: "account:\(EmailAddress.canonical(r.email))")
        let identity = IdentityBundle(
            userID: r.userId, epoch: try Field.epoch(r.identity.epoch, "identity.epoch"), signingKey: try Field.bytes(r.identity.signPk, "identity.sign_pk"),
            agreementKey: try Field.bytes(r.identity.encPk, "identity.enc_pk"), selfSignature: try Field.bytes(r.identity.selfSig, "identity.self_sig"))
        try await accounts.register(
            VaultAccounts.Registration(
                userID: r.userId, email: r.email, vaultID: r.vaultId, kdf: try Field.kdf(r.kdf, "kdf"), kdfMAC: try Field.bytes(r.kdfMac, "kdf_mac"),
                authKey: try Field.bytes(r.authKey, "auth_key"), wrappedUserKey: try Field.bytes(r.wrappedUserKey, "wrapped_user_key"),
                userKeyEpoch: Int(r.userKeyEpoch), recoveryWrappedUserKey: try Field.bytes(r.recovery.wrappedUserKey, "recovery.wrapped_user_key"),
                recoveryAuthKey: try Field.bytes(r.recovery.authKey, "recovery.auth_key"), identity: identity,
                wrappedPrivate: try Field.bytes(r.identity.wrappedPrivate, "identity.wrapped_private")))
        return .created(.init(body: .json(.init(userId: r.userId))))
    }

    func prelogin(_ input: Operations.Prelogin.Input) async throws -> Operations.Prelogin.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        try limiters.take(.prelogin, subject: EmailAddress.canonical(r.email), address: VaultCaller.current.address)
        let answer = try await accounts.prelogin(email: r.email)
        return .ok(.init(body: .json(.init(userId: answer.userID, kdf: Field.kdf(answer.kdf), kdfMac: Field.text(answer.kdfMAC)))))
    }

    func createSession(_ input: Operations.CreateSession.Input) async throws -> Operations.CreateSession.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        let authKey = try Field.bytes(r.authKey, "auth_key")
        AuditNote.describe(target: "account:\(EmailAddress.canonical(r.email))")
        let (token, account) = try await limiters.attempt(.logIn, subject: EmailAddress.canonical(r.email), address: VaultCaller.current.address) {
            try await accounts.logIn(email: r.email, authKey: authKey)
        }
        AuditNote.identify("user:\(account.userID)")
        return .ok(
            .init(
                body: .json(
                    .init(
                        token: token, userId: account.userID, vaultId: account.vaultID, userKeyEpoch: Int64(account.userKeyEpoch),
                        wrappedUserKey: Field.text(account.wrappedUserKey), identity: Field.identity(account)))))
    }

    func deleteSession(_ input: Operations.DeleteSession.Input) async throws -> Operations.DeleteSession.Output {
        try await accounts.logOut(tokenHash: try VaultCaller.signedIn().session)
        return .noContent(.init())
    }

    func changePassword(_ input: Operations.ChangePassword.Input) async throws -> Operations.ChangePassword.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        let (account, session) = try VaultCaller.signedIn()
        let current = try Field.bytes(r.authKey, "auth_key")
        let new = try Field.credentials(r.new, "new")
        try await limiters.attempt(.credentials, subject: account.userID, address: VaultCaller.current.address) {
            try await accounts.changePassword(account, currentAuthKey: current, new: new, session: session)
        }
        return .noContent(.init())
    }

    func rotateUserKey(_ input: Operations.RotateUserKey.Input) async throws -> Operations.RotateUserKey.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        let (account, session) = try VaultCaller.signedIn()
        let vaults = try r.vaults.enumerated().map { index, vault in
            var keys: [String: [UInt8]] = [:]
            for (position, key) in vault.itemKeys.enumerated() {
                let field = "vaults[\(index)].item_keys[\(position)]"
                guard keys.updateValue(try Field.bytes(key.itemKey, field + ".item_key"), forKey: key.itemId) == nil else {
                    throw VaultInputError(field + ".item_id", "names an item twice")
                }
            }
            return VaultKeyRotation.Vault(vaultID: vault.vaultId, baseCounter: vault.baseCounter, itemKeys: keys, manifest: try Field.manifest(vault.manifest).record(field: "vaults[\(index)].manifest"))
        }
        let rotation = UserKeyRotation(
            authKey: try Field.bytes(r.authKey, "auth_key"), recoveryAuthKey: try Field.bytes(r.recoveryAuthKey, "recovery_auth_key"),
            newEpoch: Int(r.newEpoch), wrappedUserKey: try Field.bytes(r.wrappedUserKey, "wrapped_user_key"),
            recoveryWrappedUserKey: try Field.bytes(r.recoveryWrappedUserKey, "recovery_wrapped_user_key"),
            identity: IdentityBundle(
                userID: account.userID, epoch: try Field.epoch(r.identity.epoch, "identity.epoch"), signingKey: try Field.bytes(r.identity.signPk, "identity.sign_pk"),
                agreementKey: try Field.bytes(r.identity.encPk, "identity.enc_pk"), selfSignature: try Field.bytes(r.identity.selfSig, "identity.self_sig")),
            wrappedPrivate: try Field.bytes(r.identity.wrappedPrivate, "identity.wrapped_private"), vaults: vaults)
        try await limiters.attempt(.credentials, subject: account.userID, address: VaultCaller.current.address) {
            try await accounts.rotateUserKey(account, rotation, session: session)
        }
        return .noContent(.init())
    }

    func startRecovery(_ input: Operations.StartRecovery.Input) async throws -> Operations.StartRecovery.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        let key = try Field.bytes(r.recoveryAuthKey, "recovery_auth_key")
        AuditNote.describe(target: "account:\(EmailAddress.canonical(r.email))")
        let (token, account) = try await limiters.attempt(.recovery, subject: EmailAddress.canonical(r.email), address: VaultCaller.current.address) {
            try await accounts.startRecovery(email: r.email, recoveryAuthKey: key)
        }
        AuditNote.identify("user:\(account.userID)")
        return .ok(
            .init(
                body: .json(
                    .init(
                        userId: account.userID, vaultId: account.vaultID, recoveryToken: token, userKeyEpoch: Int64(account.userKeyEpoch),
                        wrappedUserKey: Field.text(account.recoveryWrappedUserKey), identity: Field.identity(account)))))
    }

    func completeRecovery(_ input: Operations.CompleteRecovery.Input) async throws -> Operations.CompleteRecovery.Output {
        guard case .json(let r) = input.body else { throw VaultInputError("body", "must be JSON") }
        let new = try Field.credentials(r.new, "new")
        let recovery = (
            wrappedUserKey: try Field.bytes(r.newRecovery.wrappedUserKey, "new_recovery.wrapped_user_key"),
            authKey: try Field.bytes(r.newRecovery.authKey, "new_recovery.auth_key")
        )
        try await accounts.completeRecovery(token: r.recoveryToken, new: new, newRecovery: recovery)
        return .noContent(.init())
    }

    func getIdentity(_ input: Operations.GetIdentity.Input) async throws -> Operations.GetIdentity.Output {
        let (account, _) = try VaultCaller.signedIn()
        try limiters.take(.lookup, subject: account.userID, address: VaultCaller.current.address)
        guard let bundle = try await accounts.identity(userID: input.path.userId) else { throw VaultFailure(.notFound, "not_found", "no user \(input.path.userId)") }
        return .ok(.init(body: .json(Field.bundle(bundle))))
    }

    func getIsinBucket(_ input: Operations.GetIsinBucket.Input) async throws -> Operations.GetIsinBucket.Output {
        let (account, _) = try VaultCaller.signedIn()
        try limiters.take(.lookup, subject: account.userID, address: VaultCaller.current.address)
        let prefix = input.path.prefix
        guard prefix.utf8.count == 4, prefix.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw VaultInputError("prefix", "must be 4 lower-case hex digits")
        }
        guard let bucket = try await isinBuckets?.bucket(prefix: prefix) else {
            throw VaultFailure(.notFound, "not_found", "no ISIN list has been published yet")
        }
        return .ok(
            .init(body: .json(.init(prefix: prefix, snapshotId: bucket.snapshot, entries: bucket.entries.map { .init(sha256: $0.sha256, isin: $0.isin) }))))
    }

    func lookupUser(_ input: Operations.LookupUser.Input) async throws -> Operations.LookupUser.Output {
        let (account, _) = try VaultCaller.signedIn()
        try limiters.take(.lookup, subject: account.userID, address: VaultCaller.current.address)
        guard let bundle = try await accounts.identity(email: input.query.email) else { throw VaultFailure(.notFound, "not_found", "no account has this e-mail address") }
        return .ok(.init(body: .json(Field.bundle(bundle))))
    }
}
