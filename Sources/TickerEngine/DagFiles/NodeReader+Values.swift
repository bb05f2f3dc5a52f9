import Foundation
import TickerCore
internal import Yams

/// Typed values. Each returns nil for a value that is not set (`key:` or `key: null`) and,
/// after reporting, for a value of the wrong kind.
extension NodeReader {
    /// Any scalar, read as its text: `description: 2026` is the text "2026".
    mutating func string(_ entry: YAMLEntry) -> String? {
        guard !entry.value.isNull else { return nil }
        guard let text = entry.value.text else {
            reportValue(entry, expected: "a string")
            return nil
        }
        return text
    }

    /// A decimal whole number. YAML 1.1's octal, hex and base-60 forms are refused on purpose:
    /// `retries: 010` meaning 8 surprises everyone.
    mutating func int(_ entry: YAMLEntry) -> Int? {
        guard !entry.value.isNull else { return nil }
        guard let text = entry.value.text, let number = Int(text.replacingOccurrences(of: "_", with: "")) else {
            reportValue(entry, expected: "a whole number")
            return nil
        }
        return number
    }

    mutating func bool(_ entry: YAMLEntry) -> Bool? {
        guard !entry.value.isNull else { return nil }
        switch entry.value.text?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            reportValue(entry, expected: "true or false")
            return nil
        }
    }

    mutating func duration(_ entry: YAMLEntry) -> Duration? {
        guard !entry.value.isNull else { return nil }
        guard let text = entry.value.text else {
            reportValue(entry, expected: "a duration like 30s, 15m or 1h30m")
            return nil
        }
        do {
            return try DurationText.parse(text)
        } catch {
            report("expected a duration like 30s, 15m or 1h30m, got `\(text)` (\(error))",
                   field: entry.path, at: entry.value.location)
            return nil
        }
    }

    mutating func date(_ entry: YAMLEntry) -> Date? {
        guard !entry.value.isNull else { return nil }
        let expected = "an ISO 8601 date-time like \(ISO8601Text.example)"
        guard let text = entry.value.text else {
            reportValue(entry, expected: expected)
            return nil
        }
        switch ISO8601Text.parse(text) {
        case .success(let date):
            return date
        case .failure(.missingOffset):
            report("`\(text)` needs a UTC offset, such as `Z` or `+01:00`", field: entry.path, at: entry.value.location)
        case .failure(.outOfRange):
            report("`\(text)` is not a real date and time", field: entry.path, at: entry.value.location)
        case .failure(.malformed):
            reportValue(entry, expected: expected)
        }
        return nil
    }

    /// One of a fixed set of words; the message lists them and suggests the closest.
    mutating func choice<Value>(_ entry: YAMLEntry, _ options: [(name: String, value: Value)]) -> Value? {
        guard !entry.value.isNull else { return nil }
        let names = options.map(\.name)
        if let text = entry.value.text, let match = options.first(where: { $0.name == text }) {
            return match.value
        }
        var message = "unknown value \(entry.value.shortDescription)"
        if let text = entry.value.text, let hint = ClosestNames.hint(for: text, among: names) {
            message += " (\(hint))"
        }
        report(message + "; expected one of: \(names.joined(separator: ", "))", field: entry.path, at: entry.value.location)
        return nil
    }

    /// A list of strings; with `allowSingle`, a lone string counts as a list of one.
    mutating func strings(_ entry: YAMLEntry, allowSingle: Bool) -> [String]? {
        guard !entry.value.isNull else { return nil }
        if allowSingle, let single = entry.value.text { return [single] }
        guard case .sequence(let items) = entry.value else {
            reportValue(entry, expected: allowSingle ? "a string or a list of strings" : "a list of strings")
            return nil
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.text, !item.isNull else {
                report("expected a string, got \(item.shortDescription)",
                       field: entry.path + ["\(index)"], at: item.location)
                continue
            }
            result.append(text)
        }
        return result
    }
}
