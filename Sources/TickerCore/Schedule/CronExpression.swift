import Foundation

/// A parsed cron expression: 5 fields (minute hour day-of-month month day-of-week), or 6 with a
/// leading seconds field, or one of the macros `@yearly`, `@annually`, `@monthly`, `@weekly`,
/// `@daily`, `@midnight`, `@hourly`.
///
/// Parsing happens once; the fields are kept as bit sets so that computing fire times is cheap.
/// See `nextFire(after:in:)` for how wall times map to instants around daylight saving changes.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression normalized: fields separated by single spaces, names upper-cased,
    /// macros lower-cased.
    public let description: String
    /// Whether the expression has the leading seconds field.
    public let hasSeconds: Bool

    let seconds: CronValueSet
    let minutes: CronValueSet
    let hours: CronValueSet
    let daysOfMonth: CronValueSet
    let months: CronValueSet
    /// 0 = Sunday ... 6 = Saturday (7 has been folded into 0).
    let daysOfWeek: CronValueSet
    /// Day-of-month and day-of-week combine with AND when either starts with `*` or `?`,
    /// and with OR when both are restricted.
    let daysCombineWithOr: Bool

    public init(_ text: String) throws(CronError) {
        do {
            self = try Self.parse(text)
        } catch var error {
            error.expression = text
            throw error
        }
    }

    /// Whether the hour field matches all 24 hours (fire-at-every-matching-instant semantics).
    public var coversAllHours: Bool { hours.covers(0...23) }

    /// Whether any date at all matches (`0 0 31 2 *` never does).
    ///
    /// Only the day fields can rule out every date. When both are restricted they combine with
    /// OR and some weekday always comes; otherwise some allowed day must exist in some allowed
    /// month (February counted with 29 days). A date that exists then eventually falls on every
    /// weekday, so a weekday restriction on top cannot make the expression impossible.
    public var canFire: Bool {
        if daysCombineWithOr { return true }
        return (1...12).contains { month in
            months.contains(month)
                && daysOfMonth.first(atOrAfter: 1).map { $0 <= CivilDate.maximumDays(inMonth: month) } == true
        }
    }

    private init(fields: [CronField], description: String) {
        let byKind = Dictionary(uniqueKeysWithValues: fields.map { ($0.kind, $0) })
        let dayOfMonth = byKind[.dayOfMonth]!
        let dayOfWeek = byKind[.dayOfWeek]!
        self.description = description
        hasSeconds = byKind[.second] != nil
        seconds = byKind[.second]?.values ?? CronValueSet(0...0)
        minutes = byKind[.minute]!.values
        hours = byKind[.hour]!.values
        daysOfMonth = dayOfMonth.values
        months = byKind[.month]!.values
        daysOfWeek = dayOfWeek.values
        daysCombineWithOr = !dayOfMonth.startsWithStar && !dayOfWeek.startsWithStar
    }
}

// MARK: - Parsing

extension CronExpression {
    /// What each macro stands for.
    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    private static let fiveFields: [CronFieldKind] = [.minute, .hour, .dayOfMonth, .month, .dayOfWeek]
    private static let sixFields: [CronFieldKind] = [.second] + fiveFields

    private static func parse(_ text: String) throws(CronError) -> CronExpression {
        let words = splitWords(text)
        guard let first = words.first else {
            throw .whole(token: text, column: 1,
                         "the expression is empty; expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with leading seconds)")
        }
        if first.text.hasPrefix("@") { return try parseMacro(words) }
        let kinds: [CronFieldKind]
        switch words.count {
        case 5: kinds = fiveFields
        case 6: kinds = sixFields
        default:
            let column = words.count > 6 ? words[6].column : first.column
            throw .whole(token: text.trimmingCharacters(in: .whitespacesAndNewlines), column: column,
                         "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with leading seconds), found \(words.count)")
        }
        var fields: [CronField] = []
        for (kind, word) in zip(kinds, words) {
            fields.append(try CronFieldParser(kind: kind, text: word.text, column: word.column).parse())
        }
        return CronExpression(fields: fields, description: fields.map(\.text).joined(separator: " "))
    }

    private static func parseMacro(_ words: [Word]) throws(CronError) -> CronExpression {
        let macro = words[0]
        let name = macro.text.lowercased()
        if words.count > 1 {
            throw .whole(token: words[1].text, column: words[1].column, "the macro \(macro.text) takes no fields after it")
        }
        if name == "@reboot" {
            throw .whole(token: macro.text, column: macro.column,
                         "@reboot is not supported: schedules follow the clock, not process start-up")
        }
        guard let expansion = macros[name] else {
            throw .whole(token: macro.text, column: macro.column,
                         "unknown macro \"\(macro.text)\"; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
        }
        var fields: [CronField] = []
        for (kind, word) in zip(fiveFields, splitWords(expansion)) {
            fields.append(try CronFieldParser(kind: kind, text: word.text, column: word.column).parse())
        }
        return CronExpression(fields: fields, description: name)
    }

    /// A whitespace-separated word with the 1-based column where it starts.
    private struct Word {
        var text: Substring
        var column: Int
    }

    private static func splitWords(_ text: String) -> [Word] {
        var words: [Word] = []
        var column = 1
        var start: String.Index?
        var startColumn = 1
        for index in text.indices {
            let isSpace = text[index].isWhitespace
            if isSpace, let wordStart = start {
                words.append(Word(text: text[wordStart..<index], column: startColumn))
                start = nil
            } else if !isSpace, start == nil {
                start = index
                startColumn = column
            }
            column += 1
        }
        if let wordStart = start {
            words.append(Word(text: text[wordStart...], column: startColumn))
        }
        return words
    }
}
