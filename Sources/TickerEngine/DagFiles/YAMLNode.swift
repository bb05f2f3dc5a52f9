internal import Yams

/// A composed YAML node; the alias keeps Yams' `Node` from clashing with names in TickerEngine.
typealias YAMLNode = Yams.Node

extension Yams.Node {
    /// Where the node starts in the file.
    var location: SourceLocation? { SourceLocation(mark) }

    /// The resolved YAML type (`!!int`, `!!str`, ...); Yams keeps `Tag.name` internal.
    var tagName: Tag.Name { Tag.Name(rawValue: tag.description) }

    /// `null`, `~` or nothing at all: a key written without a value counts as not set.
    var isNull: Bool {
        guard case .scalar(let scalar) = self else { return false }
        return tagName == .null && (scalar.style == .plain || scalar.style == .any)
    }

    /// The text of a scalar; nil for mappings and lists.
    var text: String? {
        if case .scalar(let scalar) = self { return scalar.string }
        return nil
    }

    /// How the node reads in a message: "`abc`", "a list", "a mapping".
    var shortDescription: String {
        switch self {
        case .scalar(let scalar):
            let text = scalar.string.count > 60 ? scalar.string.prefix(57) + "..." : Substring(scalar.string)
            return isNull ? "nothing" : "`\(text)`"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// Where the scalar's text starts: one column after the opening quote of a quoted scalar.
    /// nil for block scalars (`|`, `>`), whose text starts on a later line.
    var textStart: SourceLocation? {
        guard case .scalar(let scalar) = self, var start = location else { return nil }
        switch scalar.style {
        case .singleQuoted, .doubleQuoted: start.column += 1
        case .literal, .folded: return nil
        case .plain, .any: break
        }
        return start
    }

    /// Whether this key is YAML's merge key `<<`, which splices in the pairs of another mapping.
    var isMergeKey: Bool {
        guard case .scalar(let scalar) = self else { return false }
        return scalar.string == "<<" && tagName == .merge
    }
}
