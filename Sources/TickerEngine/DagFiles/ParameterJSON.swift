import TickerCore
internal import Yams

extension NodeReader {
    /// The most values `with:` may expand to. YAML aliases can multiply a few lines into billions
    /// of values; the limit keeps one hostile file from exhausting the scheduler's memory.
    static let parameterValueLimit = 100_000

    /// Turns the value of a `with:` key into the JSON an operator receives, recording where each
    /// nested key was written so operator parameter problems can point at their line.
    mutating func parameters(_ entry: YAMLEntry) -> JSONValue {
        guard !entry.value.isNull else { return .object([:]) }
        var budget = Self.parameterValueLimit
        return json(entry.value, at: entry.path, budget: &budget)
    }

    private mutating func json(_ node: YAMLNode, at path: [String], budget: inout Int) -> JSONValue {
        budget -= 1
        if budget == 0 {
            report("too many values (more than \(Self.parameterValueLimit), counting each alias expansion)",
                   field: path, at: node.location)
        }
        guard budget > 0 else { return .null }
        switch node {
        case .scalar:
            return Self.scalarJSON(node)
        case .sequence(let sequence):
            return .array(sequence.enumerated().map { index, item in
                record(path + ["\(index)"], key: nil, value: item)
                return json(item, at: path + ["\(index)"], budget: &budget)
            })
        case .mapping:
            let entries = entries(of: node, at: path, allowed: nil, expecting: "a mapping") ?? []
            var object: [String: JSONValue] = [:]
            for entry in entries {
                object[entry.key] = json(entry.value, at: entry.path, budget: &budget)
            }
            return .object(object)
        case .alias:
            return .null
        }
    }

    /// Quoted text stays text (`"8080"` is a string); plain scalars take their YAML type.
    private static func scalarJSON(_ node: YAMLNode) -> JSONValue {
        guard case .scalar(let scalar) = node else { return .null }
        if scalar.style != .plain && scalar.style != .any { return .string(scalar.string) }
        switch node.tagName {
        case .null:
            return .null
        case .bool:
            return .bool(["true", "yes", "on"].contains(scalar.string.lowercased()))
        case .int, .float:
            let cleaned = scalar.string.replacingOccurrences(of: "_", with: "")
            guard let number = Double(cleaned), number.isFinite else { return .string(scalar.string) }
            return .number(number)
        default:
            return .string(scalar.string)
        }
    }
}
