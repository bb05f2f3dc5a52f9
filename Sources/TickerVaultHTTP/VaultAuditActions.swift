/// The vault's audited operations: sign-ups, logins, credential and key changes, recoveries,
/// writes and shares. Reads are not audited; a session token that is refused is
/// (`vault.session.rejected`). Targets are paths or `account:<email>`, never a body's content.
enum VaultAuditActions {
    static let operations = [
        "createAccount": "vault.account.create",
        "createSession": "vault.session.create",
        "deleteSession": "vault.session.delete",
        "changePassword": "vault.account.password",
        "rotateUserKey": "vault.account.rotate_key",
        "startRecovery": "vault.recovery.start",
        "completeRecovery": "vault.recovery.complete",
        "putItem": "vault.item.write",
        "deleteItem": "vault.item.delete",
        "commitVault": "vault.commit",
        "createShare": "vault.share.create",
        "revokeShare": "vault.share.revoke",
    ]
    static let rejected = "vault.session.rejected"
}
