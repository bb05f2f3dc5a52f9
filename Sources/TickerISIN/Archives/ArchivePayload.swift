import Foundation

/// One file to parse out of a downloaded file: the download itself, its gzip content, or a file
/// extracted from its zip.
public struct ArchivePayload: Sendable, Hashable {
    public enum Encoding: Sendable, Hashable {
        case plain
        /// Decompressed while read, by a `GzipChunkSource`.
        case gzip
    }

    /// For messages: the zip entry's path, or the file name (without `.gz` for gzip).
    public var name: String
    /// The file on disk: the download, or a file in the staging directory.
    public var url: URL
    public var encoding: Encoding

    public init(name: String, url: URL, encoding: Encoding) {
        self.name = name
        self.url = url
        self.encoding = encoding
    }

    /// A fresh source of the payload's bytes, decompressed if need be.
    public func makeSource(chunkSize: Int = FileChunkSource.defaultChunkSize) throws(ArchiveError) -> any ByteChunkSource {
        let file: FileChunkSource
        do {
            file = try FileChunkSource(url: url, chunkSize: chunkSize)
        } catch {
            throw ArchiveError(.unreadable(error.reason), file: url.path)
        }
        switch encoding {
        case .plain: return file
        case .gzip: return GzipChunkSource(file, name: url.lastPathComponent, chunkSize: chunkSize)
        }
    }
}
