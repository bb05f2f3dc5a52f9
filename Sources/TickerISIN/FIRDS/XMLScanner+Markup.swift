/// Markup: whatever starts with `<`. Each kind is read only once its end is in the input, found by a
/// search that a cut token resumes rather than restarts.
extension XMLScanner {
    mutating func markup(_ input: UnsafeBufferPointer<UInt8>) throws(FIRDSError) -> Step {
        guard input.count - position >= 2 else { return .needMore("a tag") }
        switch input[position + 1] {
        case UInt8(ascii: "/"): return try endTag(input)
        case UInt8(ascii: "?"): return try processingInstruction(input)
        case UInt8(ascii: "!"): return try declaration(input)
        default: return try startTag(input)
        }
    }

    // MARK: - Tags

    /// `<name attr="value" …>` or `<name …/>`.
    private mutating func startTag(_ input: UnsafeBufferPointer<UInt8>) throws(FIRDSError) -> Step {
        // Most tags are a name and `>`: read in one pass when all there.
        if searchFrom == nil {
            let nameEnd = try name(input, from: position + 1, to: input.count)
            var close = nameEnd
            if close < input.count, input[close] == UInt8(ascii: "/") { close += 1 }
            if close < input.count, input[close] == UInt8(ascii: ">") {
                try checkLength("a tag", to: close)
                if !attributes.isEmpty { attributes.removeAll(keepingCapacity: true) }
                return finishStartTag(name: position + 1..<nameEnd, selfClosing: close > nameEnd, close: close, input)
            }
        }
        guard let close = try tagEnd(input, from: position + 1, quotes: true) else { return try more("a tag", input) }
        try checkLength("a tag", to: close)
        if !attributes.isEmpty { attributes.removeAll(keepingCapacity: true) }
        let nameEnd = try name(input, from: position + 1, to: close)
        var i = nameEnd
        var selfClosing = false
        while true {
            let spaceStart = i
            while i < close, XMLNames.isSpace(input[i]) { i += 1 }
            guard i < close else { break }
            let byte = input[i]
            if byte == UInt8(ascii: "/") {
                guard i + 1 == close else { throw failure(.malformed("'/' inside a tag"), at: i) }
                selfClosing = true
                break
            }
            guard i > spaceStart, XMLNames.isNameStartByte(byte) else {
                throw failure(.malformed("\(XMLNames.show(byte)) inside a tag"), at: i)
            }
            try attribute(input, from: &i, to: close)
        }
        return finishStartTag(name: position + 1..<nameEnd, selfClosing: selfClosing, close: close, input)
    }

    /// Hands out the start tag that ends at `close`, with its line counted: its element keeps it.
    private mutating func finishStartTag(name: Range<Int>, selfClosing: Bool, close: Int, _ input: UnsafeBufferPointer<UInt8>) -> Step {
        countLines(to: position, in: input)
        consume(to: close + 1)
        return .token(.startTag(name: name, selfClosing: selfClosing))
    }

    /// `name = "value"` from `i`, appended to `attributes`; `i` ends after the closing quote.
    private mutating func attribute(_ input: UnsafeBufferPointer<UInt8>, from i: inout Int, to close: Int) throws(FIRDSError) {
        let nameStart = i
        let nameEnd = try name(input, from: i, to: close)
        i = nameEnd
        while i < close, XMLNames.isSpace(input[i]) { i += 1 }
        guard i < close, input[i] == UInt8(ascii: "=") else {
            let attributeName = String(decoding: UnsafeBufferPointer(rebasing: input[nameStart..<nameEnd]), as: UTF8.self)
            throw failure(.malformed("attribute \(attributeName) has no value"), at: i)
        }
        i += 1
        while i < close, XMLNames.isSpace(input[i]) { i += 1 }
        guard i < close, input[i] == UInt8(ascii: "\"") || input[i] == UInt8(ascii: "'") else {
            throw failure(.malformed("an attribute value must be in quotes"), at: i)
        }
        let quote = input[i]
        i += 1
        let valueStart = i
        var hasReference = false
        // `tagEnd` matched the quotes already: the closing one is before `close`.
        while i < close, input[i] != quote {
            if input[i] == UInt8(ascii: "&") { hasReference = true }
            i += 1
        }
        guard i < close else { throw failure(.malformed("an attribute value is not closed"), at: valueStart - 1) }
        attributes.append(XMLAttribute(name: nameStart..<nameEnd, value: valueStart..<i, hasReference: hasReference))
        i += 1
    }

    /// `</name>`, with optional white space before the `>`.
    private mutating func endTag(_ input: UnsafeBufferPointer<UInt8>) throws(FIRDSError) -> Step {
        if searchFrom == nil, position + 2 < input.count {
            let nameEnd = try name(input, from: position + 2, to: input.count)
            if nameEnd < input.count, input[nameEnd] == UInt8(ascii: ">") {
                try checkLength("a tag", to: nameEnd)
                let name = position + 2..<nameEnd
                consume(to: nameEnd + 1)
                return .token(.endTag(name: name))
            }
        }
        guard let close = try tagEnd(input, from: position + 2, quotes: false) else { return try more("a tag", input) }
        try checkLength("a tag", to: close)
        let nameEnd = try name(input, from: position + 2, to: close)
        var i = nameEnd
        while i < close, XMLNames.isSpace(input[i]) { i += 1 }
        guard i == close else { throw failure(.malformed("\(XMLNames.show(input[i])) inside an end tag"), at: i) }
        let name = position + 2..<nameEnd
        consume(to: close + 1)
        return .token(.endTag(name: name))
    }

    /// The end of a name starting at `from`: a name there is required.
    private func name(_ input: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) throws(FIRDSError) -> Int {
        guard from < end, XMLNames.isNameStartByte(input[from]) else {
            let found = from < end ? XMLNames.show(input[from]) : "'>'"
            throw failure(.malformed("expected a name, found \(found)"), at: from)
        }
        var i = from + 1
        while i < end, XMLNames.isNameByte(input[i]) { i += 1 }
        return i
    }

    /// The offset of the `>` that ends a tag, outside quoted values; nil when the input at hand ends
    /// first. A `<` inside quotes is refused at once: it is not allowed there, and almost always
    /// means a quote left open, which would otherwise swallow the rest of the file.
    private mutating func tagEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int, quotes: Bool) throws(FIRDSError) -> Int? {
        var i = searchFrom.map { $0 - discarded } ?? start
        var quote = searchQuote
        let end = input.count
        while i < end {
            let byte = input[i]
            if quote != 0 {
                if byte == quote {
                    quote = 0
                } else if byte == UInt8(ascii: "<") {
                    throw failure(.malformed("'<' inside an attribute value; is a quote missing?"), at: i)
                }
            } else if byte == UInt8(ascii: ">") {
                return i
            } else if quotes, byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            }
            i += 1
        }
        suspendSearch(at: i, quote: quote)
        return nil
    }

    // MARK: - Comments, CDATA, declarations, processing instructions

    /// `<!--`, `<![CDATA[`, or a refused `<!DOCTYPE`.
    private mutating func declaration(_ input: UnsafeBufferPointer<UInt8>) throws(FIRDSError) -> Step {
        switch startsWith(input, "<!--") {
        case true?:
            guard let close = terminator(input, "-->", contentStart: position + 4) else {
                return try more("a comment", input)
            }
            try checkLength("a comment", to: close)
            consume(to: close + 1)
            return .skipped
        case nil: return try more("a tag", input)
        case false?: break
        }
        switch startsWith(input, "<![CDATA[") {
        case true?:
            let contentStart = position + 9
            guard let close = terminator(input, "]]>", contentStart: contentStart) else {
                return try more("a CDATA section", input)
            }
            try checkLength("a CDATA section", to: close)
            consume(to: close + 1)
            return .token(.cdata(contentStart..<close - 2))
        case nil: return try more("a tag", input)
        case false?: break
        }
        switch startsWith(input, "<!DOCTYPE") {
        case true?: throw failureAtToken(.doctype)
        case nil: return try more("a tag", input)
        case false?: throw failureAtToken(.malformed("\"<!\" starts no comment or CDATA section"))
        }
    }

    /// `<?target …?>`: skipped, but for the XML declaration, whose encoding is checked.
    private mutating func processingInstruction(_ input: UnsafeBufferPointer<UInt8>) throws(FIRDSError) -> Step {
        guard let close = terminator(input, "?>", contentStart: position + 2) else {
            return try more("a processing instruction", input)
        }
        try checkLength("a processing instruction", to: close)
        let targetEnd = try name(input, from: position + 2, to: close - 1)
        let target = UnsafeBufferPointer(rebasing: input[position + 2..<targetEnd])
        if target.count == 3, target.map({ $0 | 0x20 }).elementsEqual("xml".utf8) {
            guard XMLNames.matches(target, "xml"), discarded + position == documentStart else {
                throw failureAtToken(.malformed("<?xml …?> anywhere but at the very start of the file"))
            }
            try checkEncoding(UnsafeBufferPointer(rebasing: input[targetEnd..<close - 1]))
        }
        consume(to: close + 1)
        return .skipped
    }

    /// Refuses an `encoding` other than UTF-8 in the XML declaration's `declaration` text.
    private func checkEncoding(_ declaration: UnsafeBufferPointer<UInt8>) throws(FIRDSError) {
        let key: StaticString = "encoding"
        var i = 0
        while i + key.utf8CodeUnitCount <= declaration.count,
              !XMLNames.hasPrefix(UnsafeBufferPointer(rebasing: declaration[i...]), key) {
            i += 1
        }
        i += key.utf8CodeUnitCount
        while i < declaration.count, XMLNames.isSpace(declaration[i]) || declaration[i] == UInt8(ascii: "=") { i += 1 }
        guard i < declaration.count, declaration[i] == UInt8(ascii: "\"") || declaration[i] == UInt8(ascii: "'") else {
            return
        }
        let quote = declaration[i]
        let valueStart = i + 1
        var end = valueStart
        while end < declaration.count, declaration[end] != quote { end += 1 }
        let name = String(decoding: UnsafeBufferPointer(rebasing: declaration[valueStart..<end]), as: UTF8.self)
        guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(name.lowercased()) else {
            throw failureAtToken(.unsupportedEncoding(name))
        }
    }

    /// Whether the input at `position` starts with `literal`; nil when it ends before that can be
    /// told.
    private func startsWith(_ input: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool? {
        let length = literal.utf8CodeUnitCount
        let available = min(length, input.count - position)
        let here = UnsafeBufferPointer(rebasing: input[position..<position + available])
        for i in 0..<available where here[i] != literal.utf8Start[i] { return false }
        return available == length ? true : nil
    }

    /// The offset of the last byte of `literal` (`-->`, `]]>`, `?>`), found after `contentStart`;
    /// nil when the input at hand ends first.
    private mutating func terminator(_ input: UnsafeBufferPointer<UInt8>, _ literal: StaticString, contentStart: Int) -> Int? {
        let length = literal.utf8CodeUnitCount
        let bytes = literal.utf8Start
        let last = bytes[length - 1]
        var i = max(searchFrom.map { $0 - discarded } ?? 0, contentStart + length - 1)
        while i < input.count {
            if input[i] == last {
                var k = 1
                while k < length, input[i - k] == bytes[length - 1 - k] { k += 1 }
                if k == length { return i }
            }
            i += 1
        }
        suspendSearch(at: i)
        return nil
    }
}
