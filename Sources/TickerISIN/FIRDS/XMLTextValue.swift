/// The text of one element as XML hands it to an application: references resolved, CDATA
/// unwrapped, and every line break (CRLF, lone CR) made an LF, even when a chunk cut the CRLF.
struct XMLTextValue {
    private(set) var bytes: [UInt8] = []
    /// The last raw byte was a CR, already stored as an LF: an LF right after it is the same break.
    private var afterCR = false

    var count: Int { bytes.count }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        afterCR = false
    }

    /// Appends text or CDATA as written.
    mutating func append(raw run: UnsafeBufferPointer<UInt8>) {
        guard !run.isEmpty else { return }
        var i = 0
        if afterCR, run[0] == 0x0A { i = 1 }
        afterCR = run[run.count - 1] == 0x0D
        var start = i
        while i < run.count {
            if run[i] == 0x0D {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: run[start..<i]))
                bytes.append(0x0A)
                i += 1
                if i < run.count, run[i] == 0x0A { i += 1 }
                start = i
            } else {
                i += 1
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: run[start...]))
    }

    /// Appends a character written as a reference: kept as it is, even a CR.
    mutating func append(_ scalar: Unicode.Scalar) {
        UTF8.encode(scalar) { bytes.append($0) }
        afterCR = false
    }

    /// The text, trimmed as the delimited reader trims its values. The bytes were checked as
    /// UTF-8 when they were read, so decoding replaces nothing.
    func trimmed() -> String {
        FieldTrimming.trimmed(String(decoding: bytes, as: UTF8.self))
    }
}
