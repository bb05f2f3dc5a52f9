/// The byte-level state machine of `DelimitedReader`: splits the input into records and fields,
/// counts physical lines, and keeps the bytes of the current record only.
///
/// It is fed whatever the source hands out, so every state survives a chunk ending anywhere.
/// Runs of ordinary bytes are found with a tight loop and copied in one go; only delimiters,
/// quotes and line breaks are looked at one by one.
struct RecordScanner {
    enum State {
        /// Between records: blank lines are skipped here.
        case recordStart
        /// At the first byte of a field: a quote here opens a quoted field.
        case fieldStart
        /// Inside a field that did not start with a quote: quotes are ordinary bytes.
        case unquoted
        /// Inside a quoted field: delimiters and line breaks are ordinary bytes.
        case quoted
        /// Just after a quote inside a quoted field: a second quote is a literal one, anything
        /// else ends the field.
        case quoteInQuoted
    }

    static let quote = UInt8(ascii: "\"")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")

    let delimiter: UInt8
    let limit: Int

    private(set) var state = State.recordStart
    /// 1-based physical line of the next byte.
    private(set) var line = 1
    /// The last byte was a CR line break, so an LF right after it is the same line break.
    private var afterCR = false

    // The record being read.
    private(set) var recordLine = 0
    private var quoteLine = 0
    /// The fields' bytes back to back, unescaped, as they will be decoded.
    private(set) var bytes: [UInt8] = []
    /// Where each finished field ends in `bytes`. 32 bits: a record is far below 4 GiB, and this
    /// array is the one that grows with a line of nothing but delimiters.
    private(set) var fieldEnds: [UInt32] = []
    /// The record outgrew `limit`: it is still scanned to its end, but no longer stored.
    private var overflowed = false
    /// The first record-level problem, thrown once the record has been read to its end.
    private(set) var problem: DelimitedError?

    init(delimiter: Delimiter, limit: Int) {
        self.delimiter = delimiter.rawValue
        self.limit = limit
    }

    /// Bytes held for the current record, for `DelimitedReader.peakBufferedBytes`.
    var heldBytes: Int {
        bytes.capacity + fieldEnds.capacity * MemoryLayout<UInt32>.stride
    }

    /// Scans `input` from `start` until a record ends (`ended`) or the input runs out; `next` is the
    /// offset of the first byte not consumed.
    mutating func scan(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> (next: Int, ended: Bool) {
        let delimiter = self.delimiter, quote = Self.quote, cr = Self.cr, lf = Self.lf
        let end = input.count
        var i = start
        while i < end {
            let byte = input[i]
            switch state {
            case .recordStart:
                if byte == lf {
                    // The LF of a CRLF already counted at its CR, or a blank LF line.
                    if afterCR { afterCR = false } else { line += 1 }
                    i += 1
                } else if byte == cr {
                    line += 1
                    afterCR = true
                    i += 1
                } else {
                    afterCR = false
                    beginRecord()
                    state = .fieldStart
                }
            case .fieldStart:
                if byte == quote {
                    state = .quoted
                    quoteLine = line
                    i += 1
                } else if byte == delimiter {
                    endField()
                    i += 1
                } else if byte == cr || byte == lf {
                    return (endRecord(lineBreak: byte, at: i), true)
                } else {
                    state = .unquoted
                }
            case .unquoted:
                var j = i
                while j < end {
                    let b = input[j]
                    if b == delimiter || b == cr || b == lf { break }
                    j += 1
                }
                append(UnsafeBufferPointer(rebasing: input[i..<j]))
                i = j
                guard j < end else { break }
                if input[j] == delimiter {
                    endField()
                    state = .fieldStart
                    i += 1
                } else {
                    return (endRecord(lineBreak: input[j], at: j), true)
                }
            case .quoted:
                var j = i
                while j < end {
                    let b = input[j]
                    if b == quote || b == cr || b == lf { break }
                    j += 1
                }
                if j > i {
                    append(UnsafeBufferPointer(rebasing: input[i..<j]))
                    afterCR = false
                }
                i = j
                guard j < end else { break }
                let special = input[j]
                i += 1
                if special == quote {
                    state = .quoteInQuoted
                    afterCR = false
                } else {
                    // A line break inside the field: part of the value, and a physical line.
                    append(special)
                    if special == cr {
                        line += 1
                        afterCR = true
                    } else {
                        if !afterCR { line += 1 }
                        afterCR = false
                    }
                }
            case .quoteInQuoted:
                if byte == quote {
                    append(quote)
                    state = .quoted
                    i += 1
                } else if byte == delimiter {
                    endField()
                    state = .fieldStart
                    i += 1
                } else if byte == cr || byte == lf {
                    return (endRecord(lineBreak: byte, at: i), true)
                } else {
                    // Strict: the record is reported. The rest of the field is read as unquoted
                    // text so that the record ends at the next line break, which puts the reader
                    // back in step for the most common cause, an undoubled quote.
                    report(.textAfterClosingQuote(field: fieldEnds.count + 1, found: byte), line: line)
                    state = .unquoted
                }
            }
        }
        return (i, false)
    }

    /// The input is over: whether that ends a record, or throws when a quote is still open.
    mutating func finishInput() throws(DelimitedError) -> Bool {
        switch state {
        case .recordStart:
            return false
        case .quoted:
            state = .recordStart
            throw DelimitedError(.unterminatedQuote, line: quoteLine)
        case .fieldStart, .unquoted, .quoteInQuoted:
            endField(final: true)
            state = .recordStart
            return true
        }
    }

    // MARK: - Steps

    private mutating func beginRecord() {
        recordLine = line
        bytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        overflowed = false
        problem = nil
    }

    /// Ends the last field and the record at the line break `byte` at `offset`; the offset after it.
    private mutating func endRecord(lineBreak byte: UInt8, at offset: Int) -> Int {
        endField(final: true)
        line += 1
        afterCR = byte == Self.cr
        state = .recordStart
        return offset + 1
    }

    private mutating func endField(final: Bool = false) {
        guard !overflowed else { return }
        Self.grow(&fieldEnds, toHold: fieldEnds.count + 1, atMost: limit + 1)
        fieldEnds.append(UInt32(bytes.count))
        // Each field ended by a delimiter stands for at least one byte of the file.
        if !final, bytes.count + fieldEnds.count > limit { overflow() }
    }

    private mutating func append(_ run: UnsafeBufferPointer<UInt8>) {
        guard !overflowed, !run.isEmpty else { return }
        guard bytes.count + run.count + fieldEnds.count <= limit else { return overflow() }
        Self.grow(&bytes, toHold: bytes.count + run.count, atMost: limit)
        bytes.append(contentsOf: run)
    }

    private mutating func append(_ byte: UInt8) {
        guard !overflowed else { return }
        guard bytes.count + 1 + fieldEnds.count <= limit else { return overflow() }
        Self.grow(&bytes, toHold: bytes.count + 1, atMost: limit)
        bytes.append(byte)
    }

    /// Doubles like `Array` would, but never past what the limit allows: a 1 MiB limit then
    /// means about 1 MiB of memory, not the 2 MiB the last doubling could take.
    private static func grow<Element>(_ array: inout [Element], toHold count: Int, atMost cap: Int) {
        guard count > array.capacity else { return }
        array.reserveCapacity(min(max(count, 2 * array.capacity), cap))
    }

    private mutating func overflow() {
        overflowed = true
        report(.recordTooLong(limit: limit), line: recordLine)
    }

    /// Keeps the first problem of the record: later ones are often its consequences.
    private mutating func report(_ kind: DelimitedError.Kind, line: Int) {
        if problem == nil { problem = DelimitedError(kind, line: line) }
    }
}
