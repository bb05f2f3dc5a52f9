import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The folder holding the embedded database (`ticker.sqlite`) and the lock that lets only one
/// `ticker serve` use it.
public struct DataDirectory: Sendable {
    public let url: URL

    public init(path: String) {
        url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    public var databasePath: String { url.appendingPathComponent("ticker.sqlite").path }

    /// The ISIN snapshots live apart from the scheduler's tables, so that a long publish never
    /// delays a slot.
    public var isinDatabasePath: String { url.appendingPathComponent("isin.sqlite").path }

    /// Where downloads and extracted archives wait while a run imports them.
    public var isinWorkURL: URL { url.appendingPathComponent("isin-work", isDirectory: true) }

    /// Creates the folder if needed and proves it is writable, with a message that says which
    /// path and why, instead of a failure deep inside SQLite.
    public func prepare() throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw StoreError.cannotOpen(path: url.path, reason: "cannot create the data directory (\(Self.reason(error)))")
        }
        let probe = url.appendingPathComponent(".write-test-\(getpid())")
        guard fm.createFile(atPath: probe.path, contents: Data()) else {
            throw StoreError.cannotOpen(path: url.path, reason: "the data directory is not writable (permission denied?)")
        }
        try? fm.removeItem(at: probe)
    }

    /// Opens the store, creating the folder and migrating the database as needed.
    public func openStore() throws -> SQLiteStore {
        try prepare()
        return try SQLiteStore(path: databasePath)
    }

    /// Opens the ISIN store, creating the folder and migrating the database as needed.
    public func openISINStore() throws -> SQLiteISINStore {
        try prepare()
        return try SQLiteISINStore(path: isinDatabasePath)
    }

    /// Takes the exclusive lock for a serving process; held until the process exits (the kernel
    /// releases it even after `kill -9`, so a crash never leaves a stale lock behind).
    public func lockForServing() throws -> ServeLock {
        let path = url.appendingPathComponent("serve.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError.alreadyInUse(path: url.path)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        return ServeLock(fd: fd)
    }

    /// Whether a `ticker serve` holds the lock right now (checked without taking it for long).
    public func isServing() -> Bool {
        let path = url.appendingPathComponent("serve.lock").path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}

/// Proof that this process owns the data directory; keep it alive while serving.
public final class ServeLock: Sendable {
    private let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}
