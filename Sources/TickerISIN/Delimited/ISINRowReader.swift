import Foundation

/// Reads an ISIN list in delimited text: the header row first, matched against a `ColumnMapping`,
/// then one `RowOutcome` per data record.
///
/// A record with a different number of fields than the header, or one the reader rejects on its
/// own (not UTF-8, text after a closing quote, too long), is a `.problem` and reading goes on.
/// Only what spoils the rest of the file throws: a quote never closed, a failed read.
public struct ISINRowReader: Sendable {
    /// The header's titles as read.
    public let header: [String]
    /// The header's 1-based line.
    public let headerLine: Int

    private var reader: DelimitedReader
    private let columns: ResolvedColumns

    /// Reads the header. Throws `DelimitedError` when the header cannot be read (any problem is
    /// fatal there) and `ColumnMappingError` when it is missing or lacks a mapped column.
    public init(reader: DelimitedReader, mapping: ColumnMapping) throws {
        var reader = reader
        guard let headerRecord = try reader.nextRecord() else { throw ColumnMappingError([.noHeader]) }
        self.header = headerRecord.fields
        self.headerLine = headerRecord.line
        self.columns = try mapping.resolve(header: headerRecord.fields, line: headerRecord.line)
        self.reader = reader
    }

    /// Opens the file at `url` and reads its header. Throws `FileChunkSource.OpenError`, and the
    /// errors of `init(reader:mapping:)`.
    public init(url: URL, delimiter: DelimiterSetting = .auto, mapping: ColumnMapping) throws {
        try self.init(reader: DelimitedReader(url: url, delimiter: delimiter), mapping: mapping)
    }

    /// The delimiter the file is read with.
    public var delimiter: Delimiter? { reader.delimiter }

    /// See `DelimitedReader.peakBufferedBytes`.
    public var peakBufferedBytes: Int { reader.peakBufferedBytes }

    /// The next data row or problem, or nil at the end of the file.
    public mutating func next() throws(DelimitedError) -> RowOutcome? {
        let record: DelimitedRecord
        do throws(DelimitedError) {
            guard let read = try reader.nextRecord() else { return nil }
            record = read
        } catch where error.isRecordLevel {
            return .problem(line: error.line, reason: error.message)
        }
        guard record.fields.count == columns.width else {
            let count = record.fields.count
            return .problem(line: record.line, reason: "\(count) field\(count == 1 ? "" : "s"), the header has \(columns.width)")
        }
        return .row(columns.row(record))
    }
}
