import Foundation

/// Reading the expression text: macros, splitting into fields, and the field count.
///
/// Columns are counted in characters from 1 over the text as given (leading spaces included),
/// so an error's column matches what the user sees in their file or terminal.
extension CronExpression {
    /// What each macro stands for.
    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    private static let fiveFields: [CronFieldKind] = [.minute, .hour, .dayOfMonth, .month, .dayOfWeek]
    private static let sixFields: [CronFieldKind] = [.second] + fiveFields

    static func parse(_ text: String) throws(CronError) -> CronExpression {
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
