import GRDB

/// The schema of `isin.sqlite`, a database of its own so that a million-row publish never holds
/// the scheduler's write lock. Times are integer milliseconds since the Unix epoch.
enum ISINSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("isin-v1") { db in
            try db.execute(sql: v1)
        }
        return migrator
    }

    private static let v1 = """
        -- An import being parsed; its rows wait in isin_staged until it is published.
        -- AUTOINCREMENT: a discarded stage's id must never name a later stage.
        CREATE TABLE isin_stages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            key TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            format TEXT NOT NULL,
            fetched_at INTEGER NOT NULL,
            sha256 TEXT,
            bytes INTEGER,
            begun_at INTEGER NOT NULL,
            valid INTEGER,              -- NULL until the parse finished
            invalid INTEGER,
            duplicate INTEGER,
            problems TEXT
        );
        CREATE TABLE isin_staged (
            stage_id INTEGER NOT NULL REFERENCES isin_stages(id) ON DELETE CASCADE,
            isin TEXT NOT NULL,
            line INTEGER NOT NULL,
            name TEXT,
            cfi TEXT,
            currency TEXT,
            issuer_lei TEXT,
            PRIMARY KEY (stage_id, isin)
        ) WITHOUT ROWID;

        -- Published lists. Ids only grow; the highest is current.
        CREATE TABLE isin_snapshots (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            format TEXT NOT NULL,
            fetched_at INTEGER NOT NULL,
            published_at INTEGER NOT NULL,
            sha256 TEXT,
            bytes INTEGER,
            valid INTEGER NOT NULL,
            invalid INTEGER NOT NULL,
            duplicate INTEGER NOT NULL,
            added INTEGER NOT NULL,
            removed INTEGER NOT NULL,
            changed INTEGER NOT NULL,
            problems TEXT NOT NULL
        );

        -- One row per distinct set of attributes an ISIN had: in every snapshot s with
        -- valid_from <= s < valid_to (valid_to NULL: still current).
        CREATE TABLE isin_versions (
            id INTEGER PRIMARY KEY,
            isin TEXT NOT NULL,
            valid_from INTEGER NOT NULL,
            valid_to INTEGER,
            name TEXT,
            cfi TEXT,
            currency TEXT,
            issuer_lei TEXT
        );
        CREATE UNIQUE INDEX isin_versions_by_isin ON isin_versions(isin, valid_from);
        CREATE INDEX isin_versions_by_end ON isin_versions(valid_to) WHERE valid_to IS NOT NULL;

        -- Full-text index of every version's name; searches join back to the current versions.
        -- detail=none: searches are ANDs of single-word prefixes, which need no positions, and
        -- the index is built in about half the time.
        CREATE VIRTUAL TABLE isin_names USING fts5(
            name, content='isin_versions', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
            detail=none
        );

        CREATE TABLE isin_fetches (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            at INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            sha256 TEXT,
            bytes INTEGER,
            message TEXT
        );
        CREATE INDEX isin_fetches_by_source ON isin_fetches(source, outcome, at);
        """
}
