/// Why a downloaded file could not be unpacked, in one line naming the file (when known) and,
/// for a zip, the entry: `isins.zip: entry "data.csv" unpacks to more than the 2 GB limit`.
public struct ArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. Also an `Error` on its own, thrown inside the module where the file is
    /// not known yet.
    public enum Kind: Error, Sendable, Hashable {
        /// The file could not be opened or read; the text is the system's reason.
        case unreadable(String)
        /// The gzip data stops before its end marker and checksum.
        case gzipTruncated
        /// The gzip data is not valid deflate, or its checksum does not match.
        case gzipCorrupt
        /// Bytes that are not another gzip member follow the end of the gzip data.
        case gzipTrailingData(offset: Int64)
        /// No end-of-archive record: the usual sign of a download cut short.
        case zipIncomplete
        /// The archive's structure is damaged; the text says how.
        case zipCorrupt(String)
        case encryptedEntry(String)
        case unsupportedCompression(entry: String, method: Int)
        /// No entry passed the filter; `found` lists the files the archive does hold.
        case noMatchingEntry(wanted: String, found: [String])
        /// The entry unpacks (or claims to unpack) to more than the limit: a zip bomb guard.
        case entryTooLarge(entry: String, limit: Int64)
        /// The entry's CRC-32 does not match its bytes.
        case checksumMismatch(entry: String)
        case writeFailed(path: String, reason: String)
    }

    public var kind: Kind
    /// The archive's path or name, when known.
    public var file: String?

    public init(_ kind: Kind, file: String? = nil) {
        self.kind = kind
        self.file = file
    }

    /// How many entry names `noMatchingEntry` shows before "and N more".
    static let namesShown = 10

    public var message: String {
        switch kind {
        case .unreadable(let reason):
            return "cannot read the file: \(reason)"
        case .gzipTruncated:
            return "the gzip stream ends early: truncated download?"
        case .gzipCorrupt:
            return "the gzip data is corrupt (bad deflate data or checksum)"
        case .gzipTrailingData(let offset):
            return "unexpected data after the end of the gzip stream, at byte \(QuantityText.grouped(offset))"
        case .zipIncomplete:
            return "not a complete zip archive: truncated download?"
        case .zipCorrupt(let reason):
            return "the zip archive is damaged: \(reason)"
        case .encryptedEntry(let entry):
            return "entry \"\(entry)\" is encrypted; password-protected archives cannot be read"
        case let .unsupportedCompression(entry, method):
            return "entry \"\(entry)\" uses compression method \(method); only stored and deflate are supported"
        case let .noMatchingEntry(wanted, found):
            guard !found.isEmpty else { return "no \(wanted) file in the archive: it holds no files" }
            var names = found.prefix(Self.namesShown).map { "\"\($0)\"" }.joined(separator: ", ")
            if found.count > Self.namesShown { names += " and \(found.count - Self.namesShown) more" }
            return "no \(wanted) file in the archive; it holds \(names)"
        case let .entryTooLarge(entry, limit):
            return "entry \"\(entry)\" unpacks to more than the \(QuantityText.roundBytes(limit)) limit"
        case .checksumMismatch(let entry):
            return "entry \"\(entry)\" is damaged: its CRC-32 does not match"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }

    public var description: String { file.map { "\($0): \(message)" } ?? message }
}
