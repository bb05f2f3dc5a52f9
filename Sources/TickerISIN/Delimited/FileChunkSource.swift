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

    public mutating func next() throws -> [UInt8]? {
        guard let data = try handle.read(upToCount: chunkSize), !data.isEmpty else { return nil }
        return [UInt8](data)
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
