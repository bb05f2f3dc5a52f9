import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening a Ticker database: WAL, `synchronous = NORMAL`, a busy timeout, the schema migrated,
/// and SQLite's errors turned into messages that name the file.
enum OpenDatabase {
    static func pool(
        path: String, migrator: DatabaseMigrator, busyTimeout: TimeInterval, pragmas: [String] = []
    ) throws -> DatabasePool {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            for pragma in pragmas { try db.execute(sql: pragma) }
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try withMigrationLock(path) {
                try pool.read { db in
                    if try migrator.hasBeenSuperseded(db) {
                        throw StoreError.cannotOpen(
                            path: path, reason: "it was written by a newer version of Ticker; upgrade Ticker")
                    }
                }
                try migrator.migrate(pool)
            }
            return pool
        } catch let error as DatabaseError {
            throw describe(error, path: path)
        }
    }

    static func describe(_ error: DatabaseError, path: String) -> StoreError {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: .notADatabase(path: path)
        default: .cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// Serializes migrations across processes. GRDB's migrator reads which migrations are applied
    /// before it takes SQLite's write lock, so a server and a CLI command opening a new database at
    /// the same moment could both try to create the tables; an exclusive `flock` on a file beside
    /// the database makes the second wait and then find the work done.
    private static func withMigrationLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let lockPath = path + ".migrate-lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError.cannotOpen(path: lockPath, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StoreError.cannotOpen(path: lockPath, reason: String(cString: strerror(errno))) }
        }
        return try body()
    }
}
