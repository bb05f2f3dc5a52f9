import Crypto
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A download being written beside its final name (`.isins.csv.1f3a….part`), hashed as it is
/// written. Only `commit()` gives it the final name: after fsync, by an atomic rename, so a reader
/// sees the old file or the new one, never half of one. Until then an existing file of that name
/// is untouched, and a staging file dropped without `commit()` deletes its partial file.
///
/// Used by one task at a time, as a local of the function that downloads.
final class StagingFile {
    let finalURL: URL
    let tempURL: URL
    private(set) var byteCount: Int64 = 0
    private var descriptor: Int32
    private var hasher = SHA256()
    private var committed = false

    /// Creates `directory` if needed, and an empty temporary file in it.
    init(directory: URL, fileName: String) throws(FetchError.Kind) {
        try Self.makeDirectory(directory.path)
        finalURL = directory.appendingPathComponent(fileName, isDirectory: false)
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        tempURL = directory.appendingPathComponent(".\(fileName).\(suffix).part", isDirectory: false)
        descriptor = open(tempURL.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .writeFailed(path: tempURL.path, reason: SystemError.text()) }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !committed { unlink(tempURL.path) }
    }

    /// Appends `data` and adds it to the hash.
    func write(_ data: Data) throws(FetchError.Kind) {
        if let failure = data.withUnsafeBytes({ append($0) }) { throw failure }
    }

    /// Appends the readable bytes of `buffer` and adds them to the hash.
    func write(_ buffer: ByteBuffer) throws(FetchError.Kind) {
        if let failure = buffer.withUnsafeReadableBytes({ append($0) }) { throw failure }
    }

    /// The error, if the bytes could not all be written.
    private func append(_ bytes: UnsafeRawBufferPointer) -> FetchError.Kind? {
        hasher.update(bufferPointer: bytes)
        var offset = 0
        while offset < bytes.count {
            let written = posixWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return .writeFailed(path: tempURL.path, reason: SystemError.text())
            }
            offset += written
        }
        byteCount += Int64(bytes.count)
        return nil
    }

    /// The SHA-256 of everything written, lowercase hex.
    var sha256: String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// `mkdir -p`, with the system's reason when it fails: Foundation's `createDirectory` reports
    /// a path under a regular file only as "error 512".
    private static func makeDirectory(_ path: String) throws(FetchError.Kind) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .writeFailed(path: path, reason: SystemError.text(ENOTDIR)) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectory(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw .writeFailed(path: path, reason: SystemError.text())
        }
    }

    /// Syncs the file, renames it to `finalURL` (replacing any file there) and syncs the directory.
    func commit() throws(FetchError.Kind) {
        guard fsync(descriptor) == 0 else { throw .writeFailed(path: tempURL.path, reason: SystemError.text()) }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw .writeFailed(path: tempURL.path, reason: SystemError.text()) }
        guard rename(tempURL.path, finalURL.path) == 0 else {
            throw .writeFailed(path: finalURL.path, reason: SystemError.text())
        }
        committed = true
        // The rename itself is only durable once the directory is synced.
        let directory = open(finalURL.deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }
}

/// `write(2)`; named apart from `StagingFile.write` so the method does not shadow it.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
