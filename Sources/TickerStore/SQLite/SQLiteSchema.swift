import GRDB

/// The SQLite schema, versioned with GRDB's migrator. Times are integer milliseconds since the Unix
/// epoch, so slot times compare exactly and the same columns map to PostgreSQL's `bigint`.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-api-tokens") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-nodes") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4-vault") { db in
            try db.execute(sql: VaultSchema.sqlite)
        }
        migrator.registerMigration("v5-vault-shares") { db in
            try db.execute(sql: VaultSchema.sqliteShares)
        }
        migrator.registerMigration("v6-vault-secrets") { db in
            try db.execute(sql: VaultSchema.sqliteSecrets)
        }
        migrator.registerMigration("v7-data-keys") { db in
            try db.execute(sql: DataKeySchema.sqlite)
        }
        migrator.registerMigration("v8-audit") { db in
            try db.execute(sql: AuditSchema.sqlite)
        }
        return migrator
    }

    private static let v1 = """
        -- Every distinct definition a DAG ever had; runs point at the one they started with.
        CREATE TABLE dag_versions (
            id INTEGER PRIMARY KEY,
            dag_id TEXT NOT NULL,
            definition TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE dags (
            id TEXT PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES dag_versions(id),
            schedule_key TEXT,
            paused INTEGER NOT NULL DEFAULT 0,
            next_slot_at INTEGER,
            active INTEGER NOT NULL DEFAULT 1,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE dag_events (
            id INTEGER PRIMARY KEY,
            dag_id TEXT NOT NULL REFERENCES dags(id),
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT
        );
        CREATE INDEX dag_events_by_dag ON dag_events(dag_id, at);
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            dag_id TEXT NOT NULL REFERENCES dags(id),
            version_id INTEGER NOT NULL REFERENCES dag_versions(id),
            slot_at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            state TEXT NOT NULL,
            reason TEXT,
            conf TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            ended_at INTEGER,
            deadline_at INTEGER
        );
        -- One row per nominal slot: this index is what makes a slot impossible to record twice.
        CREATE UNIQUE INDEX runs_one_per_slot ON runs(dag_id, slot_at) WHERE kind != 'manual';
        CREATE INDEX runs_by_dag ON runs(dag_id, id);
        -- Partial indexes whose WHERE is an equality, so that SQLite can prove a query with
        -- `state = 'queued'` (or 'running') may use them; an IN list here would never be used.
        CREATE INDEX runs_queued ON runs(dag_id, slot_at) WHERE state = 'queued';
        CREATE INDEX runs_running ON runs(dag_id) WHERE state = 'running';
        CREATE INDEX runs_deadline ON runs(deadline_at) WHERE state = 'running' AND deadline_at IS NOT NULL;
        CREATE TABLE task_instances (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            task_id TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            lost INTEGER NOT NULL DEFAULT 0,
            not_before INTEGER,
            current_attempt INTEGER,
            output TEXT,
            error TEXT,
            PRIMARY KEY (run_id, task_id)
        ) WITHOUT ROWID;
        CREATE INDEX task_instances_ready ON task_instances(not_before) WHERE state = 'ready';
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            task_id TEXT NOT NULL,
            number INTEGER NOT NULL,
            owner TEXT NOT NULL,
            state TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            heartbeat_at INTEGER,
            lease_expires_at INTEGER,
            ended_at INTEGER,
            error TEXT,
            UNIQUE (run_id, task_id, number)
        );
        CREATE INDEX attempts_running ON attempts(lease_expires_at) WHERE state = 'running';
        CREATE TABLE attempt_logs (
            id INTEGER PRIMARY KEY,
            attempt_id INTEGER NOT NULL,
            at INTEGER NOT NULL,
            stream TEXT NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX attempt_logs_by_attempt ON attempt_logs(attempt_id, id);
        """

    /// API tokens, found by the SHA-256 of the presented secret. AUTOINCREMENT: a revoked
    /// token's id is never reused, so audit records that name an id stay unambiguous.
    private static let v2 = """
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
            secret_hash BLOB NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            last_used_at INTEGER,
            revoked_at INTEGER
        );
        """

    /// Every `ticker serve` that used this store, with its last heartbeat.
    private static let v3 = """
        CREATE TABLE nodes (
            id TEXT PRIMARY KEY,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            roles TEXT NOT NULL,
            version TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            heartbeat_at INTEGER NOT NULL,
            stopped_at INTEGER
        );
        """
}
