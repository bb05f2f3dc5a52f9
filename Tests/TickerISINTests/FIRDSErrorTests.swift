import Testing
import TickerISIN

@Suite("FIRDS reader errors")
struct FIRDSErrorTests {
    static let ns = FIRDSFixture.namespace
    static let documentTag = "<Document xmlns=\"\(FIRDSFixture.namespace)\">"

    /// `body` from line 3 of an auth.017 document.
    static func document(_ body: String) -> String {
        "\(documentTag)\n<FinInstrmRptgRefDataRpt>\n\(body)</FinInstrmRptgRefDataRpt>\n</Document>\n"
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var input: [UInt8]
        var outcomes: [RowOutcome]
        var error: FIRDSError
        var maxTokenBytes = FIRDSReader.defaultMaxTokenBytes
        var description: String { name }

        init(_ name: String, bytes input: [UInt8], after outcomes: [RowOutcome] = [], _ kind: FIRDSError.Kind, line: Int,
             column: Int?, maxTokenBytes: Int = FIRDSReader.defaultMaxTokenBytes) {
            self.name = name
            self.input = input
            self.outcomes = outcomes
            self.error = FIRDSError(kind, line: line, column: column)
            self.maxTokenBytes = maxTokenBytes
        }

        init(_ name: String, _ input: String, after outcomes: [RowOutcome] = [], _ kind: FIRDSError.Kind, line: Int,
             column: Int?, maxTokenBytes: Int = FIRDSReader.defaultMaxTokenBytes) {
            self.init(name, bytes: Array(input.utf8), after: outcomes, kind, line: line, column: column, maxTokenBytes: maxTokenBytes)
        }
    }

    static let record3 = "<RefData><FinInstrmGnlAttrbts><Id>US0378331005</Id></FinInstrmGnlAttrbts></RefData>\n"
    static let row3 = RowOutcome.row(ISINSourceRow(line: 3, isin: "US0378331005"))
    /// `<RefData><FinInstrmGnlAttrbts><FullNm>`: 38 bytes.
    static let fullNameOpen = "<RefData><FinInstrmGnlAttrbts><FullNm>"
    static let auth016 = "urn:iso:std:iso:20022:tech:xsd:auth.016.001.01"

    static let auth016Document = "<Document xmlns=\"" + auth016 + "\">\n</Document>\n"
    static let envelopeWithoutDocument = "<BizData xmlns=\"urn:iso:std:iso:20022:tech:xsd:head.003.001.01\">\n"
        + "<Hdr><Document xmlns=\"\(ns)\"/></Hdr>\n<Pyld/>\n</BizData>\n"

    static let cases = malformedCases + truncatedCases + byteCases + notFIRDSCases + limitCases

    static let malformedCases: [Case] = [
        Case("mismatched end tag",
             document("<RefData><FinInstrmGnlAttrbts><Id>US0378331005</Id></FinInstrmGnlAttrbt></RefData>\n"),
             .mismatchedEndTag(expected: "FinInstrmGnlAttrbts", openedAt: 3, found: "FinInstrmGnlAttrbt"), line: 3, column: 52),
        Case("mismatched end tag after a record", document(record3 + "<RefData>\n</RefDat>\n"), after: [row3],
             .mismatchedEndTag(expected: "RefData", openedAt: 4, found: "RefDat"), line: 5, column: 1),
        Case("end tag after the root", document("") + "</Document>", .malformed("end tag </Document> closes no element"),
             line: 5, column: 1),
        Case("second root", document("") + documentTag, .malformed("a second root element <Document>"), line: 5, column: 1),
        Case("text before the root", "junk" + documentTag, .malformed("text outside the root element"), line: 1, column: 1),
        Case("text after the root", document("") + "\n x", .malformed("text outside the root element"), line: 6, column: 2),
        Case("'<' in an attribute value", "<Document xmlns=\"urn:<x\">", .malformed("'<' inside an attribute value; is a quote missing?"),
             line: 1, column: 22),
        Case("attribute value without quotes", "<Document xmlns=urn:x>", .malformed("an attribute value must be in quotes"),
             line: 1, column: 17),
        Case("attribute without value", "<Document\n  xmlns>", .malformed("attribute xmlns has no value"), line: 2, column: 8),
        Case("attributes without space", "<Document a='1'b='2'>", .malformed("'b' inside a tag"), line: 1, column: 16),
        Case("space before the name", "< Document>", .malformed("expected a name, found 0x20"), line: 1, column: 2),
        Case("bad end tag", document("<RefData></RefData x>"), .malformed("'x' inside an end tag"), line: 3, column: 20),
        Case("bare ampersand", document(fullNameOpen + "AT&T Inc</FullNm>"),
             .malformed("'&' starts no reference; a literal & is written &amp;"), line: 3, column: 41),
        Case("reference to no character", document(fullNameOpen + "&#0;</FullNm>"),
             .malformed("&#0; is not a character XML allows"), line: 3, column: 39),
        Case("undefined entity", document(fullNameOpen + "&nbsp;</FullNm>"), .undefinedEntity("nbsp"), line: 3, column: 39),
        Case("<! that is nothing", document("<!ELEMENT x>"), .malformed("\"<!\" starts no comment or CDATA section"),
             line: 3, column: 1),
        Case("XML declaration not first", "\n<?xml version=\"1.0\"?>" + documentTag,
             .malformed("<?xml …?> anywhere but at the very start of the file"), line: 2, column: 1),
        Case("undeclared prefix", "<a:Document>", .undeclaredPrefix("a"), line: 1, column: 1),
        Case("two colons", "<a:b:Document xmlns:a='x'>", .malformed("<a:b:Document> is not a valid element name"), line: 1, column: 1),
    ]

    static let truncatedCases: [Case] = [
        Case("ends inside a record", documentTag + "\n<FinInstrmRptgRefDataRpt>\n<RefData>\n"
                + "  <FinInstrmGnlAttrbts><Id>US0378331005</Id></FinInstrmGnlAttrbts>\n",
             .endsInside("<RefData>", openedAt: 3), line: 5, column: nil),
        Case("ends inside a value", documentTag + "\n<FinInstrmRptgRefDataRpt>\n" + fullNameOpen + "Appl",
             .endsInside("<FullNm>", openedAt: 3), line: 3, column: nil),
        Case("ends inside a tag", documentTag + "\n<FinInstrmRptgRefDataRpt>\n" + record3 + "<RefDa", after: [row3],
             .endsInside("a tag", openedAt: 4), line: 4, column: nil),
        Case("ends inside a quoted attribute", documentTag + "\n<FinInstrmRptgRefDataRpt a='>\n\n",
             .endsInside("a tag", openedAt: 2), line: 4, column: nil),
        Case("ends inside a comment", documentTag + "\n<FinInstrmRptgRefDataRpt>\n<!-- a\nb -- >\n",
             .endsInside("a comment", openedAt: 3), line: 5, column: nil),
        Case("ends inside CDATA", documentTag + "\n<FinInstrmRptgRefDataRpt>\n" + fullNameOpen + "<![CDATA[x]]",
             .endsInside("a CDATA section", openedAt: 3), line: 3, column: nil),
        Case("ends inside a reference", documentTag + "\n<FinInstrmRptgRefDataRpt>\n" + fullNameOpen + "AT&am",
             .endsInside("a reference", openedAt: 3), line: 3, column: nil),
        Case("ends after <", documentTag + "\n<", .endsInside("a tag", openedAt: 2), line: 2, column: nil),
        Case("ends inside <!", documentTag + "\n<!-", .endsInside("a tag", openedAt: 2), line: 2, column: nil),
    ]

    static let byteCases: [Case] = [
        Case("not UTF-8", bytes: bytes(documentTag + "\n<FinInstrmRptgRefDataRpt>\n" + fullNameOpen + "Soci") + [0xE9] + bytes("t</FullNm>"),
             .invalidUTF8(byte: 0xE9), line: 3, column: 43),
        Case("UTF-8 cut short at the end", bytes: bytes(document("")) + [0xE2, 0x82], .invalidUTF8(byte: 0xE2), line: 5, column: 1),
        Case("overlong UTF-8", bytes: bytes(documentTag + "\n") + [0xC0, 0xAF], .invalidUTF8(byte: 0xC0), line: 2, column: 1),
        Case("UTF-8 surrogate", bytes: bytes(documentTag) + [0xED, 0xA0, 0x80], .invalidUTF8(byte: 0xED), line: 1,
             column: documentTag.utf8.count + 1),
        Case("control character", bytes: bytes(documentTag + "\r\n\r\n ") + [0x01], .controlCharacter(0x01), line: 3, column: 2),
        Case("UTF-16 little-endian", bytes: [0xFF, 0xFE, 0x3C, 0x00], .utf16(bigEndian: false), line: 1, column: nil),
        Case("UTF-16 big-endian", bytes: [0xFE, 0xFF, 0x00, 0x3C], .utf16(bigEndian: true), line: 1, column: nil),
        Case("UTF-16 without a byte order mark", bytes: [0x3C, 0x00, 0x3F, 0x00], .utf16(bigEndian: false), line: 1, column: nil),
        Case("Latin-1 declared", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + documentTag,
             .unsupportedEncoding("ISO-8859-1"), line: 1, column: 1),
    ]

    static let notFIRDSCases: [Case] = [
        Case("DOCTYPE", "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                + document(fullNameOpen + "&xxe;</FullNm></FinInstrmGnlAttrbts></RefData>"),
             .doctype, line: 2, column: 1),
        Case("auth.016 document", auth016Document,
             .notAuth017(element: "Document", namespace: auth016), line: 1, column: 1),
        Case("auth.036 in the envelope", "<BizData xmlns=\"urn:iso:std:iso:20022:tech:xsd:head.003.001.01\">\n<Pyld>\n"
                + "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:auth.036.001.03\">",
             .notAuth017(element: "Document", namespace: "urn:iso:std:iso:20022:tech:xsd:auth.036.001.03"), line: 3, column: 1),
        Case("prefixed, other namespace", "<a:Document xmlns:a='urn:x'/>", .notAuth017(element: "a:Document", namespace: "urn:x"),
             line: 1, column: 1),
        Case("no namespace", "<Document><FinInstrmRptgRefDataRpt/></Document>", .notAuth017(element: "Document", namespace: nil),
             line: 1, column: 1),
        Case("auth.017 without its version", "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:auth.017.001.\"/>",
             .notAuth017(element: "Document", namespace: "urn:iso:std:iso:20022:tech:xsd:auth.017.001."), line: 1, column: 1),
        Case("an HTML page", "<html><body>Service unavailable</body></html>", .notAuth017(element: "html", namespace: nil),
             line: 1, column: 1),
        Case("envelope without a Document", envelopeWithoutDocument, .noDocument, line: 5, column: nil),
        Case("only a declaration", "<?xml version=\"1.0\"?>\n", .noDocument, line: 2, column: nil),
        Case("empty", bytes: [], .empty, line: 1, column: nil),
        Case("only white space", "\n \r\n\t", .empty, line: 1, column: nil),
        Case("only a byte order mark", "\u{FEFF}", .empty, line: 1, column: nil),
    ]

    static let limitCases: [Case] = [
        Case("value too long", document("<RefData>\n<FinInstrmGnlAttrbts><FullNm>" + String(repeating: "x", count: 1025)),
             .tooLong("the value of <FullNm>", limit: 1024), line: 4, column: 22, maxTokenBytes: 1024),
        Case("tag too long", document("<RefData a='" + String(repeating: "x", count: 1012) + "'>"),
             .tooLong("a tag", limit: 1024), line: 3, column: 1, maxTokenBytes: 1024),
        Case("tag not too long", document(
                "<RefData a='" + String(repeating: "x", count: 1010) + "'><FinInstrmGnlAttrbts><Id>X</Id></FinInstrmGnlAttrbts></RefData>\n"
                + "<!--" + String(repeating: "x", count: 1018) + "-->"),
             after: [.row(ISINSourceRow(line: 3, isin: "X"))], .tooLong("a comment", limit: 1024), line: 4, column: 1, maxTokenBytes: 1024),
        Case("nested too deep", documentTag + String(repeating: "<a>", count: 1000), .tooDeep(limit: 1000), line: 1,
             column: documentTag.utf8.count + 999 * 3 + 1),
    ]

    @Test("Fatal errors", arguments: cases, [1, 2, 7, 64 * 1024])
    func fatal(_ testCase: Case, chunkSize: Int) {
        let read = FIRDSRead(testCase.input, chunkSize: chunkSize, maxTokenBytes: testCase.maxTokenBytes)
        #expect(read == FIRDSRead(testCase.outcomes, error: testCase.error))
    }

    @Test func fatalErrorsRepeat() throws {
        var reader = FIRDSReader(source: BytesChunkSource(Self.document(Self.record3 + "<RefData></x>")))
        #expect(try reader.next() == Self.row3)
        let expected = FIRDSError(.mismatchedEndTag(expected: "RefData", openedAt: 4, found: "x"), line: 4, column: 10)
        for _ in 0..<2 {
            #expect(throws: expected) { try reader.next() }
        }
    }

    @Test func readFailureNamesTheLineReached() throws {
        let chunks = [Self.bytes(Self.documentTag + "\n<FinInstrmRptgRefDataRpt>\n" + Self.record3), [], Self.bytes("\n<Ref")]
        var reader = FIRDSReader(source: DelimitedReaderTests.FailingSource(chunks: chunks))
        #expect(try reader.next() == Self.row3)
        let error = #expect(throws: FIRDSError.self) { try reader.next() }
        #expect(error?.description == "line 5: read failed: connection reset")
    }

    @Test func messagesSayWhatAndWhere() {
        #expect(FIRDSError(.notAuth017(element: "Document", namespace: Self.auth016), line: 1, column: 1).description
            == "line 1: expected an ISO 20022 auth.017 document (namespace urn:iso:std:iso:20022:tech:xsd:auth.017.001.NN), "
            + "found <Document> in \"urn:iso:std:iso:20022:tech:xsd:auth.016.001.01\"")
        #expect(FIRDSError(.notAuth017(element: "html", namespace: nil), line: 1).message
            == "expected an ISO 20022 auth.017 document (namespace urn:iso:std:iso:20022:tech:xsd:auth.017.001.NN), found <html> in no namespace")
        #expect(FIRDSError(.endsInside("<RefData>", openedAt: 3), line: 5).description
            == "line 5: the file ends inside <RefData> opened at line 3: truncated?")
        #expect(FIRDSError(.mismatchedEndTag(expected: "Id", openedAt: 7, found: "FullNm"), line: 8, column: 3).description
            == "line 8: end tag </FullNm> does not match <Id> opened at line 7")
        #expect(FIRDSError(.noDocument, line: 9).description == "line 9: no auth.017 Document element found")
        #expect(FIRDSError(.empty, line: 1).description == "line 1: the file is empty")
        #expect(FIRDSError(.invalidUTF8(byte: 0xE9), line: 2).description
            == "line 2: bytes that are not UTF-8 (0xE9); the file must be UTF-8")
        #expect(FIRDSError(.doctype, line: 2).description
            == "line 2: the file has a document type declaration (<!DOCTYPE>); FIRDS files have none, and DTDs are not read")
        #expect(FIRDSError(.undefinedEntity("nbsp"), line: 4).description
            == "line 4: undefined entity &nbsp;: XML without a DTD has only &lt; &gt; &amp; &apos; &quot; and character references")
        #expect(FIRDSError(.utf16(bigEndian: false), line: 1).description == "line 1: the file is UTF-16 (little-endian); only UTF-8 is read")
        #expect(FIRDSError(.tooLong("a tag", limit: 1_048_576), line: 3).description == "line 3: a tag longer than 1048576 bytes")
        #expect(FIRDSError(.controlCharacter(0), line: 1).message == "control character 0x00, which XML does not allow; is this a binary file?")
    }

    /// However long a hostile value or tag, the reader holds about one limit's worth of it.
    @Test func longInputIsRefusedNotHeld() {
        let endless = Self.document(Self.fullNameOpen + String(repeating: "x", count: 4 << 20))
        let read = FIRDSRead(Self.bytes(endless), chunkSize: 4096)
        #expect(read.error == FIRDSError(.tooLong("the value of <FullNm>", limit: 1 << 20), line: 3, column: 31))
    }
}
