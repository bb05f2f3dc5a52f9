/// The vault's tables, the same in both stores (bytes are BLOB in SQLite, bytea in PostgreSQL;
/// times are integer milliseconds). A deleted item keeps its row, marked not live, so its
/// version number is never used again.
enum VaultSchema {
    private static func tables(bytes: String) -> [String] {
        [
            """
            CREATE TABLE vault_accounts (
                user_id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, vault_id TEXT NOT NULL UNIQUE,
                kdf INTEGER NOT NULL, iterations INTEGER NOT NULL, memory_kib INTEGER NOT NULL, parallelism INTEGER NOT NULL,
                seed \(bytes) NOT NULL, kdf_mac \(bytes) NOT NULL, auth_verifier \(bytes) NOT NULL,
                wrapped_user_key \(bytes) NOT NULL, user_key_epoch INTEGER NOT NULL,
                recovery_wrapped_user_key \(bytes) NOT NULL, recovery_verifier \(bytes) NOT NULL,
                identity_epoch INTEGER NOT NULL, sign_pk \(bytes) NOT NULL, enc_pk \(bytes) NOT NULL, self_sig \(bytes) NOT NULL,
                wrapped_private \(bytes) NOT NULL, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE vault_sessions (
                token_hash \(bytes) PRIMARY KEY, user_id TEXT NOT NULL REFERENCES vault_accounts(user_id), kind TEXT NOT NULL,
                created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT)
            """,
            "CREATE INDEX vault_sessions_by_user ON vault_sessions(user_id)",
            """
            CREATE TABLE vault_manifests (
                vault_id TEXT PRIMARY KEY REFERENCES vault_accounts(vault_id), counter BIGINT NOT NULL, body \(bytes) NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE vault_items (
                vault_id TEXT NOT NULL REFERENCES vault_accounts(vault_id), item_id TEXT NOT NULL, version BIGINT NOT NULL,
                live BOOLEAN NOT NULL, content_type TEXT, item_key \(bytes), content \(bytes), updated_at BIGINT NOT NULL,
                PRIMARY KEY (vault_id, item_id))
            """,
        ]
    }

    /// Shares came in a migration of their own.
    private static func shares(bytes: String) -> [String] {
        [
            """
            CREATE TABLE vault_shares (
                share_id TEXT PRIMARY KEY, sender_id TEXT NOT NULL REFERENCES vault_accounts(user_id),
                recipient_id TEXT NOT NULL REFERENCES vault_accounts(user_id), owner_id TEXT NOT NULL, vault_id TEXT NOT NULL,
                item_id TEXT NOT NULL, header \(bytes) NOT NULL, enc \(bytes) NOT NULL, ct \(bytes) NOT NULL, sig \(bytes) NOT NULL,
                created_at BIGINT NOT NULL, revoked_at BIGINT)
            """,
            "CREATE INDEX vault_shares_incoming ON vault_shares(recipient_id, created_at)",
        ]
    }

    /// Secrets of the server itself (the one behind fake prelogin answers), shared by every node
    /// so that they all answer alike.
    private static func secrets(bytes: String) -> [String] {
        ["CREATE TABLE vault_server_secrets (name TEXT PRIMARY KEY, value \(bytes) NOT NULL, created_at BIGINT NOT NULL)"]
    }

    static let sqlite = tables(bytes: "BLOB").map { $0 + ";" }.joined(separator: "\n")
    static let postgres = tables(bytes: "bytea")
    static let sqliteShares = shares(bytes: "BLOB").map { $0 + ";" }.joined(separator: "\n")
    static let postgresShares = shares(bytes: "bytea")
    static let sqliteSecrets = secrets(bytes: "BLOB").map { $0 + ";" }.joined(separator: "\n")
    static let postgresSecrets = secrets(bytes: "bytea")
}
