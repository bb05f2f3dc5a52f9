import Foundation
import Testing
import TickerCore
import TickerISIN

@Suite("Delimited reader")
struct DelimitedReaderTests {
    /// What reading a whole input gave, in order: records and the errors thrown between them.
    enum ReadItem: Hashable, Sendable, CustomStringConvertible {
        case record(line: Int, _ fields: [String])
        case error(DelimitedError)

        var description: String {
            switch self {
            case let .record(line, fields): return "\(line): \(fields)"
            case let .error(error): return "error \(error)"
            }
        }
    }

    /// Reads everything: past record-level errors, stopping at the end or at a fatal error.
    static func readAll(
        _ bytes: [UInt8], delimiter: DelimiterSetting = .fixed(.comma), chunkSize: Int = 64 * 1024,
        maxRecordBytes: Int = 1 << 20
    ) -> [ReadItem] {
        var reader = DelimitedReader(
            source: BytesChunkSource(bytes, chunkSize: chunkSize), delimiter: delimiter, maxRecordBytes: maxRecordBytes)
        var items: [ReadItem] = []
        while true {
            do {
                guard let record = try reader.nextRecord() else { return items }
                items.append(.record(line: record.line, record.fields))
            } catch {
                items.append(.error(error))
                if !error.isRecordLevel { return items }
            }
        }
    }

    /// The UTF-8 bytes of `text`.
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var input: [UInt8]
        var delimiter: DelimiterSetting
        var expected: [ReadItem]
        var description: String { name }

        init(_ name: String, _ input: [UInt8], delimiter: DelimiterSetting = .fixed(.comma), _ expected: [ReadItem]) {
            self.name = name; self.input = input; self.delimiter = delimiter; self.expected = expected
        }

        init(_ name: String, _ input: String, delimiter: DelimiterSetting = .fixed(.comma), _ expected: [ReadItem]) {
            self.init(name, Array(input.utf8), delimiter: delimiter, expected)
        }
    }

    static func r(_ line: Int, _ fields: String...) -> ReadItem { .record(line: line, fields) }
    static func e(_ line: Int, _ kind: DelimitedError.Kind) -> ReadItem { .error(DelimitedError(kind, line: line)) }

    static let cases: [Case] = [
        // Line breaks
        Case("LF", "a,b\n1,2\n", [r(1, "a", "b"), r(2, "1", "2")]),
        Case("CRLF", "a,b\r\n1,2\r\n", [r(1, "a", "b"), r(2, "1", "2")]),
        Case("lone CR", "a,b\r1,2\r3,4", [r(1, "a", "b"), r(2, "1", "2"), r(3, "3", "4")]),
        Case("mixed line breaks", "a\r\nb\nc\rd", [r(1, "a"), r(2, "b"), r(3, "c"), r(4, "d")]),
        Case("CR then CRLF is a blank line", "a\r\r\nb", [r(1, "a"), r(3, "b")]),
        Case("LF then CR is a blank line", "a\n\rb", [r(1, "a"), r(3, "b")]),
        Case("missing final line break", "a,b\n1,2", [r(1, "a", "b"), r(2, "1", "2")]),
        Case("missing final line break after a quoted field", "a\n\"x,y\"", [r(1, "a"), r(2, "x,y")]),
        Case("quoted empty field at the end of the input", "a,\"\"", [r(1, "a", "")]),
        Case("delimiter at the end of the input", "a,", [r(1, "a", "")]),
        // Blank lines: skipped, counted
        Case("trailing empty line", "a\n\n", [r(1, "a")]),
        Case("trailing empty CRLF lines", "a\r\n\r\n\r\n", [r(1, "a")]),
        Case("blank lines in the middle", "a\n\nb\r\n\r\nc", [r(1, "a"), r(3, "b"), r(5, "c")]),
        Case("leading blank lines", "\n\r\n\ra", [r(4, "a")]),
        Case("empty input", "", []),
        Case("only line breaks", "\n\r\n\r", []),
        Case("whitespace-only line is a record", "a\n \nb", [r(1, "a"), r(2, " "), r(3, "b")]),
        // Byte order mark
        Case("BOM skipped", "\u{FEFF}ISIN,Name\nX,Y\n", [r(1, "ISIN", "Name"), r(2, "X", "Y")]),
        Case("BOM only", "\u{FEFF}", []),
        Case("BOM before a quoted field", "\u{FEFF}\"ISIN\"", [r(1, "ISIN")]),
        Case("BOM after the start is text", "a\n\u{FEFF}b", [r(1, "a"), r(2, "\u{FEFF}b")]),
        Case("UTF-16 little-endian", [0xFF, 0xFE, 0x61, 0x00], [e(1, .utf16(bigEndian: false))]),
        Case("UTF-16 big-endian", [0xFE, 0xFF, 0x00, 0x61], [e(1, .utf16(bigEndian: true))]),
        // Quoting
        Case("delimiter inside quotes", "\"a,b\",c\n", [r(1, "a,b", "c")]),
        Case("escaped quotes", "\"a \"\"quoted\"\" field\",x", [r(1, "a \"quoted\" field", "x")]),
        Case("only an escaped quote", "\"\"\"\"", [r(1, "\"")]),
        Case("line break inside quotes", "h1,h2\n\"two\nlines\",x\nnext,y\n",
             [r(1, "h1", "h2"), r(2, "two\nlines", "x"), r(4, "next", "y")]),
        Case("CRLF inside quotes is one line", "\"a\r\nb\"\r\nc\r\n", [r(1, "a\r\nb"), r(3, "c")]),
        Case("CR inside quotes", "\"a\rb\",x\rc", [r(1, "a\rb", "x"), r(3, "c")]),
        Case("blank lines inside quotes are kept", "\"a\n\n\nb\"\nc", [r(1, "a\n\n\nb"), r(5, "c")]),
        Case("CR ending one field, LF starting the next: two lines", "\"a\r\",\"\nb\"\nc",
             [r(1, "a\r", "\nb"), r(4, "c")]),
        Case("quoted line break at the end of a record", "\"a\n\"\nb", [r(1, "a\n"), r(3, "b")]),
        // Empty fields
        Case("empty fields", "a,,c\n,,\n\"\",x\n", [r(1, "a", "", "c"), r(2, "", "", ""), r(3, "", "x")]),
        Case("trailing delimiter", "a,b,\n", [r(1, "a", "b", "")]),
        Case("leading delimiter", ",a\n", [r(1, "", "a")]),
        Case("a lone quoted empty field is a record", "a\n\"\"\nb", [r(1, "a"), r(2, ""), r(3, "b")]),
        // Lenient: a quote that does not start a field is text
        Case("quote inside an unquoted field", "12\" pipe,x\na\"b\"c,y",
             [r(1, "12\" pipe", "x"), r(2, "a\"b\"c", "y")]),
        Case("space before a quote: unquoted", "a, \"b\"", [r(1, "a", " \"b\"")]),
        Case("whitespace is kept", " a , b ", [r(1, " a ", " b ")]),
        Case("quote ending an unquoted field", "a\",b", [r(1, "a\"", "b")]),
        // Strict: text after a closing quote loses that record only
        Case("undoubled quote inside a quoted field", "h\n\"a \"b\" c\"\nnext\n",
             [r(1, "h"), e(2, .textAfterClosingQuote(field: 1, found: UInt8(ascii: "b"))), r(3, "next")]),
        Case("text after a closing quote in the second field", "x,\"a\"b,c\r\ny",
             [e(1, .textAfterClosingQuote(field: 2, found: UInt8(ascii: "b"))), r(2, "y")]),
        Case("space after a closing quote", "\"a\" ,b\nc",
             [e(1, .textAfterClosingQuote(field: 1, found: UInt8(ascii: " "))), r(2, "c")]),
        Case("text after a closing quote on the field's second line", "h\n\"a\nb\"c\nd",
             [r(1, "h"), e(3, .textAfterClosingQuote(field: 1, found: UInt8(ascii: "c"))), r(4, "d")]),
        // Fatal: a quote never closed, reported where it opened
        Case("unterminated quote", "h\nok\n\"open\nmore\n",
             [r(1, "h"), r(2, "ok"), e(3, .unterminatedQuote)]),
        Case("unterminated quote in a later field", "a,b\n1,\"2,3\r\n4,5\r\n",
             [r(1, "a", "b"), e(2, .unterminatedQuote)]),
        Case("unterminated quote right at the end", "a\n\"", [r(1, "a"), e(2, .unterminatedQuote)]),
        Case("escaped quote is not a closing one", "\"a\"\"", [e(1, .unterminatedQuote)]),
        // UTF-8
        Case("multi-byte UTF-8", "Société Générale,€,𝄞\n", [r(1, "Société Générale", "€", "𝄞")]),
        Case("invalid UTF-8", [UInt8]("h\nabc,".utf8) + [0xE9] + [UInt8]("t\nnext\n".utf8),
             [r(1, "h"), e(2, .invalidUTF8(field: 2, byte: 0xE9)), r(3, "next")]),
        Case("invalid UTF-8 on a quoted field's second line", [UInt8]("h\n\"line2\nline3 ".utf8) + [0xFF] + [UInt8]("\"\nz".utf8),
             [r(1, "h"), e(3, .invalidUTF8(field: 1, byte: 0xFF)), r(4, "z")]),
        Case("invalid UTF-8 after line breaks in an earlier field", [UInt8]("\"a\r\",\"\nb".utf8) + [0xC3] + [UInt8]("\"".utf8),
             [e(3, .invalidUTF8(field: 2, byte: 0xC3))]),
        Case("truncated UTF-8 sequence at the end", [UInt8]("ok\n".utf8) + [0xE2, 0x82],
             [r(1, "ok"), e(2, .invalidUTF8(field: 1, byte: 0xE2))]),
        Case("encoded surrogate", [UInt8]("a,".utf8) + [0xED, 0xA0, 0x80], [e(1, .invalidUTF8(field: 2, byte: 0xED))]),
        // Delimiters
        Case("semicolon keeps commas", "a;b,c\n", delimiter: .fixed(.semicolon), [r(1, "a", "b,c")]),
        Case("tab", "a\tb c\t\n", delimiter: .fixed(.tab), [r(1, "a", "b c", "")]),
        Case("tab inside quotes", "\"a\tb\"\tc", delimiter: .fixed(.tab), [r(1, "a\tb", "c")]),
        // auto
        Case("auto: semicolon", "ISIN;Name;CCY\nUS1;Foo, Inc;USD\n", delimiter: .auto,
             [r(1, "ISIN", "Name", "CCY"), r(2, "US1", "Foo, Inc", "USD")]),
        Case("auto: comma", "ISIN,Name\nUS1,Foo; Bar\n", delimiter: .auto, [r(1, "ISIN", "Name"), r(2, "US1", "Foo; Bar")]),
        Case("auto: tab", "ISIN\tName, Inc\tX;Y\n", delimiter: .auto, [r(1, "ISIN", "Name, Inc", "X;Y")]),
        Case("auto: delimiters inside quotes do not count", "\"a;b\",\"c;d\",e\n", delimiter: .auto, [r(1, "a;b", "c;d", "e")]),
        Case("auto: quoted line break in the header", "\"a\nb\";c;d\n1;2;3", delimiter: .auto,
             [r(1, "a\nb", "c", "d"), r(3, "1", "2", "3")]),
        Case("auto: doubled quotes in the header", "\"a\"\";\";b;c\n", delimiter: .auto, [r(1, "a\";", "b", "c")]),
        Case("auto: after blank lines and a BOM", "\u{FEFF}\r\n\r\nx;y\n", delimiter: .auto, [r(3, "x", "y")]),
        Case("auto: one column", "ISIN\nUS1\n", delimiter: .auto, [r(1, "ISIN"), r(2, "US1")]),
        Case("auto: tie is an error", "a;b,c\nd\n", delimiter: .auto, [e(1, .ambiguousDelimiter([.semicolon, .comma], count: 1))]),
        Case("auto: tie on the header's line", "\n\na;b;c,d,e\tf\tg\n", delimiter: .auto,
             [e(3, .ambiguousDelimiter([.semicolon, .comma, .tab], count: 2))]),
        Case("auto: empty input", "", delimiter: .auto, []),
    ]

    /// Chunk sizes that cut every input at every possible place, and the real one.
    static let chunkSizes = [1, 2, 3, 7, 64 * 1024]

    @Test("Dialect", arguments: cases, chunkSizes)
    func dialect(_ testCase: Case, chunkSize: Int) {
        #expect(Self.readAll(testCase.input, delimiter: testCase.delimiter, chunkSize: chunkSize) == testCase.expected)
    }

    @Test func errorMessagesSayWhatAndWhere() {
        #expect(DelimitedError(.invalidUTF8(field: 2, byte: 0xE9), line: 7).description
            == "line 7: field 2 is not valid UTF-8 (byte 0xE9); the file must be saved as UTF-8")
        #expect(DelimitedError(.textAfterClosingQuote(field: 1, found: UInt8(ascii: "b")), line: 2).description
            == "line 2: field 1: \"b\" after the closing quote; a quote inside a quoted field must be doubled (\"\")")
        #expect(DelimitedError(.textAfterClosingQuote(field: 3, found: 0x20), line: 2).message
            == "field 3: 0x20 after the closing quote; a quote inside a quoted field must be doubled (\"\")")
        #expect(DelimitedError(.unterminatedQuote, line: 3).description == "line 3: quote opened here is never closed")
        #expect(DelimitedError(.recordTooLong(limit: 1_048_576), line: 9).description
            == "line 9: record longer than 1048576 bytes; is a quote left open?")
        #expect(DelimitedError(.ambiguousDelimiter([.semicolon, .tab], count: 2), line: 1).description
            == "line 1: cannot tell the delimiter: ';' and tab occur 2 times each in the header outside quotes; set the delimiter explicitly")
        #expect(DelimitedError(.utf16(bigEndian: false), line: 1).description
            == "line 1: the file is UTF-16 (little-endian byte order mark); only UTF-8 is read")
    }

    @Test func fatalErrorsRepeat() throws {
        var reader = DelimitedReader(source: BytesChunkSource("a\n\"open"), delimiter: .fixed(.comma))
        #expect(try reader.nextRecord()?.fields == ["a"])
        for _ in 0..<2 {
            #expect(throws: DelimitedError(.unterminatedQuote, line: 2)) { try reader.nextRecord() }
        }
    }

    @Test func endOfInputRepeats() throws {
        var reader = DelimitedReader(source: BytesChunkSource("a"), delimiter: .fixed(.comma))
        #expect(try reader.nextRecord() == DelimitedRecord(line: 1, fields: ["a"]))
        #expect(try reader.nextRecord() == nil)
        #expect(try reader.nextRecord() == nil)
    }

    @Test func autoReportsTheDelimiterItChose() throws {
        var reader = DelimitedReader(source: BytesChunkSource("a;b\n1;2"), delimiter: .auto)
        #expect(reader.delimiter == nil)
        _ = try reader.nextRecord()
        #expect(reader.delimiter == .semicolon)
    }

    @Test func explicitDelimiterWinsOverTheHeader() {
        #expect(Self.readAll(Self.bytes("a;b,c,d\n"), delimiter: .fixed(.semicolon)) == [Self.r(1, "a", "b,c,d")])
        #expect(Self.readAll(Self.bytes("a;b,c,d\n"), delimiter: .fixed(.comma)) == [Self.r(1, "a;b", "c", "d")])
    }

    @Test func delimiterSettingFromConfiguration() {
        #expect(DelimiterSetting(",") == .fixed(.comma))
        #expect(DelimiterSetting("Semicolon") == .fixed(.semicolon))
        #expect(DelimiterSetting("\t") == .fixed(.tab))
        #expect(DelimiterSetting("\\t") == .fixed(.tab))
        #expect(DelimiterSetting("TAB") == .fixed(.tab))
        #expect(DelimiterSetting("auto") == .auto)
        #expect(DelimiterSetting("|") == nil)
        #expect(DelimiterSetting("") == nil)
    }

    // MARK: - Record limit

    @Test(arguments: [1, 5, 64 * 1024])
    func recordLimitCountsValuesAndDelimiters(chunkSize: Int) {
        let input = Self.bytes("0123456789\n\"0123456789\"\n01234,6789\n01234,6789A\nok\n")
        #expect(Self.readAll(input, chunkSize: chunkSize, maxRecordBytes: 10) == [
            Self.r(1, "0123456789"),
            Self.r(2, "0123456789"),  // the quotes do not count
            Self.r(3, "01234", "6789"),
            Self.e(4, .recordTooLong(limit: 10)),
            Self.r(5, "ok"),
        ])
        // A line of nothing but delimiters is as long as it looks.
        #expect(Self.readAll(Self.bytes(",,,,,,,,,,,\nok"), maxRecordBytes: 10) == [Self.e(1, .recordTooLong(limit: 10)), Self.r(2, "ok")])
        #expect(Self.readAll(Self.bytes(",,,,,,,,,,\nok"), maxRecordBytes: 10)
            == [.record(line: 1, Array(repeating: "", count: 11)), Self.r(2, "ok")])
    }

    @Test func overlongRecordIsSkippedWithoutBeingStored() throws {
        let long = String(repeating: "x", count: 100_000)
        let input = Self.bytes("h\n\"\(long)\n\(long)\",\(long)\nok\n")
        var reader = DelimitedReader(
            source: BytesChunkSource(input, chunkSize: 4096), delimiter: .fixed(.comma), maxRecordBytes: 1000)
        #expect(try reader.nextRecord()?.fields == ["h"])
        #expect(throws: DelimitedError(.recordTooLong(limit: 1000), line: 2)) { try reader.nextRecord() }
        #expect(try reader.nextRecord() == DelimitedRecord(line: 4, fields: ["ok"]))
        #expect(try reader.nextRecord() == nil)
        // One chunk and about one limit's worth of record, not the 200 KB record.
        #expect(reader.peakBufferedBytes < 4096 + 1000 + 1000)
    }

    @Test func unclosedQuoteReportsTheQuoteNotTheLength() {
        let input = Self.bytes("h\n\"" + String(repeating: "x\n", count: 5000))
        #expect(Self.readAll(input, maxRecordBytes: 100) == [Self.r(1, "h"), Self.e(2, .unterminatedQuote)])
    }

    // MARK: - Sources

    struct FailingSource: ByteChunkSource {
        struct Broken: Error, CustomStringConvertible { var description: String { "connection reset" } }
        var chunks: [[UInt8]]
        mutating func next() throws -> [UInt8]? {
            guard !chunks.isEmpty else { throw Broken() }
            return chunks.removeFirst()
        }
    }

    @Test func readFailureNamesTheLineReached() throws {
        var reader = DelimitedReader(source: FailingSource(chunks: [Self.bytes("a\nb\n"), [], Self.bytes("c")]), delimiter: .fixed(.comma))
        #expect(try reader.nextRecord()?.line == 1)
        #expect(try reader.nextRecord()?.line == 2)
        let error = #expect(throws: DelimitedError.self) { try reader.nextRecord() }
        #expect(error?.description == "line 3: read failed: connection reset")
        #expect(error?.isRecordLevel == false)
    }

    @Test func missingFileNamesThePath() {
        let url = URL(fileURLWithPath: "/nonexistent/ticker-isins.csv")
        let error = #expect(throws: FileChunkSource.OpenError.self) { try DelimitedReader(url: url) }
        #expect(error?.description == "cannot open /nonexistent/ticker-isins.csv: No such file or directory")
    }

    // MARK: - Round trip

    /// Random records written the way an exporter would (quoting only when needed, or always),
    /// with random line breaks and blank lines, read back with random chunk sizes: the same fields,
    /// on the lines counted while writing.
    @Test(arguments: [Delimiter.comma, .semicolon, .tab])
    func roundTrip(delimiter: Delimiter) {
        var random = SeededGenerator(seed: 0x7469_636B_6572 &+ UInt64(delimiter.rawValue))
        let pieces = ["a", "Z", "9", " ", ",", ";", "\t", "\"", "\r", "\n", "\r\n", "é", "€", "𝄞", "US0378331005"]
        let separator = String(Character(Unicode.Scalar(delimiter.rawValue)))
        for _ in 0..<1000 {
            var text = ""
            var line = 1
            var expected: [ReadItem] = []
            let alwaysQuote = Bool.random(using: &random)
            let recordCount = Int.random(in: 0...6, using: &random)
            for index in 0..<recordCount {
                let fields = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                    (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
                }
                let written = fields.map { field in
                    let needsQuotes = field.contains(separator) || field.contains("\"") || field.contains("\r")
                        || field.contains("\n") || field.contains("\r\n") || (fields.count == 1 && field.isEmpty)
                    return alwaysQuote || needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
                }.joined(separator: separator)
                expected.append(.record(line: line, fields))
                text += written
                line += Self.lineBreakCount(written)
                // One kind of line break per gap, so that a CR and an LF never meet by accident;
                // more than one is a blank line; none only after the last record.
                let lineBreak = ["\n", "\r\n", "\r"].randomElement(using: &random)!
                let count = Int.random(in: index == recordCount - 1 ? 0...2 : 1...3, using: &random)
                text += String(repeating: lineBreak, count: count)
                line += count
            }
            let chunkSize = Int.random(in: 1...40, using: &random)
            let read = Self.readAll(Self.bytes(text), delimiter: .fixed(delimiter), chunkSize: chunkSize)
            #expect(read == expected, "\(text.debugDescription) in chunks of \(chunkSize)")
            if read != expected { return }
        }
    }

    static func lineBreakCount(_ text: String) -> Int {
        // Swift treats "\r\n" as one Character: exactly the reader's rule. (Counted in place:
        // filtering first would glue a CR and a later LF into one Character.)
        text.reduce(0) { $0 + ($1 == "\n" || $1 == "\r" || $1 == "\r\n" ? 1 : 0) }
    }
}

@Suite("ISIN list rows")
struct ISINRowReaderTests {
    static let mapping = ColumnMapping(
        isin: "ISIN", name: "instrument name", cfi: "CFI", currency: "ccy", issuerLEI: "LEI")

    func reader(_ text: String, delimiter: DelimiterSetting = .auto, mapping: ColumnMapping = Self.mapping, chunkSize: Int = 64 * 1024)
        throws -> ISINRowReader
    {
        try ISINRowReader(
            reader: DelimitedReader(source: BytesChunkSource(text, chunkSize: chunkSize), delimiter: delimiter),
            mapping: mapping)
    }

    func outcomes(_ reader: inout ISINRowReader) throws -> [RowOutcome] {
        var all: [RowOutcome] = []
        while let outcome = try reader.next() { all.append(outcome) }
        return all
    }

    @Test(arguments: [1, 4, 64 * 1024])
    func typedRows(chunkSize: Int) throws {
        let text = "\u{FEFF} isin ;Instrument Name;CCY;CFI;LEI\r\n"
            + "US0378331005;Apple Inc.;USD;ESVUFR;HWUPKR0MPOU8FGXBT394\r\n"
            + "DE0007164600; SAP SE ;\u{00A0}EUR ;;\r\n"
            + "\r\n"
            + "FR0000120271;\"Total; \"\"Energies\"\"\nSE\";EUR;ESVUFR;529900S21EQ1BO4ESM68\r\n"
            + "GB00B03MLX29;Shell;GBP\r\n"
            + "NL0000009165;Heineken;EUR;ESVUFR;724500K5PVTGBZFCYO71;extra\r\n"
            + "  ;no ISIN;EUR;;\r\n"
            + "IE00B4BNMY34;\"Accenture\" plc;USD;;\r\n"
            + "CH0012032048;Roche;CHF;;"
        var reader = try reader(text, chunkSize: chunkSize)
        #expect(reader.header == [" isin ", "Instrument Name", "CCY", "CFI", "LEI"])
        #expect(reader.headerLine == 1)
        #expect(reader.delimiter == .semicolon)
        #expect(try outcomes(&reader) == [
            .row(ISINSourceRow(line: 2, isin: "US0378331005", name: "Apple Inc.", cfi: "ESVUFR", currency: "USD",
                               issuerLEI: "HWUPKR0MPOU8FGXBT394")),
            // Values are trimmed, no-break spaces included; blank cells are nil.
            .row(ISINSourceRow(line: 3, isin: "DE0007164600", name: "SAP SE", currency: "EUR")),
            .row(ISINSourceRow(line: 5, isin: "FR0000120271", name: "Total; \"Energies\"\nSE", cfi: "ESVUFR",
                               currency: "EUR", issuerLEI: "529900S21EQ1BO4ESM68")),
            .problem(line: 7, reason: "3 fields, the header has 5"),
            .problem(line: 8, reason: "6 fields, the header has 5"),
            // An empty ISIN is passed on: validating it is the importer's job, with ISIN's own message.
            .row(ISINSourceRow(line: 9, isin: "", name: "no ISIN", currency: "EUR")),
            .problem(line: 10, reason: "field 2: 0x20 after the closing quote; a quote inside a quoted field must be doubled (\"\")"),
            .row(ISINSourceRow(line: 11, isin: "CH0012032048", name: "Roche", currency: "CHF")),
        ])
    }

    @Test func unmappedFieldsAreNil() throws {
        var reader = try reader("Name,ISIN,CCY\nApple,US0378331005,USD\n", mapping: ColumnMapping(isin: "isin"))
        #expect(try outcomes(&reader) == [.row(ISINSourceRow(line: 2, isin: "US0378331005"))])
    }

    @Test func singleColumnFile() throws {
        var reader = try reader("ISIN\nUS0378331005\n\nDE0007164600", mapping: ColumnMapping(isin: "isin"))
        #expect(try outcomes(&reader) == [
            .row(ISINSourceRow(line: 2, isin: "US0378331005")), .row(ISINSourceRow(line: 4, isin: "DE0007164600")),
        ])
    }

    @Test func invalidUTF8IsARowProblem() throws {
        let bytes = Array("ISIN,Name\nUS0378331005,Soci".utf8) + [0xE9, 0x74, 0xE9] + Array("\nDE0007164600,SAP\n".utf8)
        var reader = try ISINRowReader(
            reader: DelimitedReader(source: BytesChunkSource(bytes)), mapping: ColumnMapping(isin: "ISIN", name: "Name"))
        #expect(try outcomes(&reader) == [
            .problem(line: 2, reason: "field 2 is not valid UTF-8 (byte 0xE9); the file must be saved as UTF-8"),
            .row(ISINSourceRow(line: 3, isin: "DE0007164600", name: "SAP")),
        ])
    }

    @Test func unclosedQuoteInTheDataIsFatal() throws {
        var reader = try reader("ISIN\nUS0378331005\n\"DE0007164600\nFR0000120271\n", mapping: ColumnMapping(isin: "ISIN"))
        #expect(try reader.next() == .row(ISINSourceRow(line: 2, isin: "US0378331005")))
        #expect(throws: DelimitedError(.unterminatedQuote, line: 3)) { try reader.next() }
        #expect(throws: DelimitedError(.unterminatedQuote, line: 3)) { try reader.next() }
    }

    @Test func headerErrorsAreFatal() {
        #expect(throws: DelimitedError(.unterminatedQuote, line: 2)) {
            try reader("\n\"ISIN,Name\nUS0378331005,Apple\n")
        }
        // Even the ones a data row would survive: without a header there is no mapping.
        #expect(throws: DelimitedError(.invalidUTF8(field: 1, byte: 0xC9), line: 1)) {
            try ISINRowReader(
                reader: DelimitedReader(source: BytesChunkSource([0xC9, 0x0A])), mapping: ColumnMapping(isin: "ISIN"))
        }
    }

    @Test(arguments: ["", "\u{FEFF}", "\n\r\n"])
    func emptyFileHasNoHeader(text: String) {
        let error = #expect(throws: ColumnMappingError.self) { try reader(text) }
        #expect(error == ColumnMappingError([.noHeader]))
        #expect(error?.description == "column mapping: the file has no header row (it is empty)")
    }

    @Test func missingColumnListsTheHeaderAndSuggests() {
        let mapping = ColumnMapping(isin: "ISIN", name: "Name", cfi: "CFI", currency: "CCY", issuerLEI: "Issuer LEI")
        let error = #expect(throws: ColumnMappingError.self) {
            try reader("\nISIN,Instrument Name,Currency,CFI Code,LEI\n", mapping: mapping)
        }
        #expect(error?.problems == [
            .columnNotFound(.name, title: "Name", suggestion: "Instrument Name"),
            .columnNotFound(.cfi, title: "CFI", suggestion: "CFI Code"),
            .columnNotFound(.currency, title: "CCY", suggestion: "Currency"),
            .columnNotFound(.issuerLEI, title: "Issuer LEI", suggestion: "LEI"),
        ])
        #expect(error?.description == """
            column mapping: `name`: no column "Name" in the header (did you mean "Instrument Name"?)
            column mapping: `cfi`: no column "CFI" in the header (did you mean "CFI Code"?)
            column mapping: `currency`: no column "CCY" in the header (did you mean "Currency"?)
            column mapping: `issuer_lei`: no column "Issuer LEI" in the header (did you mean "LEI"?)
            the header (line 2) has 5 columns: "ISIN", "Instrument Name", "Currency", "CFI Code", "LEI"
            """)
    }

    @Test(arguments: [
        ("ISNI", "ISIN"),  // a typo
        ("currencies", "Currency"),  // a typo, preferred to the part "Curr"
        ("Cur", "Curr"),  // one letter short: a typo
        ("Name", "Instrument Name"),  // a part
        ("CY", "Currency"),  // an abbreviation: the first letter, then the rest in order
        ("Ticker", nil),
        ("X", nil),
    ] as [(String, String?)])
    func suggestionsPreferTyposThenPartsThenAbbreviations(title: String, expected: String?) {
        let error = #expect(throws: ColumnMappingError.self) {
            try reader("ISIN,Instrument Name,Currency,Curr,Ccy Code\n", mapping: ColumnMapping(isin: "ISIN", name: title))
        }
        #expect(error?.problems == [.columnNotFound(.name, title: title, suggestion: expected)])
    }

    @Test func ambiguousColumn() {
        let error = #expect(throws: ColumnMappingError.self) {
            try reader("ISIN;Name;isin ;Name\n", mapping: ColumnMapping(isin: "ISIN", name: "Symbol"))
        }
        #expect(error?.problems == [
            .ambiguousColumn(.isin, title: "ISIN", columns: [1, 3]), .columnNotFound(.name, title: "Symbol", suggestion: nil),
        ])
        #expect(error?.description.hasPrefix(
            "column mapping: `isin`: columns 1, 3 are all titled \"ISIN\"; the mapping must pick one\n") == true)
    }

    @Test func duplicateUnmappedColumnsAreFine() throws {
        var reader = try reader("ISIN,x,x\nUS0378331005,1,2\n", mapping: ColumnMapping(isin: "ISIN"))
        #expect(try outcomes(&reader) == [.row(ISINSourceRow(line: 2, isin: "US0378331005"))])
    }

    // MARK: - Mapping from the DAG file

    @Test func mappingFromConfiguration() throws {
        let mapping = try ColumnMapping(["isin": "ISIN", "name": "Instrument Name", "currency": "CCY", "cfi": "CFI", "issuer_lei": "LEI"])
        #expect(mapping == ColumnMapping(isin: "ISIN", name: "Instrument Name", cfi: "CFI", currency: "CCY", issuerLEI: "LEI"))
        #expect(try ColumnMapping(["isin": "Code"]).titles == [.isin: "Code"])
    }

    @Test func mappingProblemsAreAllReported() {
        let error = #expect(throws: ColumnMappingError.self) {
            try ColumnMapping(["name": "Name", "currncy": "CCY", "issuerLEI": "LEI", "cfi": "  ", "ticker": "T"])
        }
        #expect(error?.problems == [
            .missingISIN,
            .blankTitle(.cfi),
            .unknownField("currncy", suggestion: "currency"),
            .unknownField("issuerLEI", suggestion: "issuer_lei"),
            .unknownField("ticker", suggestion: nil),
        ])
        #expect(error?.description == """
            column mapping: `isin` is required: the title of the column that holds the ISINs
            column mapping: `cfi`: the column title is blank
            column mapping: unknown field `currncy` (did you mean `currency`?); fields are: isin, name, cfi, currency, issuer_lei
            column mapping: unknown field `issuerLEI` (did you mean `issuer_lei`?); fields are: isin, name, cfi, currency, issuer_lei
            column mapping: unknown field `ticker`; fields are: isin, name, cfi, currency, issuer_lei
            """)
    }
}

@Suite("Delimited reader: a million rows in bounded memory")
struct DelimitedReaderVolumeTests {
    /// A million rows in optimized builds (`swift test -c release`, about 1 s). Debug builds read
    /// 200,000: unoptimized, a million take 9 to 12 s on the 2-core machine, too long for the
    /// suite, and 15 MB already outgrows the bound checked below 200 times.
    #if DEBUG
    static let rowCount = 200_000
    #else
    static let rowCount = 1_000_000
    #endif

    /// `rowCount` rows of 5 columns (about 75 bytes each) written to a temporary file and read back
    /// through `ISINRowReader` from a `FileHandle`: every row arrives, on its line, and the reader
    /// never held more than a chunk and a record, however long the file. No timing is asserted
    /// (that is `csvbench`'s job, in release).
    @Test func millionRows() throws {
        let rowCount = Self.rowCount
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-isins-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try writeRows(rowCount, to: url)

        var reader = try ISINRowReader(url: url, mapping: ColumnMapping(isin: "ISIN", name: "Name", cfi: "CFI", currency: "Currency", issuerLEI: "LEI"))
        var rows = 0
        var problems = 0
        var last: ISINSourceRow?
        while let outcome = try reader.next() {
            switch outcome {
            case .row(let row): rows += 1; last = row
            case .problem: problems += 1
            }
        }
        #expect(rows == rowCount)
        #expect(problems == 0)
        let lastIndex = String(rowCount - 1)
        #expect(last == ISINSourceRow(
            line: rowCount + 1, isin: "XS" + String(repeating: "0", count: 10 - lastIndex.count) + lastIndex,
            name: "Instrument \(lastIndex), \"Series\" B", cfi: "DBFTFB", currency: "EUR", issuerLEI: "529900T8BM49AURSDO55"))
        // One 64 KiB chunk plus one short record, for the whole file.
        #expect(reader.peakBufferedBytes <= 64 * 1024 + 4096)
    }

    /// Rows like `XS0000000042,"Instrument 42, ""Series"" B",DBFTFB,EUR,529900T8BM49AURSDO55`, written
    /// a block at a time (quoting and an escaped quote on every row, so that the slow path is in the
    /// count too).
    private func writeRows(_ count: Int, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var block: [UInt8] = Array("ISIN,Name,CFI,Currency,LEI\r\n".utf8)
        block.reserveCapacity(1 << 20)
        let suffix = Array(" B\",DBFTFB,EUR,529900T8BM49AURSDO55\r\n".utf8)
        for index in 0..<count {
            var digits = index
            var number = [UInt8](repeating: UInt8(ascii: "0"), count: 10)
            var position = 9
            while digits > 0 {
                number[position] = UInt8(ascii: "0") + UInt8(digits % 10)
                digits /= 10
                position -= 1
            }
            block.append(contentsOf: "XS".utf8)
            block.append(contentsOf: number)
            block.append(contentsOf: ",\"Instrument ".utf8)
            block.append(contentsOf: String(index).utf8)
            block.append(contentsOf: ", \"\"Series\"\"".utf8)
            block.append(contentsOf: suffix)
            if block.count >= 1 << 20 {
                try handle.write(contentsOf: block)
                block.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: block)
    }
}
