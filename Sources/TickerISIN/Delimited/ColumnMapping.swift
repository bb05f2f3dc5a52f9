/// Which header column holds each field of an ISIN list, as the DAG file configures it:
///
/// ```yaml
/// columns:
///   isin: ISIN
///   name: "Instrument Name"
///   currency: CCY
/// ```
///
/// Only `isin` is required. Titles are matched against the header after trimming whitespace and
/// ignoring case, so `" isin "` finds a column titled `ISIN`.
public struct ColumnMapping: Sendable, Hashable {
    /// The fields an ISIN list row can have; the raw values are the keys of the DAG file.
    public enum Field: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case isin
        case name
        case cfi
        case currency
        case issuerLEI = "issuer_lei"

        public var description: String { rawValue }
    }

    /// The header title for each mapped field; always has `.isin`.
    public private(set) var titles: [Field: String]

    /// For mappings written in Swift; titles are taken as given. Configuration goes through
    /// `init(_:)`, which checks them.
    public init(isin: String, name: String? = nil, cfi: String? = nil, currency: String? = nil, issuerLEI: String? = nil) {
        titles = [.isin: isin]
        titles[.name] = name
        titles[.cfi] = cfi
        titles[.currency] = currency
        titles[.issuerLEI] = issuerLEI
    }

    /// From the DAG file's `key: title` pairs. Every key must be a `Field` name, `isin` must be
    /// there, and no title may be blank; all the problems are reported at once.
    public init(_ entries: [String: String]) throws(ColumnMappingError) {
        var titles: [Field: String] = [:]
        var problems: [ColumnMappingError.Problem] = []
        let names = Field.allCases.map(\.rawValue)
        for key in entries.keys.sorted() {
            let title = entries[key] ?? ""
            guard let field = Field(rawValue: key) else {
                problems.append(.unknownField(key, suggestion: ClosestText.suggestion(for: key, among: names)))
                continue
            }
            if FieldTrimming.trimmed(title).isEmpty {
                problems.append(.blankTitle(field))
            } else {
                titles[field] = title
            }
        }
        if entries["isin"] == nil { problems.insert(.missingISIN, at: 0) }
        guard problems.isEmpty else { throw ColumnMappingError(problems) }
        self.titles = titles
    }

    /// The column index (0-based) of each mapped field in `header`, the header row read at `line`.
    func resolve(header: [String], line: Int) throws(ColumnMappingError) -> ResolvedColumns {
        let keys = header.map { FieldTrimming.trimmed($0).lowercased() }
        var columns: [Field: Int] = [:]
        var problems: [ColumnMappingError.Problem] = []
        for field in Field.allCases {
            guard let title = titles[field] else { continue }
            let wanted = FieldTrimming.trimmed(title).lowercased()
            let matches = keys.indices.filter { keys[$0] == wanted }
            switch matches.count {
            case 1:
                columns[field] = matches[0]
            case 0:
                let suggestion = ClosestText.suggestion(for: FieldTrimming.trimmed(title), among: header.map { FieldTrimming.trimmed($0) })
                problems.append(.columnNotFound(field, title: title, suggestion: suggestion))
            default:
                problems.append(.ambiguousColumn(field, title: title, columns: matches.map { $0 + 1 }))
            }
        }
        guard problems.isEmpty else { throw ColumnMappingError(problems, header: header, headerLine: line) }
        return ResolvedColumns(width: header.count, columns: columns)
    }
}

/// Where the mapped fields are in a particular file's rows, as plain indices: looked up for every
/// row of millions, so no dictionary.
struct ResolvedColumns: Sendable {
    /// How many fields the header has, and so every row must have.
    var width: Int
    var isin: Int
    var name: Int?
    var cfi: Int?
    var currency: Int?
    var issuerLEI: Int?

    init(width: Int, columns: [ColumnMapping.Field: Int]) {
        self.width = width
        self.isin = columns[.isin] ?? 0
        self.name = columns[.name]
        self.cfi = columns[.cfi]
        self.currency = columns[.currency]
        self.issuerLEI = columns[.issuerLEI]
    }

    /// The typed row of a record with `width` fields: values trimmed, blank optional ones nil.
    func row(_ record: DelimitedRecord) -> ISINSourceRow {
        let fields = record.fields
        func value(_ column: Int?) -> String? {
            guard let column else { return nil }
            let text = FieldTrimming.trimmed(fields[column])
            return text.isEmpty ? nil : text
        }
        return ISINSourceRow(
            line: record.line, isin: FieldTrimming.trimmed(fields[isin]), name: value(name), cfi: value(cfi),
            currency: value(currency), issuerLEI: value(issuerLEI))
    }
}
