import Foundation

/// The entries of a zip as its central directory lists them, read straight from the file.
///
/// ZIPFoundation's entry list stops without a word at an encrypted entry or a damaged local
/// header; this listing is what tells such an archive apart from a complete one, and names the
/// encrypted entry.
struct ZipDirectory {
    struct Record {
        var path: String
        var isEncrypted: Bool
        /// 0 stored, 8 deflate, others (bzip2, LZMA…) unsupported.
        var method: Int
    }

    var records: [Record]

    /// Central directories larger than this are taken as damaged rather than read into memory.
    static let maxDirectoryBytes: UInt64 = 64 << 20

    static func read(_ url: URL) throws(ArchiveError.Kind) -> ZipDirectory {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw .unreadable(SystemError.reason(error))
        }
        defer { try? handle.close() }
        do {
            return try read(handle)
        } catch let kind as ArchiveError.Kind {
            throw kind
        } catch {
            throw .unreadable(SystemError.reason(error))
        }
    }

    private static func read(_ handle: FileHandle) throws -> ZipDirectory {
        let size = try handle.seekToEnd()
        // The end record is 22 bytes plus a comment of up to 65,535.
        let tailStart = size - min(size, 22 + 65_535)
        try handle.seek(toOffset: tailStart)
        let tail = [UInt8](try handle.readToEnd() ?? Data())
        guard let end = lastIndex(of: 0x0605_4B50, in: tail, where: { tail.count - $0 >= 22 }) else {
            throw ArchiveError.Kind.zipIncomplete
        }
        var count = UInt64(tail.le16(end + 10))
        var directorySize = UInt64(tail.le32(end + 12))
        var directoryOffset = UInt64(tail.le32(end + 16))
        let endOffset = tailStart + UInt64(end)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            (count, directorySize, directoryOffset) = try zip64End(handle, endOffset: endOffset)
        }
        guard directorySize <= maxDirectoryBytes, directoryOffset + directorySize <= endOffset else {
            throw ArchiveError.Kind.zipCorrupt("the central directory lies outside the file")
        }
        try handle.seek(toOffset: directoryOffset)
        let directory = [UInt8](try handle.read(upToCount: Int(directorySize)) ?? Data())
        var records: [Record] = []
        var position = 0
        for index in 0..<count {
            guard position + 46 <= directory.count, directory.le32(position) == 0x0201_4B50 else {
                throw ArchiveError.Kind.zipCorrupt("central directory record \(index + 1) of \(count) is damaged")
            }
            let flags = directory.le16(position + 8)
            let nameLength = Int(directory.le16(position + 28))
            let skip = nameLength + Int(directory.le16(position + 30)) + Int(directory.le16(position + 32))
            guard position + 46 + skip <= directory.count else {
                throw ArchiveError.Kind.zipCorrupt("central directory record \(index + 1) of \(count) is damaged")
            }
            let nameBytes = directory[(position + 46)..<(position + 46 + nameLength)]
            records.append(Record(
                path: String(decoding: nameBytes, as: UTF8.self), isEncrypted: flags & 1 != 0,
                method: Int(directory.le16(position + 10))
            ))
            position += 46 + skip
        }
        return ZipDirectory(records: records)
    }

    /// Count, size and offset of the central directory from the ZIP64 end record.
    private static func zip64End(_ handle: FileHandle, endOffset: UInt64) throws -> (UInt64, UInt64, UInt64) {
        guard endOffset >= 20 else { throw ArchiveError.Kind.zipCorrupt("the ZIP64 end record is missing") }
        try handle.seek(toOffset: endOffset - 20)
        let locator = [UInt8](try handle.read(upToCount: 20) ?? Data())
        guard locator.count == 20, locator.le32(0) == 0x0706_4B50 else {
            throw ArchiveError.Kind.zipCorrupt("the ZIP64 end record is missing")
        }
        try handle.seek(toOffset: locator.le64(8))
        let record = [UInt8](try handle.read(upToCount: 56) ?? Data())
        guard record.count == 56, record.le32(0) == 0x0606_4B50 else {
            throw ArchiveError.Kind.zipCorrupt("the ZIP64 end record is damaged")
        }
        return (record.le64(32), record.le64(40), record.le64(48))
    }

    private static func lastIndex(of signature: UInt32, in bytes: [UInt8], where accept: (Int) -> Bool) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in stride(from: bytes.count - 4, through: 0, by: -1)
        where bytes.le32(index) == signature && accept(index) {
            return index
        }
        return nil
    }
}

extension [UInt8] {
    /// Little-endian integers at `offset`, as zip stores them.
    fileprivate func le16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    fileprivate func le32(_ offset: Int) -> UInt32 {
        UInt32(le16(offset)) | UInt32(le16(offset + 2)) << 16
    }

    fileprivate func le64(_ offset: Int) -> UInt64 {
        UInt64(le32(offset)) | UInt64(le32(offset + 4)) << 32
    }
}
