/// How an ISIN list's rows are written. Compression (gzip, zip) is recognized from the file's
/// first bytes, whatever the format.
public enum ListFormat: Sendable, Hashable, CustomStringConvertible {
    /// Delimited text with a header row, the columns found by `mapping`.
    case delimited(DelimiterSetting, ColumnMapping)
    /// ESMA FIRDS reference data: ISO 20022 `auth.017` XML.
    case firds

    /// The name stored with each snapshot.
    public var description: String {
        switch self {
        case .delimited: "csv"
        case .firds: "firds"
        }
    }

    /// Which entries of a zip archive hold the list: FIRDS archives carry XML files; text lists
    /// are `.csv`, `.txt` or `.tsv`.
    public var zipEntries: ZipEntryFilter {
        switch self {
        case .delimited: .delimitedText
        case .firds: .xml
        }
    }
}
