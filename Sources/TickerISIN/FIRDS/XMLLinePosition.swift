/// Line and column of a place in the input, kept up to date as the tokenizer consumes bytes.
///
/// Line breaks are LF, CRLF and a lone CR, as XML has them; a CRLF cut between two chunks is still
/// one line break. Columns are counted in bytes, so that keeping them costs nothing per byte.
/// Counting runs over whole words where there is no line break, so it is cheap enough to do over
/// the whole input.
struct XMLLinePosition {
    /// 1-based line of the next byte.
    private(set) var line = 1
    /// Offset in the input of the first byte of `line`.
    private(set) var lineStart = 0
    /// The last byte was a CR: an LF right after it belongs to the same line break.
    private var afterCR = false

    /// Moves past `input[from..<to]`, whose first byte is at `offset + from` in the input.
    mutating func advance(over input: UnsafeBufferPointer<UInt8>, from: Int, to: Int, offset: Int) {
        guard from < to, let base = input.baseAddress else { return }
        var i = from
        if afterCR {
            afterCR = false
            if base[i] == 0x0A {
                i += 1
                lineStart = offset + i
            }
        }
        let raw = UnsafeRawPointer(base)
        while i < to {
            // Eight bytes at a time while none is below 0x0E, as CR and LF are.
            while i + 8 <= to {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if (word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            guard i < to else { break }
            let byte = base[i]
            i += 1
            if byte == 0x0A {
                line += 1
                lineStart = offset + i
            } else if byte == 0x0D {
                line += 1
                if i < to {
                    if base[i] == 0x0A { i += 1 }
                } else {
                    afterCR = true
                }
                lineStart = offset + i
            }
        }
    }

    /// Skips bytes that are not text, such as a byte order mark: the column starts after them.
    mutating func skip(to offset: Int) {
        lineStart = offset
    }

    /// 1-based column of the byte at `offset` in the input, which is on `line`.
    func column(of offset: Int) -> Int {
        offset - lineStart + 1
    }
}
