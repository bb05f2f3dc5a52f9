import Foundation

/// Reads an ESMA FIRDS full file (FULINS), an ISO 20022 `auth.017` report, one instrument record at
/// a time, in bounded memory: it holds one chunk of input, the open elements and the record being
/// read, never the file, whose uncompressed size runs to gigabytes.
///
/// The document is `Document/FinInstrmRptgRefDataRpt/RefData…`, either as the root or inside the
/// `BizData/Pyld` envelope ESMA publishes it in, with any auth.017 message version
/// (`urn:iso:std:iso:20022:tech:xsd:auth.017.001.NN`) and any namespace prefixes. Each `RefData`
/// gives one `RowOutcome`, at the line of its start tag:
/// - ISIN from `FinInstrmGnlAttrbts/Id`, name from `FinInstrmGnlAttrbts/FullNm`, CFI from
///   `FinInstrmGnlAttrbts/ClssfctnTp`, currency from `FinInstrmGnlAttrbts/NtnlCcy`, issuer LEI from
///   `Issr`; values are trimmed, and blank ones are nil;
/// - a record with no `Id`, or a blank one, is a `.problem` and reading goes on.
///
/// Elements are matched by local name and namespace, so an `Id` of the application header, of a
/// trading venue or of another namespace is never taken for an ISIN; all other elements are skipped.
///
/// The XML must be well-formed UTF-8. Anything else throws a `FIRDSError` with its line, after which
/// the reader throws the same error on every call: a DOCTYPE (refused, so that no DTD or external
/// entity is ever read), an end tag that does not match, the input ending inside an element (a
/// truncated download), bytes that are not UTF-8, an undefined entity, a document that is not
/// auth.017, an empty file, a failed read. A single tag, comment, CDATA section or value longer than
/// `maxTokenBytes` is an error too, so that hostile input cannot make memory grow.
///
/// Like `DelimitedReader`, it holds its source as `any ByteChunkSource`: called once per chunk,
/// the dynamic call costs nothing, and the reader is not generic across modules.
public struct FIRDSReader: Sendable {
    public static var defaultMaxTokenBytes: Int { 1 << 20 }

    /// The longest tag, comment, CDATA section or element value accepted, in bytes.
    public let maxTokenBytes: Int
    /// `RefData` records read so far, rows and problems alike: for progress.
    public private(set) var recordsSeen = 0

    private var scanner: XMLScanner
    private var elements: XMLElementStack
    private var failure: FIRDSError?
    private var finished = false

    // Depths (the root is 1) of the elements on the way to the records, while they are open.
    private var envelopeDepth: Int?
    private var payloadDepth: Int?
    private var documentDepth: Int?
    private var documentFound = false
    private var reportDepth: Int?
    private var recordDepth: Int?
    private var generalDepth: Int?

    private var record = FIRDSRecord(line: 0)
    /// The field whose element is open, that element's depth, and where it starts.
    private var capture: (field: FIRDSRecord.Field, depth: Int, line: Int, column: Int)?
    private var value = XMLTextValue()

    /// `maxTokenBytes` is clamped to 1 KiB...1 GiB.
    public init(source: some ByteChunkSource, maxTokenBytes: Int = Self.defaultMaxTokenBytes) {
        let limit = min(max(1 << 10, maxTokenBytes), 1 << 30)
        self.maxTokenBytes = limit
        self.scanner = XMLScanner(source: source, limit: limit)
        self.elements = XMLElementStack(limit: limit)
    }

    /// The next record's row or problem, or nil at the end of the file.
    public mutating func next() throws(FIRDSError) -> RowOutcome? {
        if let failure { throw failure }
        do throws(FIRDSError) {
            return try read()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func read() throws(FIRDSError) -> RowOutcome? {
        guard !finished else { return nil }
        while let token = try scanner.next() {
            // Most text is between the elements of a record, or in ones that are not read.
            if case .text = token, capture == nil, elements.depth > 0 { continue }
            let bytes = scanner.buffer
            let outcome = try bytes.withUnsafeBufferPointer { (input) throws(FIRDSError) -> RowOutcome? in
                try self.handle(token, input)
            }
            if let outcome {
                recordsSeen += 1
                return outcome
            }
        }
        try finish()
        finished = true
        return nil
    }

    private mutating func handle(_ token: XMLToken, _ input: UnsafeBufferPointer<UInt8>) throws(FIRDSError) -> RowOutcome? {
        switch token {
        case let .startTag(name, selfClosing):
            let opened = try elements.open(name, in: input, scanner: scanner)
            try start(opened, input)
            guard selfClosing else { return nil }
            let depth = elements.depth
            elements.closeInnermost()
            return end(depth: depth)
        case let .endTag(name):
            let depth = elements.depth
            try elements.close(name, in: input, scanner: scanner)
            return end(depth: depth)
        case let .text(range):
            let run = UnsafeBufferPointer(rebasing: input[range])
            if let capture, capture.depth == elements.depth {
                value.append(raw: run)
                try checkValueLength()
            } else if elements.depth == 0, let offset = run.firstIndex(where: { !XMLNames.isSpace($0) }) {
                // At the text itself: where a run starts depends on where chunks were cut.
                throw scanner.failure(.malformed("text outside the root element"), at: range.lowerBound + offset)
            }
        case let .character(scalar):
            try outsideRoot("a reference")
            if let capture, capture.depth == elements.depth {
                value.append(scalar)
                try checkValueLength()
            }
        case let .cdata(range):
            try outsideRoot("a CDATA section")
            if let capture, capture.depth == elements.depth {
                value.append(raw: UnsafeBufferPointer(rebasing: input[range]))
                try checkValueLength()
            }
        }
        return nil
    }

    // MARK: - Elements

    /// Follows the path to the records, and into them to the fields. Only elements where a step of
    /// the path can be are compared by name, and inside the document only those in its namespace.
    private mutating func start(_ opened: XMLElementStack.Opened, _ input: UnsafeBufferPointer<UInt8>) throws(FIRDSError) {
        let depth = opened.depth
        let local = UnsafeBufferPointer(rebasing: input[opened.localName])
        if let recordDepth {
            guard opened.isAuth017 else { return }
            if depth == recordDepth + 1 {
                if XMLNames.matches(local, "FinInstrmGnlAttrbts") {
                    generalDepth = depth
                } else if XMLNames.matches(local, "Issr") {
                    startCapture(.issuer, depth: depth)
                }
            } else if depth == recordDepth + 2, generalDepth == recordDepth + 1 {
                if XMLNames.matches(local, "Id") {
                    startCapture(.id, depth: depth)
                } else if XMLNames.matches(local, "FullNm") {
                    startCapture(.fullName, depth: depth)
                } else if XMLNames.matches(local, "ClssfctnTp") {
                    startCapture(.classification, depth: depth)
                } else if XMLNames.matches(local, "NtnlCcy") {
                    startCapture(.currency, depth: depth)
                }
            }
        } else if let reportDepth {
            if depth == reportDepth + 1, opened.isAuth017, XMLNames.matches(local, "RefData") {
                recordDepth = depth
                record = FIRDSRecord(line: scanner.tokenLine)
            }
        } else if let documentDepth {
            if depth == documentDepth + 1, opened.isAuth017, XMLNames.matches(local, "FinInstrmRptgRefDataRpt") {
                reportDepth = depth
            }
        } else if depth == 1 {
            if XMLNames.matches(local, "BizData") {
                envelopeDepth = depth
            } else {
                try enterDocument(opened, local)
            }
        } else if depth == 2, envelopeDepth == 1, XMLNames.matches(local, "Pyld") {
            payloadDepth = depth
        } else if depth == 3, payloadDepth == 2, XMLNames.matches(local, "Document") {
            try enterDocument(opened, local)
        }
    }

    /// The root, or the envelope's payload: an auth.017 `Document`, or the wrong file.
    private mutating func enterDocument(_ opened: XMLElementStack.Opened, _ local: UnsafeBufferPointer<UInt8>) throws(FIRDSError) {
        guard opened.isAuth017, XMLNames.matches(local, "Document") else {
            let name = elements.innermost?.name ?? ""
            throw scanner.failureAtToken(.notAuth017(element: name, namespace: elements.innermostNamespace))
        }
        documentDepth = opened.depth
        documentFound = true
    }

    /// The element at `depth` has just closed: ends what it held open, and gives its record's
    /// outcome when it was one.
    private mutating func end(depth: Int) -> RowOutcome? {
        if let capture, capture.depth == depth {
            record.set(capture.field, value.trimmed())
            self.capture = nil
            return nil
        }
        if let recordDepth, depth > recordDepth {
            if depth == generalDepth { generalDepth = nil }
            return nil
        }
        switch depth {
        case recordDepth:
            recordDepth = nil
            return record.outcome
        case reportDepth: reportDepth = nil
        case documentDepth: documentDepth = nil
        case payloadDepth: payloadDepth = nil
        case envelopeDepth: envelopeDepth = nil
        default: break
        }
        return nil
    }

    private mutating func startCapture(_ field: FIRDSRecord.Field, depth: Int) {
        capture = (field, depth, scanner.tokenLine, scanner.tokenColumn)
        value.removeAll()
    }

    /// Refuses a value past the limit, at its element's start tag: the text run that crossed the
    /// limit depends on where chunks were cut.
    private func checkValueLength() throws(FIRDSError) {
        guard value.count > maxTokenBytes, let capture else { return }
        throw FIRDSError(
            .tooLong("the value of <\(capture.field.elementName)>", limit: maxTokenBytes), line: capture.line,
            column: capture.column)
    }

    private func outsideRoot(_ what: String) throws(FIRDSError) {
        guard elements.depth == 0 else { return }
        throw scanner.failureAtToken(.malformed("\(what) outside the root element"))
    }

    /// The input is over: it must have closed every element, and held the document.
    private func finish() throws(FIRDSError) {
        if let (name, line) = elements.innermost {
            throw FIRDSError(.endsInside("<\(name)>", openedAt: line), line: scanner.line)
        }
        guard documentFound else {
            throw scanner.sawMarkup ? FIRDSError(.noDocument, line: scanner.line) : FIRDSError(.empty, line: 1)
        }
    }
}

extension FIRDSReader {
    /// Reads the file at `url`, 64 KiB at a time.
    public init(url: URL, maxTokenBytes: Int = Self.defaultMaxTokenBytes) throws(FileChunkSource.OpenError) {
        self.init(source: try FileChunkSource(url: url), maxTokenBytes: maxTokenBytes)
    }
}
