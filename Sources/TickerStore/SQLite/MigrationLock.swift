import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serializes schema migrations across processes. GRDB's migrator reads which migrations are
/// applied before it takes SQLite's write lock, so a server and a CLI command opening a new
/// database at the same moment could both try to create the tables; an exclusive `flock` on a
/// file beside the database makes the second wait and then find the work done.
enum MigrationLock {
    static func withLock<T>(forDatabaseAt path: String, _ body: () throws -> T) throws -> T {
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
