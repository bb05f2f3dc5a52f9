/// Why a delimited file, or one record of it, could not be read, and on which physical line.
///
/// `message` states the problem on its own, for callers that show the line their own way;
/// `description` is `line 12: …`. Some problems spoil one record only: the reader has already
/// skipped to the end of that record (`isRecordLevel`), and the next `nextRecord()` carries on with
/// the one after. The others stop the reader, which then throws the same error on every call.
public struct DelimitedError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Bytes that are not UTF-8 in the `field`-th field (1-based); `byte` is the first bad one.
        /// The file is in another encoding (often Latin-1 or Windows-1252) or damaged; it is never
        /// patched with replacement characters.
        case invalidUTF8(field: Int, byte: UInt8)
        /// A character right after the closing quote of the `field`-th field, where only the
        /// delimiter or a line break may follow: usually a quote inside a quoted field that was
        /// not doubled (`"a "b" c"`).
        case textAfterClosingQuote(field: Int, found: UInt8)
        /// The record's values and delimiters take more than `limit` bytes.
        case recordTooLong(limit: Int)
        /// A quote opened on this line and never closed before the end of the file.
        case unterminatedQuote
        /// The file starts with a UTF-16 byte order mark; only UTF-8 is read.
        case utf16(bigEndian: Bool)
        /// `auto` could not choose: these delimiters occur equally often in the header line.
        case ambiguousDelimiter([Delimiter], count: Int)
        /// The byte source failed; the text is its error.
        case readFailed(String)
    }

    public var kind: Kind
    /// 1-based physical line of the problem: where the bad byte is, or for `unterminatedQuote`
    /// where the quote opened, or for `recordTooLong` where the record starts.
    public var line: Int

    public init(_ kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }

    /// Whether only this record is lost and the reader can go on with the next one.
    public var isRecordLevel: Bool {
        switch kind {
        case .invalidUTF8, .textAfterClosingQuote, .recordTooLong: return true
        case .unterminatedQuote, .utf16, .ambiguousDelimiter, .readFailed: return false
        }
    }

    public var message: String {
        switch kind {
        case let .invalidUTF8(field, byte):
            return "field \(field) is not valid UTF-8 (byte \(ByteText.hex(byte))); "
                + "the file must be saved as UTF-8"
        case let .textAfterClosingQuote(field, found):
            return "field \(field): \(ByteText.show(found)) after the closing quote; "
                + "a quote inside a quoted field must be doubled (\"\")"
        case let .recordTooLong(limit):
            return "record longer than \(limit) bytes; is a quote left open?"
        case .unterminatedQuote:
            return "quote opened here is never closed"
        case let .utf16(bigEndian):
            return "the file is UTF-16 (\(bigEndian ? "big" : "little")-endian byte order mark); "
                + "only UTF-8 is read"
        case let .ambiguousDelimiter(delimiters, count):
            let names = delimiters.map(\.description).joined(separator: " and ")
            return "cannot tell the delimiter: \(names) occur \(count) times each in the header "
                + "outside quotes; set the delimiter explicitly"
        case let .readFailed(reason):
            return "read failed: \(reason)"
        }
    }

    public var description: String { "line \(line): \(message)" }
}
