/// The PostgreSQL schema. Tables and columns mirror the SQLite schema (times are integer
/// milliseconds since the Unix epoch), so that both stores run the same rules on the same data.
///
/// Each migration is a list of single statements (the extended query protocol takes one at a
/// time), applied in one transaction under an advisory lock, so nodes starting together apply it
/// exactly once.
enum PostgresSchema {
    struct Migration {
        var id: String
        var statements: [String]
    }

    /// Serializes migrations across nodes (an arbitrary constant: "TICKER" in ASCII).
    static let migrationLock: Int64 = 0x5449_434B_4552

    static let migrations: [Migration] = [
        Migration(id: "v1", statements: v1),
        Migration(id: "v2-api-tokens", statements: v2),
        Migration(id: "v3-nodes", statements: v3),
        Migration(id: "v4-isin", statements: v4),
        Migration(id: "v5-vault", statements: VaultSchema.postgres),
        Migration(id: "v6-vault-shares", statements: VaultSchema.postgresShares),
        Migration(id: "v7-vault-secrets", statements: VaultSchema.postgresSecrets),
        Migration(id: "v8-data-keys", statements: DataKeySchema.postgres),
        Migration(id: "v9-audit", statements: AuditSchema.postgres),
    ]

    static let ledger = """
        CREATE TABLE IF NOT EXISTS ticker_migrations (id text PRIMARY KEY, applied_at bigint NOT NULL)
        """

    private static let v1 = [
        // Every distinct definition a DAG ever had; runs point at the one they started with.
        """
        CREATE TABLE dag_versions (
            id bigserial PRIMARY KEY, dag_id text NOT NULL, definition text NOT NULL, created_at bigint NOT NULL)
        """,
        """
        CREATE TABLE dags (
            id text PRIMARY KEY, version_id bigint NOT NULL REFERENCES dag_versions(id), schedule_key text,
            paused boolean NOT NULL DEFAULT false, next_slot_at bigint, active boolean NOT NULL DEFAULT true,
            updated_at bigint NOT NULL)
        """,
        """
        CREATE TABLE dag_events (
            id bigserial PRIMARY KEY, dag_id text NOT NULL REFERENCES dags(id), at bigint NOT NULL,
            kind text NOT NULL, detail text)
        """,
        "CREATE INDEX dag_events_by_dag ON dag_events(dag_id, id)",
        """
        CREATE TABLE runs (
            id bigserial PRIMARY KEY, dag_id text NOT NULL REFERENCES dags(id),
            version_id bigint NOT NULL REFERENCES dag_versions(id), slot_at bigint NOT NULL, kind text NOT NULL,
            state text NOT NULL, reason text, conf text NOT NULL DEFAULT '{}', created_at bigint NOT NULL,
            started_at bigint, ended_at bigint, deadline_at bigint)
        """,
        // One row per nominal slot: with several schedulers, this index is what makes a slot
        // impossible to record twice.
        "CREATE UNIQUE INDEX runs_one_per_slot ON runs(dag_id, slot_at) WHERE kind <> 'manual'",
        "CREATE INDEX runs_by_dag ON runs(dag_id, id)",
        "CREATE INDEX runs_queued ON runs(dag_id, slot_at) WHERE state = 'queued'",
        "CREATE INDEX runs_running ON runs(dag_id) WHERE state = 'running'",
        "CREATE INDEX runs_deadline ON runs(deadline_at) WHERE state = 'running' AND deadline_at IS NOT NULL",
        """
        CREATE TABLE task_instances (
            run_id bigint NOT NULL REFERENCES runs(id), task_id text NOT NULL, state text NOT NULL,
            attempts integer NOT NULL DEFAULT 0, failures integer NOT NULL DEFAULT 0, lost integer NOT NULL DEFAULT 0,
            not_before bigint, current_attempt bigint, output text, error text, PRIMARY KEY (run_id, task_id))
        """,
        "CREATE INDEX task_instances_ready ON task_instances(not_before) WHERE state = 'ready'",
        """
        CREATE TABLE attempts (
            id bigserial PRIMARY KEY, run_id bigint NOT NULL REFERENCES runs(id), task_id text NOT NULL,
            number integer NOT NULL, owner text NOT NULL, state text NOT NULL, started_at bigint NOT NULL,
            heartbeat_at bigint, lease_expires_at bigint, ended_at bigint, error text, UNIQUE (run_id, task_id, number))
        """,
        "CREATE INDEX attempts_running ON attempts(lease_expires_at) WHERE state = 'running'",
        "CREATE INDEX attempts_by_run ON attempts(run_id, id)",
        """
        CREATE TABLE attempt_logs (
            id bigserial PRIMARY KEY, attempt_id bigint NOT NULL, at bigint NOT NULL, stream text NOT NULL,
            text text NOT NULL)
        """,
        "CREATE INDEX attempt_logs_by_attempt ON attempt_logs(attempt_id, id)",
    ]

    /// API tokens, found by the SHA-256 of the presented secret; ids come from a sequence, so a
    /// revoked token's id is never reused.
    private static let v2 = [
        """
        CREATE TABLE api_tokens (
            id bigserial PRIMARY KEY, name text NOT NULL,
            role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
            secret_hash bytea NOT NULL UNIQUE, created_at bigint NOT NULL, last_used_at bigint, revoked_at bigint)
        """
    ]

    /// Every `ticker serve` that used this database, with its last heartbeat.
    private static let v3 = [
        """
        CREATE TABLE nodes (
            id text PRIMARY KEY, host text NOT NULL, pid integer NOT NULL, roles text NOT NULL, version text NOT NULL,
            started_at bigint NOT NULL, heartbeat_at bigint NOT NULL, stopped_at bigint)
        """
    ]

    /// The ISIN snapshots, as in `isin.sqlite`. ISINs compare bytewise (`COLLATE "C"`), as
    /// SQLite compares them. `words` holds the name folded for search (`ISINSearchWords`);
    /// a GIN index over the current versions' words answers searches.
    private static let v4 = [
        """
        CREATE TABLE isin_stages (
            id bigserial PRIMARY KEY, key text NOT NULL UNIQUE, source text NOT NULL, format text NOT NULL,
            fetched_at bigint NOT NULL, sha256 text, bytes bigint, begun_at bigint NOT NULL,
            valid integer, invalid integer, duplicate integer, problems text)
        """,
        """
        CREATE TABLE isin_staged (
            stage_id bigint NOT NULL REFERENCES isin_stages(id) ON DELETE CASCADE, isin text COLLATE "C" NOT NULL,
            line integer NOT NULL, name text, cfi text, currency text, issuer_lei text, words text,
            PRIMARY KEY (stage_id, isin))
        """,
        """
        CREATE TABLE isin_snapshots (
            id bigserial PRIMARY KEY, source text NOT NULL, format text NOT NULL, fetched_at bigint NOT NULL,
            published_at bigint NOT NULL, sha256 text, bytes bigint, valid integer NOT NULL, invalid integer NOT NULL,
            duplicate integer NOT NULL, added integer NOT NULL, removed integer NOT NULL, changed integer NOT NULL,
            problems text NOT NULL)
        """,
        """
        CREATE TABLE isin_versions (
            id bigserial PRIMARY KEY, isin text COLLATE "C" NOT NULL, valid_from bigint NOT NULL, valid_to bigint,
            name text, cfi text, currency text, issuer_lei text, words text)
        """,
        "CREATE UNIQUE INDEX isin_versions_by_isin ON isin_versions(isin, valid_from)",
        "CREATE INDEX isin_versions_by_end ON isin_versions(valid_to) WHERE valid_to IS NOT NULL",
        "CREATE INDEX isin_versions_current_words ON isin_versions USING gin (to_tsvector('simple', words)) WHERE valid_to IS NULL",
        """
        CREATE TABLE isin_fetches (
            id bigserial PRIMARY KEY, source text NOT NULL, at bigint NOT NULL, outcome text NOT NULL, etag text,
            last_modified text, sha256 text, bytes bigint, message text)
        """,
        "CREATE INDEX isin_fetches_by_source ON isin_fetches(source, outcome, at)",
    ]
}
