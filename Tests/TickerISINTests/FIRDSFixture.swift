import Foundation
import TickerISIN

/// Builds FIRDS full files (FULINS: ISO 20022 auth.017 reports) shaped like ESMA's, for tests of
/// the reader and of whatever carries the files (archives, downloads).
///
/// Each row becomes one `RefData` record of `recordLines` lines, with the parts a real record has
/// around the fields that are read (a short name, a trading venue with its own `Id`, technical
/// attributes), so that a reader that picked the wrong element would show it.
enum FIRDSFixture {
    static let namespace = "urn:iso:std:iso:20022:tech:xsd:auth.017.001.02"
    /// Lines each record takes.
    static let recordLines = 6

    /// The file for `rows`, in ESMA's `BizData` envelope unless `envelope` is false (a bare
    /// `Document`). The rows' `line`s are ignored; values are written as given, escaped, so give them
    /// trimmed and without CRs to read them back unchanged. A nil issuer leaves its line blank, a
    /// nil field of `FinInstrmGnlAttrbts` leaves its element out, and an empty ISIN is an empty `Id`.
    static func document(rows: [ISINSourceRow], envelope: Bool = true) -> String {
        var text = envelope ? envelopeHeader : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        text += documentHeader
        for row in rows { text += record(row) }
        text += "      </FinInstrmRptgRefDataRpt>\n    </Document>\n"
        if envelope { text += "  </Pyld>\n</BizData>\n" }
        return text
    }

    /// `document(rows:envelope:)` as UTF-8.
    static func bytes(rows: [ISINSourceRow], envelope: Bool = true) -> [UInt8] {
        Array(document(rows: rows, envelope: envelope).utf8)
    }

    /// What `FIRDSReader` gives for `document(rows:envelope:)`: the rows on their records' lines, and
    /// a problem for each empty ISIN.
    static func outcomes(rows: [ISINSourceRow], envelope: Bool = true) -> [RowOutcome] {
        rows.enumerated().map { index, row in
            let line = firstRecordLine(envelope: envelope) + index * recordLines
            guard !row.isin.isEmpty else { return .problem(line: line, reason: "record has an empty FinInstrmGnlAttrbts/Id") }
            var row = row
            row.line = line
            return .row(row)
        }
    }

    /// The line of the first record's `<RefData>`.
    static func firstRecordLine(envelope: Bool) -> Int {
        (envelope ? envelopeHeader : "\n").count(where: { $0 == "\n" }) + documentHeader.count(where: { $0 == "\n" }) + 1
    }

    /// `&`, `<` and `>` escaped, for text content.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    // MARK: - Parts

    static let envelopeHeader = """
        <?xml version="1.0" encoding="UTF-8"?>
        <BizData xmlns="urn:iso:std:iso:20022:tech:xsd:head.003.001.01" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:iso:std:iso:20022:tech:xsd:head.003.001.01 head.003.001.01_ESMAUG_1.0.0.xsd">
          <Hdr>
            <AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.01" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <Fr><OrgId><Id><OrgId><Othr><Id>EU</Id></Othr></OrgId></Id></OrgId></Fr>
              <To><OrgId><Id><OrgId><Othr><Id>EU</Id></Othr></OrgId></Id></OrgId></To>
              <BizMsgIdr>FULINS_E_20250104_01of01</BizMsgIdr>
              <MsgDefIdr>auth.017.001.02</MsgDefIdr>
              <CreDt>2025-01-04T05:43:01Z</CreDt>
            </AppHdr>
          </Hdr>
          <Pyld>

        """

    static let documentHeader = """
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:auth.017.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <FinInstrmRptgRefDataRpt>
                <RptHdr>
                  <RptgNtty><NtlCmptntAuthrty>EU</NtlCmptntAuthrty></RptgNtty>
                  <RptgPrd><FrDtToDt><FrDt>2025-01-03</FrDt><ToDt>2025-01-03</ToDt></FrDtToDt></RptgPrd>
                </RptHdr>

        """

    static func record(_ row: ISINSourceRow) -> String {
        func element(_ name: String, _ value: String?) -> String {
            value.map { "<\(name)>\(escaped($0))</\(name)>" } ?? ""
        }
        let general = element("Id", row.isin) + element("FullNm", row.name) + element("ShrtNm", "SHORT/NAME")
            + element("ClssfctnTp", row.cfi) + element("NtnlCcy", row.currency) + "<CmmdtyDerivInd>false</CmmdtyDerivInd>"
        return """
                    <RefData>
                      <FinInstrmGnlAttrbts>\(general)</FinInstrmGnlAttrbts>
                      \(element("Issr", row.issuerLEI))
                      <TradgVnRltdAttrbts><Id>XFRA</Id><IssrReq>false</IssrReq><FrstTradDt>2020-01-02T07:00:00Z</FrstTradDt></TradgVnRltdAttrbts>
                      <TechAttrbts><RlvntCmptntAuthrty>DE</RlvntCmptntAuthrty><PblctnPrd><FrDt>2020-01-03</FrDt></PblctnPrd><RlvntTradgVn>XFRA</RlvntTradgVn></TechAttrbts>
                    </RefData>

            """
    }
}

/// What reading a whole input gave: the outcomes in order, and the error that stopped it, if any.
struct FIRDSRead: Hashable, CustomStringConvertible {
    var outcomes: [RowOutcome]
    var error: FIRDSError?

    init(_ outcomes: [RowOutcome], error: FIRDSError? = nil) {
        self.outcomes = outcomes
        self.error = error
    }

    /// Reads `bytes` to the end or to the first error.
    init(_ bytes: [UInt8], chunkSize: Int = 64 * 1024, maxTokenBytes: Int = FIRDSReader.defaultMaxTokenBytes) {
        var reader = FIRDSReader(source: BytesChunkSource(bytes, chunkSize: chunkSize), maxTokenBytes: maxTokenBytes)
        outcomes = []
        do {
            while let outcome = try reader.next() { outcomes.append(outcome) }
        } catch {
            self.error = error
        }
    }

    init(_ text: String, chunkSize: Int = 64 * 1024, maxTokenBytes: Int = FIRDSReader.defaultMaxTokenBytes) {
        self.init(Array(text.utf8), chunkSize: chunkSize, maxTokenBytes: maxTokenBytes)
    }

    var description: String {
        outcomes.map { "\($0)" }.joined(separator: "\n") + (error.map { "\nerror \($0) (column \($0.column as Any))" } ?? "")
    }
}
