/// Turns the text of one cron field into the set of values it allows.
///
/// Grammar of a field: a comma-separated list of items; an item is `*`, `?` (day fields only),
/// `a`, `a-b`, each optionally followed by `/step`. `a/step` means `a` up to the field's maximum.
/// Errors carry the column of the offending item so the user can find it in a long expression.
struct CronFieldParser {
    let kind: CronFieldKind
    let text: Substring
    /// 1-based column of the field's first character in the whole expression.
    let column: Int

    func parse() throws(CronError) -> CronField {
        var values = CronValueSet()
        var offset = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let itemColumn = column + offset
            offset += item.count + 1
            guard !item.isEmpty else {
                throw .field(kind, token: text, column: column, "\"\(text)\" has an empty list item")
            }
            values.bits |= try parseItem(item, column: itemColumn).bits
        }
        if kind == .dayOfWeek, values.contains(7) {
            values.remove(7)
            values.insert(0)
        }
        let firstCharacter = text.first
        return CronField(
            kind: kind, values: values,
            startsWithStar: firstCharacter == "*" || firstCharacter == "?",
            text: text.uppercased())
    }

    private func parseItem(_ item: Substring, column: Int) throws(CronError) -> CronValueSet {
        try rejectUnsupported(item, column: column)
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw .field(kind, token: item, column: column, "\"\(item)\" has more than one '/'")
        }
        let base = parts[0]
        let step = try parts.count == 2 ? parseStep(parts[1], column: column + base.count + 1) : nil
        var range = try parseBase(base, column: column, hasStep: step != nil)
        if kind == .dayOfWeek, range.upperBound == 7, range.lowerBound == 0, step != nil {
            range = 0...6  // 0 and 7 are the same day; count it once when stepping
        }
        var values = CronValueSet()
        for value in stride(from: range.lowerBound, through: range.upperBound, by: step ?? 1) {
            values.insert(value)
        }
        return values
    }

    /// The range an item's part before `/` covers.
    private func parseBase(_ base: Substring, column: Int, hasStep: Bool) throws(CronError) -> ClosedRange<Int> {
        if base == "*" { return kind.starRange }
        if base == "?" {
            guard kind.acceptsQuestionMark else {
                throw .field(kind, token: base, column: column, "'?' is only allowed in day-of-month and day-of-week")
            }
            return kind.starRange
        }
        guard !base.isEmpty else {
            throw .field(kind, token: base, column: column, "a value is missing before '/'")
        }
        let bounds = base.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        if bounds.count == 1 {
            let value = try parseValue(base, column: column)
            return hasStep ? value...max(value, kind.starRange.upperBound) : value...value
        }
        return try parseRange(low: bounds[0], high: bounds[1], column: column)
    }

    private func parseRange(low: Substring, high: Substring, column: Int) throws(CronError) -> ClosedRange<Int> {
        guard !low.isEmpty, !high.isEmpty else {
            let item = "\(low)-\(high)"
            throw .field(kind, token: item, column: column, "\"\(item)\" is not a valid range; write it as start-end")
        }
        let start = try parseValue(low, column: column)
        var end = try parseValue(high, column: column + low.count + 1)
        if kind == .dayOfWeek, end == 0, start > 0 {
            end = 7  // FRI-SUN: Sunday closes the week
        }
        guard start <= end else {
            throw .field(kind, token: "\(low)-\(high)", column: column,
                         "range \"\(low)-\(high)\" runs backwards; write the smaller value first")
        }
        return start...end
    }

    private func parseStep(_ step: Substring, column: Int) throws(CronError) -> Int {
        let span = kind.starRange.count
        guard let value = Self.integer(step), (1...span).contains(value) else {
            throw .field(kind, token: step, column: column, "step \"\(step)\" must be a whole number from 1 to \(span)")
        }
        return value
    }

    /// A number or a name, checked against the field's bounds.
    private func parseValue(_ token: Substring, column: Int) throws(CronError) -> Int {
        if let number = Self.integer(token) {
            guard kind.bounds.contains(number) else {
                throw .field(kind, token: token, column: column, "\"\(token)\" is out of range \(kind.rangeText)")
            }
            return number
        }
        if let index = kind.names.firstIndex(of: token.uppercased()) {
            return kind.starRange.lowerBound + index
        }
        throw .field(kind, token: token, column: column, "\"\(token)\" is not a valid value; expected \(kind.rangeText)")
    }

    /// Plain decimal digits only (no signs), limited in length so huge inputs cannot overflow.
    private static func integer(_ token: Substring) -> Int? {
        guard !token.isEmpty, token.count <= 9, token.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(token)
    }

    /// Features of other cron dialects that Ticker deliberately does not implement get their own
    /// message, so a user does not think they made a typo.
    private func rejectUnsupported(_ item: Substring, column: Int) throws(CronError) {
        let upper = item.uppercased()
        let isName = kind.names.contains { upper.contains($0) }
        if upper.contains("#") {
            throw .field(kind, token: item, column: column, "'#' (nth weekday of the month) in \"\(item)\" is not supported")
        }
        if upper == "H" || upper.hasPrefix("H(") || upper.hasPrefix("H/") {
            throw .field(kind, token: item, column: column, "'H' (hashed value) in \"\(item)\" is not supported")
        }
        guard kind == .dayOfMonth || kind == .dayOfWeek, !isName else { return }
        if upper.contains("L") {
            throw .field(kind, token: item, column: column, "'L' (last day) in \"\(item)\" is not supported")
        }
        if upper.contains("W") {
            throw .field(kind, token: item, column: column, "'W' (nearest weekday) in \"\(item)\" is not supported")
        }
    }
}
