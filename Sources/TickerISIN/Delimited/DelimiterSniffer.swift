/// Counts `;`, `,` and tab outside quotes in the first non-blank line, for `DelimiterSetting.auto`.
///
/// The delimiter is not known yet, so a quote opens a quoted field at the start of the line or
/// right after any of the three; otherwise quoting works as in `RecordScanner`, and a line break
/// inside quotes does not end the header.
struct DelimiterSniffer {
    private enum State { case lineStart, fieldStart, unquoted, quoted, quoteInQuoted }

    /// In the order a tie is listed in the error.
    private static let candidates: [Delimiter] = [.semicolon, .comma, .tab]

    private var state = State.lineStart
    private var counts = [0, 0, 0]
    /// The header's line, for the error: blank lines before it count.
    private var line = 1
    private var afterCR = false

    /// Scans from `start`; true once the header line has ended.
    mutating func scan(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        for byte in input[start...] {
            let isLineBreak = byte == RecordScanner.cr || byte == RecordScanner.lf
            switch state {
            case .lineStart:
                if byte == RecordScanner.lf, afterCR {
                    afterCR = false
                } else if isLineBreak {
                    line += 1
                    afterCR = byte == RecordScanner.cr
                } else {
                    state = .fieldStart
                    consume(byte)
                }
            case .quoted:
                if byte == RecordScanner.quote { state = .quoteInQuoted }
            case .quoteInQuoted:
                if byte == RecordScanner.quote {
                    state = .quoted
                } else if isLineBreak {
                    return true
                } else {
                    state = .unquoted
                    consume(byte)
                }
            case .fieldStart, .unquoted:
                if isLineBreak { return true }
                consume(byte)
            }
        }
        return false
    }

    /// A byte outside quotes.
    private mutating func consume(_ byte: UInt8) {
        if let index = Self.candidates.firstIndex(where: { $0.rawValue == byte }) {
            counts[index] += 1
            state = .fieldStart
        } else if byte == RecordScanner.quote, state == .fieldStart {
            state = .quoted
        } else {
            state = .unquoted
        }
    }

    /// The most frequent candidate; `,` for a line with none (one column); an error on a tie.
    func decision() throws(DelimitedError) -> Delimiter {
        let most = counts.max() ?? 0
        guard most > 0 else { return .comma }
        let winners = Self.candidates.indices.filter { counts[$0] == most }.map { Self.candidates[$0] }
        guard winners.count == 1 else { throw DelimitedError(.ambiguousDelimiter(winners, count: most), line: line) }
        return winners[0]
    }
}
