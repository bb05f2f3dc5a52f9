import CompressNIO
import NIOCore
import Testing
@testable import TickerISIN

/// `bytes` gzip-compressed by CompressNIO.
func gzipped(_ bytes: [UInt8]) throws -> [UInt8] {
    var buffer = ByteBuffer(bytes: bytes)
    let compressed = try buffer.compress(with: .gzip())
    return Array(compressed.readableBytesView)
}

private func gunzip(_ compressed: [UInt8], inputChunk: Int = 64 * 1024, outputChunk: Int = 64 * 1024) throws -> [UInt8] {
    try drain(GzipChunkSource(BytesChunkSource(compressed, chunkSize: inputChunk), name: "isins.csv.gz", chunkSize: outputChunk))
}

private func gzipError(_ compressed: [UInt8], inputChunk: Int = 64 * 1024) -> ArchiveError? {
    do {
        _ = try gunzip(compressed, inputChunk: inputChunk)
        Issue.record("expected gunzip to fail")
        return nil
    } catch let error as ArchiveError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

@Suite("archives: gzip")
struct GzipChunkSourceTests {
    @Test func roundTrip() throws {
        let content = sampleCSV(bytes: 400_000)
        #expect(try gunzip(try gzipped(content)) == content)
    }

    @Test(arguments: [(1, 7), (7, 1), (13, 4096), (4096, 13), (65_536, 65_536), (1_000_000, 100)])
    func chunkSizesDoNotMatter(inputChunk: Int, outputChunk: Int) throws {
        let content = sampleCSV(bytes: 50_000) + noiseBytes(5000)
        let compressed = try gzipped(content)
        #expect(try gunzip(compressed, inputChunk: inputChunk, outputChunk: outputChunk) == content)
    }

    @Test func outputChunksAreBounded() throws {
        let content = [UInt8](repeating: 0x41, count: 2_000_000)
        var source = GzipChunkSource(BytesChunkSource(try gzipped(content)), chunkSize: 10_000)
        var total = 0
        while let chunk = try source.next() {
            #expect(chunk.count <= 10_000)
            total += chunk.count
        }
        #expect(total == content.count)
    }

    @Test func emptyContent() throws {
        #expect(try gunzip(try gzipped([])) == [])
    }

    @Test(arguments: [1, 4, 8, 9, 100])
    func truncatedStreamIsAnError(cut: Int) throws {
        let compressed = try gzipped(sampleCSV(bytes: 20_000))
        let error = try #require(gzipError(Array(compressed.dropLast(cut)), inputChunk: 1000))
        #expect(error.kind == .gzipTruncated)
        #expect(error.description == "isins.csv.gz: the gzip stream ends early: truncated download?")
    }

    @Test func headerOnlyIsTruncated() throws {
        let compressed = try gzipped(sampleCSV(bytes: 1000))
        #expect(gzipError(Array(compressed.prefix(5)))?.kind == .gzipTruncated)
        #expect(gzipError(Array(compressed.prefix(2)))?.kind == .gzipTruncated)
    }

    @Test func trailingGarbageIsAnError() throws {
        let compressed = try gzipped(sampleCSV(bytes: 1000))
        for garbage in [[UInt8](repeating: 0, count: 10), Array("hello".utf8), [0x1F]] {
            let error = try #require(gzipError(compressed + garbage, inputChunk: 100))
            #expect(error.kind == .gzipTrailingData(offset: Int64(compressed.count)))
        }
    }

    @Test func concatenatedMembersAreReadInTurn() throws {
        let first = sampleCSV(bytes: 5000)
        let second = Array("second member\n".utf8)
        let compressed = try gzipped(first) + (try gzipped(second))
        for chunk in [1, 3, compressed.count] {
            #expect(try gunzip(compressed, inputChunk: chunk) == first + second)
        }
    }

    @Test func corruptDataIsAnError() throws {
        var compressed = try gzipped(sampleCSV(bytes: 20_000))
        for index in stride(from: 100, to: 200, by: 1) { compressed[index] ^= 0xFF }
        let error = try #require(gzipError(compressed))
        #expect(error.kind == .gzipCorrupt)
    }

    @Test func checksumMismatchIsAnError() throws {
        var compressed = try gzipped(sampleCSV(bytes: 20_000))
        compressed[compressed.count - 6] ^= 0x01  // inside the CRC-32 of the trailer
        #expect(gzipError(compressed)?.kind == .gzipCorrupt)
    }

    @Test func errorsRepeat() throws {
        let compressed = try gzipped(sampleCSV(bytes: 1000))
        var source = GzipChunkSource(BytesChunkSource(Array(compressed.dropLast(3))))
        #expect(throws: ArchiveError.self) { while try source.next() != nil {} }
        #expect(throws: ArchiveError(.gzipTruncated)) { _ = try source.next() }
    }

    @Test func readsThroughTheDelimitedReader() throws {
        let csv = "ISIN;Name\nUS0378331005;Apple\nDE0007164600;SAP\n"
        let source = GzipChunkSource(BytesChunkSource(try gzipped(Array(csv.utf8)), chunkSize: 5), chunkSize: 3)
        var reader = DelimitedReader(source: source)
        var rows: [[String]] = []
        while let record = try reader.nextRecord() { rows.append(record.fields) }
        #expect(rows == [["ISIN", "Name"], ["US0378331005", "Apple"], ["DE0007164600", "SAP"]])
    }
}
