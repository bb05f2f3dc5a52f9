/// Why a column mapping is unusable: on its own (a key that is not a field, no `isin`), or for a
/// particular file (a title its header does not have). Every problem is listed, so that one edit
/// of the DAG file fixes them all.
public struct ColumnMappingError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// A key that is not a `ColumnMapping.Field`, with the closest field name if any.
        case unknownField(String, suggestion: String?)
        /// No `isin` key: without it a row has nothing to import.
        case missingISIN
        /// The title is empty or only whitespace.
        case blankTitle(ColumnMapping.Field)
        /// No header column has this title; the closest title if any.
        case columnNotFound(ColumnMapping.Field, title: String, suggestion: String?)
        /// Several header columns have this title: their 1-based positions.
        case ambiguousColumn(ColumnMapping.Field, title: String, columns: [Int])
        /// The file has no header row: it is empty, or only blank lines.
        case noHeader

        public var description: String {
            switch self {
            case let .unknownField(key, suggestion):
                let fields = ColumnMapping.Field.allCases.map(\.rawValue).joined(separator: ", ")
                let hint = suggestion.map { " (did you mean `\($0)`?)" } ?? ""
                return "unknown field `\(key)`\(hint); fields are: \(fields)"
            case .missingISIN:
                return "`isin` is required: the title of the column that holds the ISINs"
            case let .blankTitle(field):
                return "`\(field)`: the column title is blank"
            case let .columnNotFound(field, title, suggestion):
                let hint = suggestion.map { " (did you mean \"\($0)\"?)" } ?? ""
                return "`\(field)`: no column \"\(title)\" in the header\(hint)"
            case let .ambiguousColumn(field, title, columns):
                let list = columns.map(String.init).joined(separator: ", ")
                return "`\(field)`: columns \(list) are all titled \"\(title)\"; the mapping must pick one"
            case .noHeader:
                return "the file has no header row (it is empty)"
            }
        }
    }

    public var problems: [Problem]
    /// The header's titles as read, when the problems are about a file.
    public var header: [String]?
    /// The header's 1-based line.
    public var headerLine: Int?

    public init(_ problems: [Problem], header: [String]? = nil, headerLine: Int? = nil) {
        self.problems = problems
        self.header = header
        self.headerLine = headerLine
    }

    /// One problem per line, then the header's columns when a title was not found, so that the
    /// right spelling is in the message.
    public var description: String {
        var lines = problems.map { "column mapping: \($0)" }
        if let header {
            let place = headerLine.map { " (line \($0))" } ?? ""
            let titles = header.map { "\"\($0)\"" }.joined(separator: ", ")
            lines.append("the header\(place) has \(header.count) columns: \(titles)")
        }
        return lines.joined(separator: "\n")
    }
}
