import Foundation
import Testing
import ZIPFoundation
@testable import TickerISIN

/// Writes a zip at `url` with `entries` (path and content; a path ending in "/" is a directory).
func makeZip(at url: URL, _ entries: [(String, [UInt8])], compression: CompressionMethod = .deflate) throws {
    let archive = try Archive(url: url, accessMode: .create)
    for (path, bytes) in entries {
        let data = Data(bytes)
        let isDirectory = path.hasSuffix("/")
        try archive.addEntry(
            with: path, type: isDirectory ? .directory : .file, uncompressedSize: Int64(data.count),
            compressionMethod: isDirectory ? .none : compression
        ) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
}

/// Opens `file` with `opener` in a staging directory under `root`; the error if it fails.
private func openError(_ opener: ArchiveOpener, _ file: URL, root: URL) -> ArchiveError? {
    do {
        let opened = try opener.open(file, stagingDirectory: root.appendingPathComponent("staging"))
        Issue.record("expected opening \(file.lastPathComponent) to fail, got \(opened)")
        return nil
    } catch {
        return error
    }
}

@Suite("archives: zip and opening")
struct ZipArchiveTests {
    @Test func zipWithOneCSV() async throws {
        try await withTemporaryDirectory { root in
            let content = sampleCSV(bytes: 200_000)
            let zip = root.appendingPathComponent("download.bin")
            try makeZip(at: zip, [("readme.pdf", [1, 2, 3]), ("data/", []), ("data/ISINS.CSV", content)])
            let staging = root.appendingPathComponent("staging")
            let opened = try ArchiveOpener(filter: .delimitedText).open(zip, stagingDirectory: staging)
            #expect(opened.format == .zip)
            #expect(opened.payloads.map(\.name) == ["data/ISINS.CSV"])
            let payload = try #require(opened.payloads.first)
            #expect(payload.url.lastPathComponent == "entry-001.csv")
            #expect(payload.url.deletingLastPathComponent() == opened.stagingDirectory)
            #expect(try drain(try payload.makeSource(chunkSize: 1000)) == content)
            opened.cleanUp()
            #expect(try fileNames(in: staging).isEmpty)
            #expect(FileManager.default.fileExists(atPath: zip.path))
        }
    }

    @Test func zipWithXMLEntriesSkipsClutter() async throws {
        try await withTemporaryDirectory { root in
            let zip = root.appendingPathComponent("firds.zip")
            let first = Array("<a>1</a>".utf8)
            let second = Array("<b>2</b>".utf8)
            try makeZip(at: zip, [
                ("FULINS_E_1of2.xml", first), ("__MACOSX/._FULINS_E_1of2.xml", [0, 1]), (".DS_Store", [0]),
                ("notes.txt", Array("hi".utf8)), ("FULINS_E_2of2.XML", second),
            ])
            let opened = try ArchiveOpener(filter: .xml).open(zip, stagingDirectory: root)
            defer { opened.cleanUp() }
            #expect(opened.payloads.map(\.name) == ["FULINS_E_1of2.xml", "FULINS_E_2of2.XML"])
            #expect(try opened.payloads.map { try drain(try $0.makeSource()) } == [first, second])
            #expect(opened.payloads.map(\.url.lastPathComponent) == ["entry-001.xml", "entry-002.xml"])
        }
    }

    @Test func storedEntriesToo() async throws {
        try await withTemporaryDirectory { root in
            let zip = root.appendingPathComponent("stored.zip")
            let content = sampleCSV(bytes: 70_000)
            try makeZip(at: zip, [("isins.txt", content)], compression: .none)
            let opened = try ArchiveOpener(filter: .delimitedText).open(zip, stagingDirectory: root)
            defer { opened.cleanUp() }
            #expect(try drain(try opened.payloads[0].makeSource()) == content)
        }
    }

    @Test func truncatedZip() async throws {
        try await withTemporaryDirectory { root in
            let zip = root.appendingPathComponent("cut.zip")
            try makeZip(at: zip, [("isins.csv", sampleCSV(bytes: 50_000))])
            let bytes = try contents(of: zip)
            try write(Array(bytes.prefix(bytes.count / 2)), to: zip)
            let error = try #require(openError(ArchiveOpener(), zip, root: root))
            #expect(error.kind == .zipIncomplete)
            #expect(error.description == "\(zip.path): not a complete zip archive: truncated download?")
            #expect(try fileNames(in: root.appendingPathComponent("staging")).isEmpty)
        }
    }

    @Test func noMatchingEntryListsWhatIsThere() async throws {
        try await withTemporaryDirectory { root in
            let zip = root.appendingPathComponent("other.zip")
            try makeZip(at: zip, [("docs/", []), ("docs/readme.pdf", [1]), ("__MACOSX/._x", [1]), ("data.json", [2])])
            let error = try #require(openError(ArchiveOpener(filter: .delimitedText), zip, root: root))
            #expect(error.kind == .noMatchingEntry(wanted: ".csv, .tsv or .txt", found: ["docs/readme.pdf", "data.json"]))
            #expect(error.message == #"no .csv, .tsv or .txt file in the archive; it holds "docs/readme.pdf", "data.json""#)
        }
    }

    @Test func emptyZip() async throws {
        try await withTemporaryDirectory { root in
            let zip = root.appendingPathComponent("empty.zip")
            try write([0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18), to: zip)
            #expect(try ArchiveFormat.detect(fileAt: zip) == .zip)
            let error = try #require(openError(ArchiveOpener(filter: .xml), zip, root: root))
            #expect(error.message == "no .xml file in the archive: it holds no files")
        }
    }

    @Test func entryOverTheCap() async throws {
        try await withTemporaryDirectory { root in
            let zip = root.appendingPathComponent("bomb.zip")
            try makeZip(at: zip, [("isins.csv", [UInt8](repeating: 0x30, count: 1_000_000))])
            let opener = ArchiveOpener(filter: .delimitedText, maxEntryBytes: 100_000)
            let error = try #require(openError(opener, zip, root: root))
            #expect(error.kind == .entryTooLarge(entry: "isins.csv", limit: 100_000))
            #expect(error.message == "entry \"isins.csv\" unpacks to more than the 100 kB limit")
            #expect(try fileNames(in: root.appendingPathComponent("staging")).isEmpty)
        }
    }

    @Test func entryThatLiesAboutItsSizeIsCutOff() async throws {
        try await withTemporaryDirectory { root in
            let zip = root.appendingPathComponent("liar.zip")
            try makeZip(at: zip, [("isins.csv", [UInt8](repeating: 0x30, count: 1_000_000))])
            // Claims 1,000 bytes in the local header and the central directory.
            var bytes = try contents(of: zip)
            for signature in [[0x50, 0x4B, 0x03, 0x04] as [UInt8], [0x50, 0x4B, 0x01, 0x02]] {
                let offset = try #require(firstIndex(of: signature, in: bytes))
                let sizeOffset = offset + (signature[2] == 3 ? 22 : 24)
                bytes.replaceSubrange(sizeOffset..<sizeOffset + 4, with: [0xE8, 0x03, 0, 0])
            }
            try write(bytes, to: zip)
            let opener = ArchiveOpener(filter: .delimitedText, maxEntryBytes: 100_000)
            let error = try #require(openError(opener, zip, root: root))
            #expect(error.kind == .entryTooLarge(entry: "isins.csv", limit: 100_000))
        }
    }

    @Test func entryNamesNeverBecomePaths() async throws {
        try await withTemporaryDirectory { root in
            let zip = root.appendingPathComponent("evil.zip")
            try makeZip(at: zip, [("../../evil.csv", Array("x".utf8)), ("/abs/also.csv", Array("y".utf8))])
            let staging = root.appendingPathComponent("deep/staging")
            let opened = try ArchiveOpener(filter: .delimitedText).open(zip, stagingDirectory: staging)
            defer { opened.cleanUp() }
            #expect(opened.payloads.map(\.url.lastPathComponent) == ["entry-001.csv", "entry-002.csv"])
            #expect(opened.payloads.allSatisfy { $0.url.deletingLastPathComponent() == opened.stagingDirectory })
            #expect(try fileNames(in: root) == ["deep", "evil.zip"])
        }
    }

    @Test func encryptedEntry() async throws {
        try await withTemporaryDirectory { root in
            let zip = root.appendingPathComponent("locked.zip")
            try makeZip(at: zip, [("a.csv", Array("a".utf8)), ("secret.csv", Array("s".utf8))])
            var bytes = try contents(of: zip)
            // Sets the "encrypted" flag of the second central directory record.
            let records = indices(of: [0x50, 0x4B, 0x01, 0x02], in: bytes)
            #expect(records.count == 2)
            bytes[records[1] + 8] |= 1
            try write(bytes, to: zip)
            let error = try #require(openError(ArchiveOpener(), zip, root: root))
            #expect(error.kind == .encryptedEntry("secret.csv"))
        }
    }

    @Test func damagedEntryFailsItsCRC() async throws {
        try await withTemporaryDirectory { root in
            let zip = root.appendingPathComponent("damaged.zip")
            let content = Array("ISIN\nUS0378331005\n".utf8)
            try makeZip(at: zip, [("isins.csv", content)], compression: .none)
            var bytes = try contents(of: zip)
            let at = try #require(firstIndex(of: Array("US0378".utf8), in: bytes))
            bytes[at] = UInt8(ascii: "X")
            try write(bytes, to: zip)
            let error = try #require(openError(ArchiveOpener(), zip, root: root))
            #expect(error.kind == .checksumMismatch(entry: "isins.csv"))
        }
    }

    @Test func formatIsToldByContentNotName() async throws {
        try await withTemporaryDirectory { root in
            let content = sampleCSV(bytes: 30_000)
            let gzipNamedZip = root.appendingPathComponent("isins.zip")
            try write(try gzipped(content), to: gzipNamedZip)
            let plain = root.appendingPathComponent("isins.gz")
            try write(content, to: plain)
            #expect(try ArchiveFormat.detect(fileAt: gzipNamedZip) == .gzip)
            #expect(try ArchiveFormat.detect(fileAt: plain) == .plain)
            #expect(ArchiveFormat.detect([0x50, 0x4B, 0x03, 0x04, 0x14]) == .zip)
            #expect(ArchiveFormat.detect([0x50, 0x4B]) == .plain)
            #expect(ArchiveFormat.detect([UInt8]()) == .plain)

            let opener = ArchiveOpener(filter: .delimitedText)
            let gzip = try opener.open(gzipNamedZip, stagingDirectory: root)
            #expect(gzip.format == .gzip && gzip.stagingDirectory == nil)
            #expect(gzip.payloads == [ArchivePayload(name: "isins.zip", url: gzipNamedZip, encoding: .gzip)])
            #expect(try drain(try gzip.payloads[0].makeSource()) == content)
            let opened = try opener.open(plain, stagingDirectory: root)
            #expect(opened.payloads == [ArchivePayload(name: "isins.gz", url: plain, encoding: .plain)])
            #expect(try drain(try opened.payloads[0].makeSource()) == content)
            opened.cleanUp()
            #expect(FileManager.default.fileExists(atPath: plain.path))
        }
    }

    @Test func gzipPayloadIsNamedWithoutTheSuffix() async throws {
        try await withTemporaryDirectory { root in
            let file = root.appendingPathComponent("isins.csv.gz")
            try write(try gzipped(Array("x".utf8)), to: file)
            let opened = try ArchiveOpener().open(file, stagingDirectory: root)
            #expect(opened.payloads.map(\.name) == ["isins.csv"])
        }
    }

    @Test func missingFile() async throws {
        try await withTemporaryDirectory { root in
            let file = root.appendingPathComponent("gone.zip")
            let error = try #require(openError(ArchiveOpener(), file, root: root))
            #expect(error.kind == .unreadable("No such file or directory"))
        }
    }
}

private func indices(of pattern: [UInt8], in bytes: [UInt8]) -> [Int] {
    guard bytes.count >= pattern.count else { return [] }
    return (0...(bytes.count - pattern.count)).filter { bytes[$0..<$0 + pattern.count].elementsEqual(pattern) }
}

private func firstIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
    indices(of: pattern, in: bytes).first
}
