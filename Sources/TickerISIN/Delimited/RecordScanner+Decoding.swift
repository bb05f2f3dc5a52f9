/// Turning the bytes of a finished record into `String`s, refusing what is not UTF-8 and saying
/// on which line and in which field it is.
extension RecordScanner {
    /// The record just ended, decoded; or its first problem.
    func takeRecord() throws(DelimitedError) -> DelimitedRecord {
        if let problem { throw problem }
        return try bytes.withUnsafeBufferPointer { (all) throws(DelimitedError) -> DelimitedRecord in
            // `String(decoding:)` puts U+FFFD in place of what is not UTF-8, so its text is exactly
            // the field's bytes when, and only when, they were valid; for ASCII nothing can differ.
            // (`String(validating:as:)` would say so directly, but the standard library does not
            // specialize it, and its type-metadata lookups were a quarter of the reading time.)
            let ascii = Self.isASCII(all)
            var fields: [String] = []
            fields.reserveCapacity(fieldEnds.count)
            var start = 0
            for (index, fieldEnd) in fieldEnds.enumerated() {
                let end = Int(fieldEnd)
                let field = UnsafeBufferPointer(rebasing: all[start..<end])
                let text = String(decoding: field, as: UTF8.self)
                guard ascii || Self.isExactly(text, field) else {
                    let offset = start + Self.firstInvalidOffset(field)
                    // Fields are counted apart: a CR ending one and an LF starting the next are
                    // two line breaks in the file, with quotes and a delimiter between them.
                    var breaks = Self.lineBreaks(in: UnsafeBufferPointer(rebasing: all[start..<offset]))
                    var previousStart = 0
                    for previousEnd in fieldEnds.prefix(index).map(Int.init) {
                        breaks += Self.lineBreaks(in: UnsafeBufferPointer(rebasing: all[previousStart..<previousEnd]))
                        previousStart = previousEnd
                    }
                    throw DelimitedError(.invalidUTF8(field: index + 1, byte: all[offset]), line: recordLine + breaks)
                }
                fields.append(text)
                start = end
            }
            return DelimitedRecord(line: recordLine, fields: fields)
        }
    }

    // MARK: - Checking and locating bad bytes

    /// Whether every byte is below 0x80, eight at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            if raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            offset += 8
        }
        while offset < bytes.count {
            if bytes[offset] >= 0x80 { return false }
            offset += 1
        }
        return true
    }

    /// Whether decoding kept `bytes` as they were, that is whether they were valid UTF-8.
    static func isExactly(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var text = text
        return text.withUTF8 { $0.count == bytes.count && $0.elementsEqual(bytes) }
    }

    /// Offset of the first byte that does not start a valid UTF-8 sequence.
    static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            offset += UTF8.width(scalar)
        }
        return offset
    }

    /// Line breaks (CRLF, LF or CR) in one field's bytes: they only come from quoted fields, one per
    /// physical line break, so this turns an offset in a record into a line.
    static func lineBreaks(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == cr || (byte == lf && previous != cr) { count += 1 }
            previous = byte
        }
        return count
    }
}
