import Foundation
import TickerCore

/// Parameter checks shared by the built-in operators, so that every operator words the same
/// mistake the same way and a DAG author sees one consistent style of message.
enum ParameterCheck {
    /// The parameters as a mapping (no `with:` at all counts as an empty one), or nil.
    static func fields(_ params: JSONValue) -> [String: JSONValue]? {
        params == .null ? [:] : params.objectValue
    }

    static let notAMapping = ParameterProblem(path: [], "parameters must be a mapping")

    static func unknownKeys(_ fields: [String: JSONValue], allowed: [String]) -> [ParameterProblem] {
        let list = allowed.sorted().joined(separator: ", ")
        return fields.keys.sorted().filter { !allowed.contains($0) }.map {
            ParameterProblem(path: [$0], "unknown parameter (allowed: \(list))")
        }
    }

    static func requiredString(_ fields: [String: JSONValue], _ key: String) -> [ParameterProblem] {
        guard let value = fields[key] else { return [ParameterProblem(path: [key], "is required")] }
        return nonEmptyString(value, path: [key])
    }

    static func optionalString(_ fields: [String: JSONValue], _ key: String) -> [ParameterProblem] {
        fields[key].map { nonEmptyString($0, path: [key]) } ?? []
    }

    static func nonEmptyString(_ value: JSONValue, path: [String]) -> [ParameterProblem] {
        guard let text = value.stringValue else { return [ParameterProblem(path: path, "must be a string")] }
        if text.isEmpty { return [ParameterProblem(path: path, "must not be empty")] }
        if text.contains("\0") { return [ParameterProblem(path: path, "must not contain a NUL character")] }
        return []
    }

    /// A mapping of strings to strings. Numbers are refused rather than converted, so that
    /// `PORT: 08080` in YAML cannot silently become `8080`.
    static func stringMapping(_ fields: [String: JSONValue], _ key: String) -> [ParameterProblem] {
        guard let value = fields[key] else { return [] }
        guard let mapping = value.objectValue else {
            return [ParameterProblem(path: [key], "must be a mapping of names to strings")]
        }
        return mapping.keys.sorted().flatMap { name -> [ParameterProblem] in
            guard let text = mapping[name]?.stringValue else {
                return [ParameterProblem(path: [key, name], "must be a string (quote numbers and booleans in YAML)")]
            }
            return text.contains("\0") ? [ParameterProblem(path: [key, name], "must not contain a NUL character")] : []
        }
    }

    /// A duration such as `"5s"`, `"1m30s"` or `"500ms"`, or a number of seconds.
    static func duration(_ fields: [String: JSONValue], _ key: String, allowZero: Bool) -> [ParameterProblem] {
        guard let value = fields[key] else { return [] }
        guard let duration = DurationParameter.parse(value) else {
            return [ParameterProblem(path: [key], "must be a duration such as \"30s\", \"5m\" or \"500ms\", or a number of seconds")]
        }
        if duration < .zero || (!allowZero && duration == .zero) {
            return [ParameterProblem(path: [key], allowZero ? "must not be negative" : "must be longer than zero")]
        }
        return []
    }

    /// Throws the problems as one `OperatorError`, for `init(params:)`.
    static func require(_ problems: [ParameterProblem], operator name: String) throws {
        guard !problems.isEmpty else { return }
        throw OperatorError("invalid \(name) parameters: " + problems.map(\.description).joined(separator: "; "))
    }
}

/// Durations in operator parameters: a JSON number of seconds, or text made of `<number><unit>`
/// parts with units `ms`, `s`, `m`, `h` (`"1m30s"`); plain numeric text counts as seconds.
enum DurationParameter {
    static func parse(_ value: JSONValue) -> Duration? {
        if let seconds = value.numberValue {
            return milliseconds(seconds * 1000)
        }
        guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text) {
            return parse(.number(seconds))
        }
        return parseUnits(Substring(text))
    }

    private static let units: [(suffix: String, milliseconds: Double)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000),
    ]

    private static func parseUnits(_ text: Substring) -> Duration? {
        var rest = text
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unitText.count)
            guard let amount = Double(number), let unit = units.first(where: { $0.suffix == unitText }) else {
                return nil
            }
            total += amount * unit.milliseconds
        }
        return milliseconds(total)
    }

    /// Short text for messages: `500ms`, `30s`, `1.5s`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds % 1000 == 0 { return "\(seconds)s" }
        return "\(Double(milliseconds) / 1000)s"
    }

    /// Nil for values no schedule could mean (and that would overflow `Int64`).
    private static func milliseconds(_ value: Double) -> Duration? {
        guard value.isFinite, abs(value) < 1e15 else { return nil }
        return .milliseconds(Int64(value.rounded()))
    }
}
