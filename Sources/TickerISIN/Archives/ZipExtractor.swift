import Foundation
import ZIPFoundation

/// Extracts the wanted entries of a zip to files of generated names in a staging directory,
/// streamed, each checked against its CRC-32 and cut off at `maxEntryBytes`.
///
/// Entry names are never used as paths (`../../etc/passwd` is just a name); the files are
/// `entry-001.csv`, `entry-002.xml`, … in archive order, keeping only a plain extension.
struct ZipExtractor {
    var filter: ZipEntryFilter
    var maxEntryBytes: Int64
    var bufferSize = 64 * 1024

    /// The entry name and the extracted file of each wanted entry, in archive order.
    func extract(_ url: URL, to directory: URL) throws(ArchiveError.Kind) -> [(name: String, file: URL)] {
        let listing = try ZipDirectory.read(url)
        if let encrypted = listing.records.first(where: \.isEncrypted) { throw .encryptedEntry(encrypted.path) }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch Archive.ArchiveError.missingEndOfCentralDirectoryRecord {
            throw .zipIncomplete
        } catch {
            throw .zipCorrupt("\(error)")
        }
        let entries = Array(archive)
        guard entries.count == listing.records.count else {
            throw .zipCorrupt("entry \(entries.count + 1) of \(listing.records.count) cannot be read")
        }
        let files = entries.filter { $0.type == .file && ZipEntryFilter.isOrdinaryFile($0.path) }
        let wanted = files.filter { filter.matches($0.path) }
        guard !wanted.isEmpty else { throw .noMatchingEntry(wanted: filter.description, found: files.map(\.path)) }

        var extracted: [(name: String, file: URL)] = []
        for (index, entry) in wanted.enumerated() {
            let method = listing.records.first { $0.path == entry.path }?.method ?? 0
            guard method == 0 || method == 8 else { throw .unsupportedCompression(entry: entry.path, method: method) }
            guard entry.uncompressedSize <= UInt64(max(0, maxEntryBytes)) else {
                throw .entryTooLarge(entry: entry.path, limit: maxEntryBytes)
            }
            let file = directory.appendingPathComponent(Self.stagedName(index: index, path: entry.path))
            try extract(entry, of: archive, to: file)
            extracted.append((entry.path, file))
        }
        return extracted
    }

    /// Streams one entry to `file`, deleting the partial file on any failure.
    private func extract(_ entry: Entry, of archive: Archive, to file: URL) throws(ArchiveError.Kind) {
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: file.path)
        else {
            throw .writeFailed(path: file.path, reason: SystemError.text())
        }
        var completed = false
        defer {
            try? handle.close()
            if !completed { try? FileManager.default.removeItem(at: file) }
        }
        var written: Int64 = 0
        let limit = maxEntryBytes
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, bufferSize: bufferSize, skipCRC32: false) { data in
                written += Int64(data.count)
                // The declared size can lie; the bytes cannot.
                guard written <= limit else { throw ArchiveError.Kind.entryTooLarge(entry: entry.path, limit: limit) }
                do {
                    try handle.write(contentsOf: data)
                } catch {
                    throw ArchiveError.Kind.writeFailed(path: file.path, reason: SystemError.reason(error))
                }
            }
        } catch let kind as ArchiveError.Kind {
            throw kind
        } catch {
            throw .zipCorrupt("entry \"\(entry.path)\" cannot be decompressed (\(error))")
        }
        guard checksum == entry.checksum else { throw .checksumMismatch(entry: entry.path) }
        completed = true
    }

    /// `entry-001.csv`: a generated name with the entry's extension if it is plain letters and digits.
    static func stagedName(index: Int, path: String) -> String {
        let number = String(index + 1)
        let base = "entry-" + String(repeating: "0", count: max(0, 3 - number.count)) + number
        let ext = ZipEntryFilter.fileExtension(path)
        let plain = !ext.isEmpty && ext.count <= 10 && ext.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return plain ? base + "." + ext : base
    }
}
