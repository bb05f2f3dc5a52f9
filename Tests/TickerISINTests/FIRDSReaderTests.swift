import Foundation
import Testing
import TickerCore
import TickerISIN

@Suite("FIRDS reader")
struct FIRDSReaderTests {
    static let ns = FIRDSFixture.namespace

    static func row(_ line: Int, _ isin: String, _ name: String? = nil, cfi: String? = nil, ccy: String? = nil, lei: String? = nil)
        -> RowOutcome
    {
        .row(ISINSourceRow(line: line, isin: isin, name: name, cfi: cfi, currency: ccy, issuerLEI: lei))
    }

    /// A FULINS file as ESMA publishes it, trimmed to three records of three kinds (share, bond,
    /// derivative), with everything around the read fields that could be mistaken for them: `Id`s in
    /// the application header and the trading venues, an underlying's `ISIN`, amounts with
    /// attributes, a `TechRcrdId`.
    static let realistic = """
        <?xml version="1.0" encoding="UTF-8"?>
        <BizData xmlns="urn:iso:std:iso:20022:tech:xsd:head.003.001.01" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:iso:std:iso:20022:tech:xsd:head.003.001.01 head.003.001.01_ESMAUG_1.0.0.xsd">
        <Hdr><AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.01"><Fr><OrgId><Id><OrgId><Othr><Id>EU</Id></Othr></OrgId></Id></OrgId></Fr><To><OrgId><Id><OrgId><Othr><Id>EU</Id></Othr></OrgId></Id></OrgId></To><BizMsgIdr>FULINS_E_20250104_01of02</BizMsgIdr><MsgDefIdr>auth.017.001.02</MsgDefIdr><CreDt>2025-01-04T05:43:01Z</CreDt></AppHdr></Hdr>
        <Pyld>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:auth.017.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:iso:std:iso:20022:tech:xsd:auth.017.001.02 auth.017.001.02_ESMAUG_Reporting_1.1.0.xsd">
        <FinInstrmRptgRefDataRpt>
        <RptHdr><RptgNtty><NtlCmptntAuthrty>EU</NtlCmptntAuthrty></RptgNtty><RptgPrd><FrDtToDt><FrDt>2025-01-03</FrDt><ToDt>2025-01-03</ToDt></FrDtToDt></RptgPrd></RptHdr>
        <RefData><FinInstrmGnlAttrbts><Id>DE0007164600</Id><FullNm>SAP SE</FullNm><ShrtNm>SAP SE/O.N.</ShrtNm><ClssfctnTp>ESVUFR</ClssfctnTp><NtnlCcy>EUR</NtnlCcy><CmmdtyDerivInd>false</CmmdtyDerivInd></FinInstrmGnlAttrbts><Issr>529900D6BF99LW9R2E68</Issr><TradgVnRltdAttrbts><Id>XETR</Id><IssrReq>true</IssrReq><AdmssnApprvlDtByIssr>1988-11-04T00:00:00Z</AdmssnApprvlDtByIssr><ReqForAdmssnDt>1988-11-04T00:00:00Z</ReqForAdmssnDt><FrstTradDt>1988-11-04T00:00:00Z</FrstTradDt></TradgVnRltdAttrbts><TechAttrbts><RlvntCmptntAuthrty>DE</RlvntCmptntAuthrty><PblctnPrd><FrDt>2018-01-03</FrDt></PblctnPrd><RlvntTradgVn>XETR</RlvntTradgVn></TechAttrbts></RefData>
        <RefData>
          <TechRcrdId>42</TechRcrdId>
          <FinInstrmGnlAttrbts>
            <Id>XS2021832634</Id>
            <FullNm>Bundesrepublik  Deutschland 0% 15/08/2029</FullNm>
            <ShrtNm>BRD/0 BD 20290815</ShrtNm>
            <ClssfctnTp>DBFTFB</ClssfctnTp>
            <NtnlCcy>EUR</NtnlCcy>
            <CmmdtyDerivInd>false</CmmdtyDerivInd>
          </FinInstrmGnlAttrbts>
          <Issr>5299009N3N6XXPAU0B22</Issr>
          <TradgVnRltdAttrbts><Id>XFRA</Id><IssrReq>false</IssrReq><FrstTradDt>2019-07-03T07:00:00Z</FrstTradDt></TradgVnRltdAttrbts>
          <TradgVnRltdAttrbts><Id>XBER</Id><IssrReq>false</IssrReq><FrstTradDt>2019-07-04T07:00:00Z</FrstTradDt></TradgVnRltdAttrbts>
          <DebtInstrmAttrbts><TtlIssdNmnlAmt Ccy="EUR">8000000000</TtlIssdNmnlAmt><MtrtyDt>2029-08-15</MtrtyDt><NmnlValPerUnit Ccy='EUR'>0.01</NmnlValPerUnit><IntrstRate><Fxd>0</Fxd></IntrstRate></DebtInstrmAttrbts>
        </RefData>
        <RefData><FinInstrmGnlAttrbts><Id>DE000C6EV1T6</Id><FullNm>Option on Allianz SE</FullNm><ShrtNm>ALV/C 250 20251219</ShrtNm><ClssfctnTp>OCASPS</ClssfctnTp><NtnlCcy>EUR</NtnlCcy><CmmdtyDerivInd>false</CmmdtyDerivInd></FinInstrmGnlAttrbts><Issr>529900UT4DG0LG5R9O07</Issr><TradgVnRltdAttrbts><Id>XEUR</Id><IssrReq>false</IssrReq><FrstTradDt>2023-12-18T00:00:00Z</FrstTradDt></TradgVnRltdAttrbts><DerivInstrmAttrbts><XpryDt>2025-12-19</XpryDt><PricMltplr>10</PricMltplr><UndrlygInstrm><Sngl><ISIN>DE0008404005</ISIN></Sngl></UndrlygInstrm><OptnTp>CALL</OptnTp><StrkPric><Pric><MntryVal><Amt>250</Amt></MntryVal></Pric></StrkPric><OptnExrcStyle>EURO</OptnExrcStyle><DlvryTp>PHYS</DlvryTp></DerivInstrmAttrbts></RefData>
        </FinInstrmRptgRefDataRpt>
        </Document>
        </Pyld>
        </BizData>

        """

    static let realisticOutcomes: [RowOutcome] = [
        row(8, "DE0007164600", "SAP SE", cfi: "ESVUFR", ccy: "EUR", lei: "529900D6BF99LW9R2E68"),
        row(9, "XS2021832634", "Bundesrepublik  Deutschland 0% 15/08/2029", cfi: "DBFTFB", ccy: "EUR", lei: "5299009N3N6XXPAU0B22"),
        row(24, "DE000C6EV1T6", "Option on Allianz SE", cfi: "OCASPS", ccy: "EUR", lei: "529900UT4DG0LG5R9O07"),
    ]

    @Test func realisticFileInItsEnvelope() throws {
        #expect(FIRDSRead(Self.realistic) == FIRDSRead(Self.realisticOutcomes))
        var reader = FIRDSReader(source: BytesChunkSource(Self.realistic))
        #expect(reader.recordsSeen == 0)
        _ = try reader.next()
        #expect(reader.recordsSeen == 1)
        while try reader.next() != nil {}
        #expect(reader.recordsSeen == 3)
        #expect(try reader.next() == nil)
    }

    /// Every chunk size from 1 byte up cuts every tag, reference, CRLF and character somewhere.
    @Test func everyChunkSizeReadsTheSame() {
        let text = Self.realistic.replacingOccurrences(of: "\n", with: "\r\n")
            .replacingOccurrences(of: "SAP SE</FullNm>", with: "S&amp;P &#x20AC; Soci\u{E9}t\u{E9} \u{1D11E}<![CDATA[ <x> ]]></FullNm>")
        let expected = FIRDSRead(Self.realisticOutcomes.map { outcome in
            guard case .row(var row) = outcome, row.name == "SAP SE" else { return outcome }
            row.name = "S&P € Société 𝄞 <x>"
            return .row(row)
        })
        let bytes = Array(text.utf8)
        for chunkSize in Array(1...300) + [bytes.count - 1, bytes.count] {
            let read = FIRDSRead(bytes, chunkSize: chunkSize)
            #expect(read == expected, "chunk size \(chunkSize)")
            if read != expected { return }
        }
    }

    @Test(arguments: [true, false])
    func fixtureReadsBack(envelope: Bool) {
        let rows = [
            ISINSourceRow(line: 0, isin: "US0378331005", name: "Apple Inc.", cfi: "ESVUFR", currency: "USD", issuerLEI: "HWUPKR0MPOU8FGXBT394"),
            ISINSourceRow(line: 0, isin: "FR0000120271", name: "TotalEnergies <SE> & Co"),
            ISINSourceRow(line: 0, isin: ""),
            ISINSourceRow(line: 0, isin: "DE000BAY0017", currency: "EUR", issuerLEI: "549300J4U55H3WP1XT59"),
        ]
        let bytes = FIRDSFixture.bytes(rows: rows, envelope: envelope)
        let expected = FIRDSFixture.outcomes(rows: rows, envelope: envelope)
        #expect(expected.first == Self.row(envelope ? 19 : 8, "US0378331005", "Apple Inc.", cfi: "ESVUFR", ccy: "USD", lei: "HWUPKR0MPOU8FGXBT394"))
        for chunkSize in [1, 5, 64 * 1024] {
            #expect(FIRDSRead(bytes, chunkSize: chunkSize) == FIRDSRead(expected), "chunk size \(chunkSize)")
        }
        #expect(FIRDSRead(FIRDSFixture.bytes(rows: [], envelope: envelope)) == FIRDSRead([]))
    }

    @Test func bareDocumentOfAnyVersion() {
        for version in ["01", "02", "03", "12"] {
            let text = """
                <Document xmlns="urn:iso:std:iso:20022:tech:xsd:auth.017.001.\(version)"><FinInstrmRptgRefDataRpt>
                <RefData><FinInstrmGnlAttrbts><Id>US0378331005</Id></FinInstrmGnlAttrbts></RefData>
                </FinInstrmRptgRefDataRpt></Document>
                """
            #expect(FIRDSRead(text) == FIRDSRead([Self.row(2, "US0378331005")]), "version \(version)")
        }
    }

    /// LF, CRLF and lone CR each end a line, also inside tags and comments; a CRLF cut between two
    /// chunks is one line break. Comments and processing instructions may be anywhere.
    @Test func lineBreaksCommentsAndProcessingInstructions() {
        let text = "\u{FEFF}<?xml version='1.0' encoding='utf-8'?>\r\n<!-- ESMA\rFIRDS -->\n<?pi x?>\r\n"
            + "<Document\r\n xmlns=\"\(Self.ns)\"><FinInstrmRptgRefDataRpt>\r"
            + "<RefData><FinInstrmGnlAttrbts><Id>US0378331005</Id></FinInstrmGnlAttrbts></RefData>\n\n"
            + "<!-- between\r\nrecords --><?pi?>\r\r"
            + "<RefData\n><FinInstrmGnlAttrbts><Id>US5949181045</Id></FinInstrmGnlAttrbts></RefData>\r\n"
            + "</FinInstrmRptgRefDataRpt></Document>\r\n<!-- after -->\n<?done?>\n"
        let bytes = Array(text.utf8)
        let expected = FIRDSRead([Self.row(7, "US0378331005"), Self.row(12, "US5949181045")])
        for chunkSize in Array(1...40) + [bytes.count] {
            #expect(FIRDSRead(bytes, chunkSize: chunkSize) == expected, "chunk size \(chunkSize)")
        }
    }

    // MARK: - Namespaces

    @Test func prefixedNamespaces() {
        let text = """
            <?xml version="1.0"?>
            <h:BizData xmlns:h="urn:iso:std:iso:20022:tech:xsd:head.003.001.01"><h:Pyld>
            <a:Document xmlns:a="\(Self.ns)"><a:FinInstrmRptgRefDataRpt>
            <a:RefData><a:FinInstrmGnlAttrbts><a:Id>US0378331005</a:Id><a:FullNm>Apple</a:FullNm></a:FinInstrmGnlAttrbts><a:Issr>HWUPKR0MPOU8FGXBT394</a:Issr></a:RefData>
            <RefData xmlns="\(Self.ns)"><b:FinInstrmGnlAttrbts xmlns:b="\(Self.ns)"><Id>US5949181045</Id><b:NtnlCcy>USD</b:NtnlCcy></b:FinInstrmGnlAttrbts></RefData>
            <a:RefData xmlns:a="urn:other" xmlns:c="\(Self.ns)"><c:FinInstrmGnlAttrbts><c:Id>GB0002634946</c:Id></c:FinInstrmGnlAttrbts></a:RefData>
            </a:FinInstrmRptgRefDataRpt></a:Document>
            </h:Pyld></h:BizData>
            """
        #expect(FIRDSRead(text) == FIRDSRead([
            Self.row(4, "US0378331005", "Apple", lei: "HWUPKR0MPOU8FGXBT394"),
            Self.row(5, "US5949181045", ccy: "USD"),
            // Line 6's `a:RefData` is in another namespace: not a record.
        ]))
    }

    @Test func elementsOfOtherNamespacesAreIgnored() {
        let text = """
            <Document xmlns="\(Self.ns)" xmlns:x="urn:example:other"><FinInstrmRptgRefDataRpt>
            <x:RefData><FinInstrmGnlAttrbts><Id>XX0000000000</Id></FinInstrmGnlAttrbts></x:RefData>
            <RefData>
              <FinInstrmGnlAttrbts>
                <x:Id>XX0000000001</x:Id>
                <FullNm xmlns="urn:example:other">Not this</FullNm>
                <Id>US0378331005</Id>
                <FullNm>Apple Inc.</FullNm>
              </FinInstrmGnlAttrbts>
              <Issr xmlns="">NOTANLEI</Issr>
              <x:Issr>NOTANLEI</x:Issr>
              <Issr>HWUPKR0MPOU8FGXBT394</Issr>
            </RefData>
            </FinInstrmRptgRefDataRpt></Document>
            """
        #expect(FIRDSRead(text) == FIRDSRead([Self.row(3, "US0378331005", "Apple Inc.", lei: "HWUPKR0MPOU8FGXBT394")]))
    }

    @Test func fieldsAreTakenOnlyWhereTheSchemaPutsThem() {
        let text = """
            <Document xmlns="\(Self.ns)">
            <RefData><FinInstrmGnlAttrbts><Id>XX0000000000</Id></FinInstrmGnlAttrbts></RefData>
            <FinInstrmRptgRefDataRpt>
            <RptHdr><RefData><FinInstrmGnlAttrbts><Id>XX0000000001</Id></FinInstrmGnlAttrbts></RefData></RptHdr>
            <RefData>
            <TradgVnRltdAttrbts><Id>XFRA</Id><Issr>XX</Issr></TradgVnRltdAttrbts>
            <Id>XX0000000002</Id><FullNm>Not here</FullNm>
            <FinInstrmGnlAttrbts><Wrap><Id>XX0000000003</Id></Wrap><Id>US0378331005</Id><Id>XX0000000004</Id></FinInstrmGnlAttrbts>
            <DerivInstrmAttrbts><UndrlygInstrm><Sngl><ISIN>DE0008404005</ISIN></Sngl></UndrlygInstrm></DerivInstrmAttrbts>
            </RefData>
            </FinInstrmRptgRefDataRpt>
            </Document>
            """
        #expect(FIRDSRead(text) == FIRDSRead([Self.row(5, "US0378331005")]))
    }

    // MARK: - Values

    @Test(arguments: [1, 2, 3, 64 * 1024])
    func valuesAsXMLDefinesThem(chunkSize: Int) {
        func document(_ fullName: String) -> String {
            "\u{FEFF}<Document xmlns='\(Self.ns)'><FinInstrmRptgRefDataRpt><RefData><FinInstrmGnlAttrbts>"
                + "<Id> US0378331005\n</Id><FullNm>\(fullName)</FullNm></FinInstrmGnlAttrbts></RefData>"
                + "</FinInstrmRptgRefDataRpt></Document>"
        }
        let cases: [(String, String?)] = [
            ("AT&amp;T &lt;Inc&gt; &quot;x&quot; &apos;y&apos;", "AT&T <Inc> \"x\" 'y'"),
            ("&#65;&#x42;&#x0043;&#0000068; &#233;&#x1D11E;", "ABCD é𝄞"),
            ("<![CDATA[A & B <C> ]] > ]]>", "A & B <C> ]] >"),
            ("a<![CDATA[]]>b<!-- comment -->c<?pi data?>d", "abcd"),
            ("Soci\u{E9}t\u{E9} G\u{E9}n\u{E9}rale \u{20AC} \u{1D11E}", "Société Générale € 𝄞"),
            ("  \t\r\n  Padded \u{A0}", "Padded"),
            ("two\r\nlines\rand\nmore", "two\nlines\nand\nmore"),
            ("kept&#13;CR", "kept\rCR"),
            ("   ", nil),
            ("", nil),
            ("<![CDATA[  ]]>", nil),
            ("mixed<b>bold</b>content", "mixedcontent"),
        ]
        for (written, expected) in cases {
            let read = FIRDSRead(document(written), chunkSize: chunkSize)
            #expect(read == FIRDSRead([Self.row(1, "US0378331005", expected)]), "\(written.debugDescription)")
        }
    }

    @Test func emptyElementsAndAttributes() {
        let text = """
            <Document xmlns="\(Self.ns)"><FinInstrmRptgRefDataRpt>
            <RefData><FinInstrmGnlAttrbts><Id>US0378331005</Id><FullNm/><NtnlCcy  >USD</NtnlCcy ></FinInstrmGnlAttrbts><Issr/></RefData>
            <RefData tech = 'a"b' other="x'y&amp;z" ><FinInstrmGnlAttrbts x="1"><Id a="&lt;&#62;">US5949181045</Id></FinInstrmGnlAttrbts></RefData>
            </FinInstrmRptgRefDataRpt></Document>
            """
        #expect(FIRDSRead(text) == FIRDSRead([Self.row(2, "US0378331005", ccy: "USD"), Self.row(3, "US5949181045")]))
    }

    // MARK: - Records without an ISIN

    @Test(arguments: [1, 64 * 1024])
    func recordWithoutIdIsAProblemAndReadingGoesOn(chunkSize: Int) {
        let text = """
            <Document xmlns="\(Self.ns)"><FinInstrmRptgRefDataRpt>
            <RefData><FinInstrmGnlAttrbts><FullNm>No ISIN</FullNm></FinInstrmGnlAttrbts></RefData>
            <RefData><FinInstrmGnlAttrbts><Id>  </Id><FullNm>Blank ISIN</FullNm></FinInstrmGnlAttrbts></RefData>
            <RefData><FinInstrmGnlAttrbts><Id/></FinInstrmGnlAttrbts></RefData>
            <RefData/>
            <RefData><Issr>HWUPKR0MPOU8FGXBT394</Issr></RefData>
            <RefData><FinInstrmGnlAttrbts><Id>not an ISIN at all</Id></FinInstrmGnlAttrbts></RefData>
            <RefData><FinInstrmGnlAttrbts><Id>US0378331005</Id></FinInstrmGnlAttrbts></RefData>
            </FinInstrmRptgRefDataRpt></Document>
            """
        #expect(FIRDSRead(text, chunkSize: chunkSize) == FIRDSRead([
            .problem(line: 2, reason: "record has no FinInstrmGnlAttrbts/Id"),
            .problem(line: 3, reason: "record has an empty FinInstrmGnlAttrbts/Id"),
            .problem(line: 4, reason: "record has an empty FinInstrmGnlAttrbts/Id"),
            .problem(line: 5, reason: "record has no FinInstrmGnlAttrbts/Id"),
            .problem(line: 6, reason: "record has no FinInstrmGnlAttrbts/Id"),
            // Not validated here: the importer does, on this line.
            Self.row(7, "not an ISIN at all"),
            Self.row(8, "US0378331005"),
        ]))
    }

    // MARK: - Round trip

    /// Random rows, written by the fixture and read back in random chunk sizes.
    @Test func roundTrip() {
        var random = SeededGenerator(seed: 0x4649_5244_53)
        let pieces = ["a", "Z", "9", " ", "&", "<", ">", "\"", "'", "]]>", "é", "€", "𝄞", "&amp;", "\t", "US0378331005"]
        func text() -> String {
            let value = (0..<Int.random(in: 1...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            // Trimmed as the reader trims: these pieces have no whitespace but space and tab.
            return value.trimmingCharacters(in: .whitespaces)
        }
        func optional() -> String? {
            let value = text()
            return Bool.random(using: &random) && !value.isEmpty ? value : nil
        }
        for _ in 0..<200 {
            let rows = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                ISINSourceRow(line: 0, isin: text(), name: optional(), cfi: optional(), currency: optional(), issuerLEI: optional())
            }
            let envelope = Bool.random(using: &random)
            let chunkSize = Int.random(in: 1...64, using: &random)
            let read = FIRDSRead(FIRDSFixture.bytes(rows: rows, envelope: envelope), chunkSize: chunkSize)
            let expected = FIRDSRead(FIRDSFixture.outcomes(rows: rows, envelope: envelope))
            #expect(read == expected, "\(rows) in chunks of \(chunkSize)")
            if read != expected { return }
        }
    }

    @Test func fileURL() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("firds-\(UUID().uuidString).xml")
        try Data(Self.realistic.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var reader = try FIRDSReader(url: url)
        var outcomes: [RowOutcome] = []
        while let outcome = try reader.next() { outcomes.append(outcome) }
        #expect(outcomes == Self.realisticOutcomes)
    }
}
