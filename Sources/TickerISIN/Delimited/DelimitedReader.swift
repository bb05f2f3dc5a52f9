import Foundation

/// Reads a delimited text file (CSV and its semicolon and tab cousins) one record at a time, in
/// bounded memory: it holds one chunk of input and the current record, never the file.
///
/// The dialect is RFC 4180 with the variations real exports have: UTF-8 with or without a byte order
/// mark; CRLF, LF or lone CR line breaks, mixed freely; `,` `;` or tab, fixed or chosen from the
/// header line; quoted fields holding delimiters, line breaks and doubled quotes; a last record with
/// or without a line break after it. Blank lines (no bytes at all) are skipped but counted, so
/// `DelimitedRecord.line` is always the line an editor shows.
///
/// Where files go wrong the reader is lenient only where nothing can be lost, and strict otherwise:
/// - a quote inside an unquoted field (`12" pipe`) is kept as an ordinary character: only a quote
///   at the very start of a field opens a quoted field;
/// - text right after a closing quote (`"a "b" c"`) is an error for that record, since the value
///   cannot be known; the reader skips to the end of the record and goes on;
/// - bytes that are not UTF-8 are an error for that record, naming its line and field; they are
///   never replaced;
/// - a record longer than `maxRecordBytes` is an error for that record, and is skipped without being
///   stored;
/// - a quote still open at the end of the file is fatal, reported at the line where it opened.
///
/// Record-level errors (`DelimitedError.isRecordLevel`) leave the reader ready for the next record;
/// after any other error it throws that error again on every call.
///
/// The source is held as `any ByteChunkSource` rather than as a generic parameter: it is called
/// once per chunk, so the dynamic call costs nothing measurable, while a generic reader used from
/// another module would run unspecialized, with a type-metadata lookup in every record.
public struct DelimitedReader: Sendable {
    public static var defaultMaxRecordBytes: Int { 1 << 20 }

    /// How the delimiter is chosen.
    public let delimiterSetting: DelimiterSetting
    /// The longest record accepted: the bytes of its values plus its delimiters (quotes and the
    /// line break are not counted).
    public let maxRecordBytes: Int
    /// The delimiter in use: the fixed one, or the one `auto` chose; nil until the first call to
    /// `nextRecord()`, which reads the header line to decide.
    public private(set) var delimiter: Delimiter?
    /// The most memory the reader has held at once for input and the current record, in bytes
    /// (allocated capacity, not just what is used), as a check that memory stays bounded.
    ///
    /// However long the file, it stays within one chunk plus what the longest record needs: its
    /// values, at most `maxRecordBytes`, and 4 bytes per field. While `auto` reads ahead through the
    /// header line, the input can briefly hold up to about twice `maxRecordBytes`.
    public private(set) var peakBufferedBytes = 0

    private var source: any ByteChunkSource
    /// The chunk being scanned, and how far.
    private var input: [UInt8] = []
    private var position = 0
    private var sourceEnded = false
    /// Replaced by the real one, with the chosen delimiter, when reading starts.
    private var scanner = RecordScanner(delimiter: .comma, limit: 1)
    private var started = false
    private var failure: DelimitedError?

    /// `maxRecordBytes` is clamped to 1...`Int32.max`.
    public init(
        source: some ByteChunkSource, delimiter: DelimiterSetting = .auto,
        maxRecordBytes: Int = Self.defaultMaxRecordBytes
    ) {
        self.source = source
        self.delimiterSetting = delimiter
        self.maxRecordBytes = min(max(1, maxRecordBytes), Int(Int32.max))
    }

    /// The next record, or nil at the end of the input.
    public mutating func nextRecord() throws(DelimitedError) -> DelimitedRecord? {
        if let failure { throw failure }
        do throws(DelimitedError) {
            return try readRecord()
        } catch {
            if !error.isRecordLevel { failure = error }
            throw error
        }
    }

    private mutating func readRecord() throws(DelimitedError) -> DelimitedRecord? {
        if !started { try start() }
        while true {
            if position == input.count {
                guard let chunk = try nextChunk() else {
                    guard try scanner.finishInput() else {
                        notePeak()
                        return nil
                    }
                    break
                }
                input = chunk
                position = 0
                notePeak()
            }
            // A local reference, so that scanning reads the chunk while it mutates `scanner`.
            let chunk = input
            let from = position
            let (next, ended) = chunk.withUnsafeBufferPointer { scanner.scan($0, from: from) }
            position = next
            if ended { break }
        }
        notePeak()
        return try scanner.takeRecord()
    }

    // MARK: - Start: byte order mark and delimiter

    private mutating func start() throws(DelimitedError) {
        started = true
        // Enough bytes to see a byte order mark, however small the source's chunks.
        while input.count < 3, try pull() {}
        if input.starts(with: [0xEF, 0xBB, 0xBF]) {
            position = 3
        } else if input.starts(with: [0xFF, 0xFE]) {
            throw DelimitedError(.utf16(bigEndian: false), line: 1)
        } else if input.starts(with: [0xFE, 0xFF]) {
            throw DelimitedError(.utf16(bigEndian: true), line: 1)
        }
        let chosen: Delimiter
        switch delimiterSetting {
        case .fixed(let fixed): chosen = fixed
        case .auto: chosen = try detectDelimiter()
        }
        delimiter = chosen
        scanner = RecordScanner(delimiter: chosen, limit: maxRecordBytes)
    }

    /// Reads ahead to the end of the header line (at most `maxRecordBytes`), keeping what it read
    /// for the scanner, and counts the candidates there.
    private mutating func detectDelimiter() throws(DelimitedError) -> Delimiter {
        var sniffer = DelimiterSniffer()
        var offset = position
        while true {
            let chunk = input
            let from = offset
            let done = chunk.withUnsafeBufferPointer { sniffer.scan($0, from: from) }
            offset = chunk.count
            if done || offset - position > maxRecordBytes { break }
            guard try pull() else { break }
        }
        return try sniffer.decision()
    }

    // MARK: - Input

    /// Appends the next chunk to the unscanned input; false at the end of the source.
    private mutating func pull() throws(DelimitedError) -> Bool {
        guard let chunk = try nextChunk() else { return false }
        input.append(contentsOf: chunk)
        notePeak()
        return true
    }

    private mutating func nextChunk() throws(DelimitedError) -> [UInt8]? {
        guard !sourceEnded else { return nil }
        while true {
            let chunk: [UInt8]?
            do {
                chunk = try source.next()
            } catch {
                throw DelimitedError(.readFailed(String(describing: error)), line: scanner.line)
            }
            guard let chunk else {
                sourceEnded = true
                return nil
            }
            if !chunk.isEmpty { return chunk }
        }
    }

    private mutating func notePeak() {
        peakBufferedBytes = max(peakBufferedBytes, input.capacity + scanner.heldBytes)
    }
}

extension DelimitedReader {
    /// Reads the file at `url`, 64 KiB at a time.
    public init(
        url: URL, delimiter: DelimiterSetting = .auto, maxRecordBytes: Int = Self.defaultMaxRecordBytes
    ) throws(FileChunkSource.OpenError) {
        self.init(source: try FileChunkSource(url: url), delimiter: delimiter, maxRecordBytes: maxRecordBytes)
    }
}
