/// One row of an ISIN list as the file gives it, before any validation: the ISIN is text here,
/// and checking it is the importer's job (`ISIN.validate`), so that its error lands on this line.
public struct ISINSourceRow: Sendable, Hashable {
    /// 1-based physical line where the row starts.
    public var line: Int
    /// Trimmed; may be empty when the cell is.
    public var isin: String
    /// Trimmed; nil when the column is not mapped or the cell is blank.
    public var name: String?
    public var cfi: String?
    public var currency: String?
    public var issuerLEI: String?

    public init(
        line: Int, isin: String, name: String? = nil, cfi: String? = nil, currency: String? = nil,
        issuerLEI: String? = nil
    ) {
        self.line = line
        self.isin = isin
        self.name = name
        self.cfi = cfi
        self.currency = currency
        self.issuerLEI = issuerLEI
    }
}

/// What one data line of an ISIN list gave: a row, or the reason it gave none. A bad line is
/// reported rather than thrown so that the importer can count bad lines, and stop on its own
/// threshold, while the good ones still load.
public enum RowOutcome: Sendable, Hashable {
    case row(ISINSourceRow)
    /// `line` is the record's first line, or for a bad byte the line it is on; `reason` does not
    /// repeat it: `4 fields, the header has 5`.
    case problem(line: Int, reason: String)
}
