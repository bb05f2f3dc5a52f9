/// One record of a delimited file: its fields, decoded from UTF-8, with quotes removed and
/// doubled quotes undone, and the physical line it starts on.
public struct DelimitedRecord: Sendable, Hashable {
    /// 1-based physical line of the record's first byte. Blank lines and line breaks inside quoted
    /// fields count, so this is the line an editor shows.
    public var line: Int
    /// The fields in order; an empty field is "". Never empty: a record has at least one field.
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}
