/// Checks every byte of an XML input as it arrives: UTF-8, and none of the control characters XML
/// forbids. Done once per chunk, ahead of the tokenizer, so that the tokenizer can treat bytes as
/// bytes and the values it hands out decode without a second check.
///
/// A multi-byte character may be cut by the end of a chunk: its first bytes are then `pendingStart`,
/// and are judged when the next chunk, or the end of the input, comes.
struct XMLByteValidator {
    /// A bad byte or sequence, at `offset` from the start of the input.
    struct Fault {
        var offset: Int
        var kind: FIRDSError.Kind
    }

    /// Continuation bytes still expected for the current sequence, and the range the next one must be
    /// in (narrower than 0x80...0xBF right after some lead bytes: no overlong forms, no surrogates,
    /// nothing past U+10FFFF).
    private var remaining = 0
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF
    private var leadByte: UInt8 = 0
    /// Offset of the lead byte of an unfinished sequence.
    private(set) var pendingStart: Int?

    /// Checks `bytes`, which start at `offset` in the input; the first fault, after which the rest of
    /// the input is not looked at.
    mutating func validate(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Fault? {
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var i = 0
        while i < count {
            if remaining == 0 {
                // Eight bytes at a time while they are all ASCII at or above 0x20.
                while i + 8 <= count {
                    let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    let below20 = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
                    if (word & 0x8080_8080_8080_8080) | below20 != 0 { break }
                    i += 8
                }
                guard i < count else { break }
                let byte = bytes[i]
                if byte < 0x80 {
                    if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D {
                        return Fault(offset: offset + i, kind: .controlCharacter(byte))
                    }
                    i += 1
                    continue
                }
                switch byte {
                case 0xC2...0xDF: begin(byte, remaining: 1, low: 0x80, high: 0xBF)
                case 0xE0: begin(byte, remaining: 2, low: 0xA0, high: 0xBF)
                case 0xED: begin(byte, remaining: 2, low: 0x80, high: 0x9F)
                case 0xE1...0xEF: begin(byte, remaining: 2, low: 0x80, high: 0xBF)
                case 0xF0: begin(byte, remaining: 3, low: 0x90, high: 0xBF)
                case 0xF4: begin(byte, remaining: 3, low: 0x80, high: 0x8F)
                case 0xF1...0xF3: begin(byte, remaining: 3, low: 0x80, high: 0xBF)
                default: return Fault(offset: offset + i, kind: .invalidUTF8(byte: byte))
                }
                pendingStart = offset + i
                i += 1
            } else {
                let byte = bytes[i]
                guard byte >= low, byte <= high else { return fault() }
                remaining -= 1
                low = 0x80
                high = 0xBF
                if remaining == 0 { pendingStart = nil }
                i += 1
            }
        }
        return nil
    }

    /// The input is over: a sequence still unfinished is a fault.
    mutating func finish() -> Fault? {
        remaining == 0 ? nil : fault()
    }

    private mutating func begin(_ lead: UInt8, remaining: Int, low: UInt8, high: UInt8) {
        leadByte = lead
        self.remaining = remaining
        self.low = low
        self.high = high
    }

    private mutating func fault() -> Fault {
        let fault = Fault(offset: pendingStart ?? 0, kind: .invalidUTF8(byte: leadByte))
        remaining = 0
        pendingStart = nil
        return fault
    }
}
