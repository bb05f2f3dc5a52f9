import Foundation

/// Turns a downloaded file into the files to parse, whatever its packing: a plain file is its own
/// payload, a gzip file one payload decompressed while read, a zip the entries `filter` picks,
/// extracted to a staging directory.
///
/// ```swift
/// let opened = try ArchiveOpener(filter: .delimitedText).open(download, stagingDirectory: work)
/// defer { opened.cleanUp() }
/// for payload in opened.payloads {
///     var reader = DelimitedReader(source: try payload.makeSource())
///     …
/// }
/// ```
public struct ArchiveOpener: Sendable {
    /// Which zip entries are payloads; plain and gzip files are taken whatever their name.
    public var filter: ZipEntryFilter
    /// The most bytes one zip entry may unpack to: a guard against zip bombs.
    public var maxEntryBytes: Int64

    public init(filter: ZipEntryFilter = .anyFile, maxEntryBytes: Int64 = 8_000_000_000) {
        self.filter = filter
        self.maxEntryBytes = maxEntryBytes
    }

    /// Detects the format of `file` by its first bytes and lists its payloads. A zip is extracted
    /// into a new directory inside `stagingDirectory`, which `OpenedArchive.cleanUp()` removes (as
    /// does a failure here).
    public func open(_ file: URL, stagingDirectory: URL) throws(ArchiveError) -> OpenedArchive {
        let format = try ArchiveFormat.detect(fileAt: file)
        switch format {
        case .plain:
            return OpenedArchive(format: .plain, payloads: [
                ArchivePayload(name: file.lastPathComponent, url: file, encoding: .plain),
            ], stagingDirectory: nil)
        case .gzip:
            let name = file.lastPathComponent
            let inner = name.lowercased().hasSuffix(".gz") ? String(name.dropLast(3)) : name
            return OpenedArchive(format: .gzip, payloads: [
                ArchivePayload(name: inner, url: file, encoding: .gzip),
            ], stagingDirectory: nil)
        case .zip:
            let staging = stagingDirectory.appendingPathComponent("unzip-\(UUID().uuidString.lowercased())", isDirectory: true)
            do {
                try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
            } catch {
                throw ArchiveError(.writeFailed(path: staging.path, reason: SystemError.reason(error)), file: file.path)
            }
            do {
                let extractor = ZipExtractor(filter: filter, maxEntryBytes: maxEntryBytes)
                let payloads = try extractor.extract(file, to: staging).map {
                    ArchivePayload(name: $0.name, url: $0.file, encoding: .plain)
                }
                return OpenedArchive(format: .zip, payloads: payloads, stagingDirectory: staging)
            } catch {
                try? FileManager.default.removeItem(at: staging)
                throw ArchiveError(error, file: file.path)
            }
        }
    }
}

/// The payloads of an opened file, and the staging files to remove once they are read.
public struct OpenedArchive: Sendable, Hashable {
    public var format: ArchiveFormat
    public var payloads: [ArchivePayload]
    /// The directory of files extracted from a zip; nil for plain and gzip files, which are read
    /// in place.
    public var stagingDirectory: URL?

    /// Removes the extracted files, if any; the downloaded file is left alone.
    public func cleanUp() {
        if let stagingDirectory { try? FileManager.default.removeItem(at: stagingDirectory) }
    }
}
