/// Trimming of header titles and values, in one place so that both follow the same rule.
enum FieldTrimming {
    /// `text` without leading and trailing Unicode whitespace, which includes the no-break spaces
    /// spreadsheets leave around values. Returns `text` itself, without copying, when there is
    /// nothing to trim, which is almost always.
    static func trimmed(_ text: String) -> String {
        var text = text
        // Printable ASCII at both ends: nothing to trim, and no scalar properties to look up.
        // (`withUTF8` reads a native string in place; `utf8.last` costs several times more.)
        let clean = text.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return true }
            return (0x21...0x7E).contains(first) && (0x21...0x7E).contains(last)
        }
        if clean { return text }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        if start == scalars.startIndex, scalars.index(after: end) == scalars.endIndex { return text }
        return String(scalars[start...end])
    }
}
