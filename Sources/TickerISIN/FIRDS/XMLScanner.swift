/// A pull tokenizer for XML 1.0 in UTF-8, reading from a `ByteChunkSource` in bounded memory: it
/// holds the unconsumed part of the last chunk and, at most, one token cut by a chunk's end.
///
/// Lines are counted lazily, eight bytes at a time: up to each start tag (whose line its element
/// keeps), and before consumed input is dropped. Tokens in between are not looked at twice.
///
/// It is lexical only: which end tag closes which element, and what namespaces mean, are the
/// business of `XMLElementStack`. What it does check is everything a byte can get wrong: UTF-8, the
/// characters XML forbids, the shape of tags, references, comments, CDATA sections and processing
/// instructions. It refuses a DOCTYPE outright, so no DTD, and so no external or custom entity, is
/// ever read.
///
/// Chunks may cut anywhere. Text is handed out as it comes, in runs that may be cut anywhere too;
/// every other token is handed out whole: when one is cut, the scanner keeps its start, pulls the
/// next chunk, and goes on searching for its end where it left off, so a token is never scanned
/// twice whatever the chunk size. A token that would need more than `limit` bytes is an error.
struct XMLScanner {
    /// What one step at `position` did.
    enum Step {
        case token(XMLToken)
        /// Markup consumed without a token: a comment, a processing instruction, the XML declaration.
        case skipped
        /// The token at `position` goes on past the input at hand; `what` names it for the error
        /// when the input ends there.
        case needMore(String)
    }

    let limit: Int

    private var source: any ByteChunkSource
    private var sourceEnded = false
    /// Input from a point at or before `position`; what is before `position` is consumed.
    private(set) var buffer: [UInt8] = []
    private(set) var position = 0
    /// Offset in the input of `buffer[0]`.
    private(set) var discarded = 0
    private var validator = XMLByteValidator()
    /// The first bad byte, once the validator has seen it: the scanner stops there.
    private var fault: XMLByteValidator.Fault?
    /// The line count at `buffer[counted]`, at or before `position`.
    private var lines = XMLLinePosition()
    private var counted = 0
    private var started = false
    /// Offset of the first byte after the byte order mark: the only place for the XML declaration.
    private(set) var documentStart = 0
    /// Where the search for the end of the token at `position` is to go on (an offset in the input)
    /// and the quote open there: set when the token is cut by the end of the input at hand.
    private(set) var searchFrom: Int?
    private(set) var searchQuote: UInt8 = 0

    /// The attributes of the last start tag.
    var attributes: [XMLAttribute] = []
    /// Where the last token starts: its offset in `buffer`, valid until the next call.
    private(set) var tokenStart = 0
    /// Whether any markup was read at all: tells a file of nothing from a file with no root.
    private(set) var sawMarkup = false

    init(source: any ByteChunkSource, limit: Int) {
        self.source = source
        self.limit = limit
    }

    /// 1-based line of the next byte; at the end of the input, the last line.
    var line: Int { place(of: position).line }

    /// The next token, or nil at the end of the input, which is reached only between tokens.
    mutating func next() throws(FIRDSError) -> XMLToken? {
        if !started { try start() }
        while true {
            let end = dataEnd
            var cut: String?
            if position < end {
                let bytes = buffer
                let step = try bytes.withUnsafeBufferPointer { (all) throws(FIRDSError) -> Step in
                    try self.step(UnsafeBufferPointer(rebasing: all[..<end]))
                }
                switch step {
                case .token(let token): return token
                case .skipped: continue
                case .needMore(let what): cut = what
                }
            }
            // The input at hand is used up, or ends inside a token.
            if let fault { throw failure(fault.kind, at: fault.offset - discarded) }
            if try pull() { continue }
            if let fault { throw failure(fault.kind, at: fault.offset - discarded) }
            if let cut {
                throw FIRDSError(.endsInside(cut, openedAt: tokenLine), line: place(of: buffer.count).line)
            }
            return nil
        }
    }

    /// Line where the last token starts: counted already for a start tag.
    var tokenLine: Int { counted == tokenStart ? lines.line : place(of: tokenStart).line }
    /// Column where the last token starts.
    var tokenColumn: Int { counted == tokenStart ? lines.column(of: discarded + tokenStart) : place(of: tokenStart).column }

    /// An error at the start of the last token.
    func failureAtToken(_ kind: FIRDSError.Kind) -> FIRDSError {
        let (line, column) = place(of: tokenStart)
        return FIRDSError(kind, line: line, column: column)
    }

    /// An error at `buffer[index]`, in the last token or after it.
    func failure(_ kind: FIRDSError.Kind, at index: Int) -> FIRDSError {
        let (line, column) = place(of: index)
        return FIRDSError(kind, line: line, column: column)
    }

    // MARK: - Steps

    /// Where the usable input ends: before a bad byte, and before a character the chunk cut.
    private var dataEnd: Int {
        if let fault { return fault.offset - discarded }
        if let pending = validator.pendingStart { return pending - discarded }
        return buffer.count
    }

    /// Reads the token at `position` if `input` holds all of it.
    private mutating func step(_ input: UnsafeBufferPointer<UInt8>) throws(FIRDSError) -> Step {
        let start = position
        tokenStart = start
        switch input[start] {
        case UInt8(ascii: "<"):
            sawMarkup = true
            return try markup(input)
        case UInt8(ascii: "&"):
            return try reference(input)
        default:
            var i = start + 1
            let end = input.count
            while i < end {
                let byte = input[i]
                if byte == UInt8(ascii: "<") || byte == UInt8(ascii: "&") { break }
                i += 1
            }
            consume(to: i)
            return .token(.text(start..<i))
        }
    }

    /// `&name;` or `&#…;`, handed out as the character it stands for.
    private mutating func reference(_ input: UnsafeBufferPointer<UInt8>) throws(FIRDSError) -> Step {
        // `&#x0010FFFF;` and friends are short; leading zeros are allowed, but not without end.
        let longest = 32
        var i = position + 1
        while i < input.count, i - position < longest, XMLReferences.isReferenceByte(input[i]) { i += 1 }
        guard i < input.count, i - position < longest else {
            guard i - position < longest else { throw malformedReference() }
            return .needMore("a reference")
        }
        guard input[i] == UInt8(ascii: ";") else { throw malformedReference() }
        let scalar: Unicode.Scalar
        do {
            scalar = try XMLReferences.resolve(input, from: position + 1, to: i)
        } catch {
            throw failureAtToken(error.kind)
        }
        consume(to: i + 1)
        return .token(.character(scalar))
    }

    private func malformedReference() -> FIRDSError {
        failureAtToken(.malformed("'&' starts no reference; a literal & is written &amp;"))
    }

    /// Moves `position` to `index`.
    mutating func consume(to index: Int) {
        position = index
        searchFrom = nil
        searchQuote = 0
    }

    /// Remembers where the search for the end of a cut token stopped.
    mutating func suspendSearch(at index: Int, quote: UInt8 = 0) {
        searchFrom = discarded + index
        searchQuote = quote
    }

    /// Refuses a whole token longer than `limit`, ending at `close`: whether it comes whole or cut,
    /// so that the answer does not depend on the chunk size.
    func checkLength(_ what: String, to close: Int) throws(FIRDSError) {
        guard close + 1 - position <= limit else { throw failureAtToken(.tooLong(what, limit: limit)) }
    }

    /// `needMore`, unless the token is already longer than `limit`.
    func more(_ what: String, _ input: UnsafeBufferPointer<UInt8>) throws(FIRDSError) -> Step {
        guard input.count - position <= limit else { throw failureAtToken(.tooLong(what, limit: limit)) }
        return .needMore(what)
    }

    /// Counts lines up to `buffer[index]`, at or after the last place counted.
    mutating func countLines(to index: Int, in input: UnsafeBufferPointer<UInt8>) {
        lines.advance(over: input, from: counted, to: index, offset: discarded)
        counted = index
    }

    /// Line and column of `buffer[index]`, at or after the last place counted, without counting.
    private func place(of index: Int) -> (line: Int, column: Int) {
        buffer.withUnsafeBufferPointer { input in
            var here = lines
            here.advance(over: input, from: counted, to: index, offset: discarded)
            return (here.line, here.column(of: discarded + index))
        }
    }

    // MARK: - Input

    /// Sees the byte order mark, or refuses UTF-16.
    private mutating func start() throws(FIRDSError) {
        started = true
        while buffer.count < 4, try pull() {}
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) {
            position = 3
            counted = 3
            documentStart = 3
            lines.skip(to: 3)
        } else if buffer.starts(with: [0xFF, 0xFE]) || buffer.starts(with: [0x3C, 0x00]) {
            throw FIRDSError(.utf16(bigEndian: false), line: 1)
        } else if buffer.starts(with: [0xFE, 0xFF]) || buffer.starts(with: [0x00, 0x3C]) {
            throw FIRDSError(.utf16(bigEndian: true), line: 1)
        }
    }

    /// Appends the next chunk, dropping what is consumed; false at the end of the source.
    private mutating func pull() throws(FIRDSError) -> Bool {
        while !sourceEnded {
            let chunk: [UInt8]?
            do {
                chunk = try source.next()
            } catch {
                throw FIRDSError(.readFailed(String(describing: error)), line: line)
            }
            guard let chunk else {
                sourceEnded = true
                if fault == nil { fault = validator.finish() }
                return false
            }
            guard !chunk.isEmpty else { continue }
            if position > 0 { dropConsumed() }
            let offset = discarded + buffer.count
            buffer.append(contentsOf: chunk)
            if fault == nil {
                fault = chunk.withUnsafeBufferPointer { validator.validate($0, at: offset) }
            }
            return true
        }
        return false
    }

    /// Drops the bytes before `position`, counting their lines first.
    private mutating func dropConsumed() {
        do {
            let bytes = buffer
            bytes.withUnsafeBufferPointer { countLines(to: position, in: $0) }
        }
        buffer.removeSubrange(..<position)
        discarded += position
        tokenStart = max(0, tokenStart - position)
        position = 0
        counted = 0
    }
}
