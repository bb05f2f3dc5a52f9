import Foundation

/// How a downloaded file is packed, told by its first bytes rather than its name: servers name
/// files as they please (`download?id=3`, a `.zip` that is really gzip).
public enum ArchiveFormat: Sendable, Hashable, CustomStringConvertible {
    /// `PK\x03\x04`, or `PK\x05\x06` for an archive with no entries.
    case zip
    /// `1f 8b`.
    case gzip
    /// Anything else, read as it is.
    case plain

    public static func detect(_ prefix: some Collection<UInt8>) -> ArchiveFormat {
        let bytes = Array(prefix.prefix(4))
        if bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4B,
           (bytes[2] == 0x03 && bytes[3] == 0x04) || (bytes[2] == 0x05 && bytes[3] == 0x06) {
            return .zip
        }
        if bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B { return .gzip }
        return .plain
    }

    /// The format of the file at `url`, from its first four bytes.
    public static func detect(fileAt url: URL) throws(ArchiveError) -> ArchiveFormat {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            return detect(try handle.read(upToCount: 4) ?? Data())
        } catch {
            throw ArchiveError(.unreadable(SystemError.reason(error)), file: url.path)
        }
    }

    public var description: String {
        switch self {
        case .zip: "zip"
        case .gzip: "gzip"
        case .plain: "plain"
        }
    }
}
