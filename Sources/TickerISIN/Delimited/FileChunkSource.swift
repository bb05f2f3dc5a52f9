import Foundation

/// A file read 64 KiB at a time through a `FileHandle`.
///
/// A source opened from a URL owns its handle, which Foundation closes when the last copy of the
/// source goes away; a source made from a handle leaves closing it to whoever opened it.
public struct FileChunkSource: ByteChunkSource {
    /// Why a file could not be opened, with its path.
    public struct OpenError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot open \(path): \(reason)" }
    }

    public static let defaultChunkSize = 64 * 1024

    private let handle: FileHandle
    private let chunkSize: Int

    public init(fileHandle: FileHandle, chunkSize: Int = Self.defaultChunkSize) {
        self.handle = fileHandle
        self.chunkSize = max(1, chunkSize)
    }

    public init(url: URL, chunkSize: Int = Self.defaultChunkSize) throws(OpenError) {
        do {
            self.init(fileHandle: try FileHandle(forReadingFrom: url), chunkSize: chunkSize)
        } catch {
            throw OpenError(path: url.path, reason: Self.reason(error))
        }
    }

    /// Reads straight into the array `read(2)`, skipping the `Data` that `FileHandle.read` would
    /// allocate and the copy out of it: a tenth of the time of a large import went there.
    public mutating func next() throws -> [UInt8]? {
        let fd = handle.fileDescriptor
        let size = chunkSize
        let chunk = try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var result: Int
            repeat {
                result = read(fd, buffer.baseAddress, size)
            } while result < 0 && errno == EINTR
            guard result >= 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
            count = result
        }
        return chunk.isEmpty ? nil : chunk
    }

    /// `read(2)` failed; the text is the system's reason.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// "No such file or directory" rather than Foundation's multi-line `NSError` dump.
    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}
