/// A cron expression that could not be parsed, located by field and column.
///
/// `message` states the problem on its own (`"25" is out of range 0-23`), for callers that show
/// field and column their own way; `description` is the complete line
/// `hour: "25" is out of range 0-23 (column 3)`; `caretDiagnostic` adds the expression with a
/// marker under the offending text for terminals.
public struct CronError: Error, Sendable, Hashable, CustomStringConvertible {
    /// "second", "minute", "hour", "day-of-month", "month", "day-of-week", or nil for the whole expression.
    public var field: String?
    public var token: String
    /// 1-based column of `token` in the expression.
    public var column: Int
    public var message: String
    /// The expression as given, when known; the parser always fills it in.
    public var expression: String?

    public init(field: String?, token: String, column: Int, message: String) {
        self.field = field; self.token = token; self.column = column; self.message = message
    }

    public var description: String {
        let location = "(column \(column))"
        guard let field else { return "\(message) \(location)" }
        return "\(field): \(message) \(location)"
    }

    /// Two lines: the expression, and carets under the offending token. Nil when the expression is unknown.
    public var caretDiagnostic: String? {
        guard let expression else { return nil }
        let indent = String(repeating: " ", count: max(column - 1, 0))
        let marks = String(repeating: "^", count: max(token.count, 1))
        return "\(expression)\n\(indent)\(marks)"
    }

    /// An error in one field.
    static func field(_ kind: CronFieldKind, token: some StringProtocol, column: Int, _ problem: String) -> CronError {
        CronError(field: kind.name, token: String(token), column: column, message: problem)
    }

    /// An error about the expression as a whole (field count, macros).
    static func whole(token: some StringProtocol, column: Int, _ problem: String) -> CronError {
        CronError(field: nil, token: String(token), column: column, message: problem)
    }
}
