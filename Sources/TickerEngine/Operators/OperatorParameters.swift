import Foundation
import TickerCore

/// Parameter checks shared by the built-in operators, so that every operator words the same
/// mistake the same way and a DAG author sees one consistent style of message.
public enum ParameterCheck {
    /// The parameters as a mapping (no `with:` at all counts as an empty one), or nil.
    public static func fields(_ params: JSONValue) -> [String: JSONValue]? {
        params == .null ? [:] : params.objectValue
    }

    public static let notAMapping = ParameterProblem(path: [], "parameters must be a mapping")

    public static func unknownKeys(_ fields: [String: JSONValue], allowed: [String]) -> [ParameterProblem] {
        let list = allowed.sorted().joined(separator: ", ")
        return fields.keys.sorted().filter { !allowed.contains($0) }.map {
            ParameterProblem(path: [$0], "unknown parameter (allowed: \(list))")
        }
    }

    public static func requiredString(_ fields: [String: JSONValue], _ key: String) -> [ParameterProblem] {
        guard let value = fields[key] else { return [ParameterProblem(path: [key], "is required")] }
        return nonEmptyString(value, path: [key])
    }

    public static func optionalString(_ fields: [String: JSONValue], _ key: String) -> [ParameterProblem] {
        fields[key].map { nonEmptyString($0, path: [key]) } ?? []
    }

    public static func nonEmptyString(_ value: JSONValue, path: [String]) -> [ParameterProblem] {
        guard let text = value.stringValue else { return [ParameterProblem(path: path, "must be a string")] }
        if text.isEmpty { return [ParameterProblem(path: path, "must not be empty")] }
        if text.contains("\0") { return [ParameterProblem(path: path, "must not contain a NUL character")] }
        return []
    }

    /// A mapping of strings to strings. Numbers are refused rather than converted, so that
    /// `PORT: 08080` in YAML cannot silently become `8080`.
    public static func stringMapping(_ fields: [String: JSONValue], _ key: String) -> [ParameterProblem] {
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

    /// A duration: text such as `"30s"`, `"1m30s"` or `"500ms"`, or a number of seconds.
    public static func duration(_ fields: [String: JSONValue], _ key: String, allowZero: Bool) -> [ParameterProblem] {
        guard let value = fields[key] else { return [] }
        do {
            let duration = try DurationParameter.parse(value)
            if !allowZero, duration == .zero {
                return [ParameterProblem(path: [key], "must be longer than zero")]
            }
            return []
        } catch {
            return [ParameterProblem(path: [key], error.message)]
        }
    }

    /// Throws the problems as one `OperatorError`, for `init(params:)`.
    public static func require(_ problems: [ParameterProblem], operator name: String) throws {
        guard !problems.isEmpty else { return }
        throw OperatorError("invalid \(name) parameters: " + problems.map(\.description).joined(separator: "; "))
    }
}

/// Durations in operator parameters: text as `DurationText` reads it (`"90s"`, `"1m30s"`,
/// `"500ms"`), or a JSON number of seconds, which is what `OperatorSpec` writes for DAGs built
/// in Swift and what a plain `timeout: 30` in YAML becomes.
public enum DurationParameter {
    public static func parse(_ value: JSONValue) throws(OperatorError) -> Duration {
        switch value {
        case .string(let text):
            do {
                return try DurationText.parse(text)
            } catch {
                throw OperatorError(error.description)
            }
        case .number(let seconds):
            guard seconds >= 0 else { throw OperatorError("must not be negative") }
            guard seconds < 1e12 else { throw OperatorError("is too large") }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        default:
            throw OperatorError(#"must be a duration such as "30s", "5m" or "500ms", or a number of seconds"#)
        }
    }
}
