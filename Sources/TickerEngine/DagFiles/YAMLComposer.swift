internal import Yams

/// A key written twice in one mapping; the second one was renamed to `marker` to read on.
struct DuplicateKey {
    let key: String
    let first: SourceLocation?
    let second: SourceLocation
}

/// A composed YAML document and the duplicate keys found on the way.
struct ComposedYAML {
    /// nil for a file with nothing but comments and blank lines.
    var root: YAMLNode?
    /// By marker: the renamed duplicates, in the order they were found.
    var duplicates: [(marker: String, duplicate: DuplicateKey)]
}

/// Turns text into YAML nodes with line and column marks, and YAML errors into located problems.
///
/// Yams stops at the first duplicate key. To still report every other problem in the file, the
/// composer finds the second occurrence in the text, renames it to a marker the readers skip,
/// and composes again.
enum YAMLComposer {
    /// Enough for any real file; bounds the work on a pathological one.
    static let maxDuplicateRecoveries = 50

    static func compose(_ text: String, origin: String) -> Result<ComposedYAML, DagFileErrors> {
        var current = text
        var duplicates: [(marker: String, duplicate: DuplicateKey)] = []
        while true {
            do {
                let root = try Yams.compose(yaml: current)
                return .success(ComposedYAML(root: root, duplicates: duplicates))
            } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
                let first = SourceLocation(context.mark)
                let key = keys.first ?? ""
                let marker = "__ticker_duplicate_\(duplicates.count)__"
                guard duplicates.count < maxDuplicateRecoveries, let first,
                      let found = DuplicateKeyLocator.rename(key, after: first, in: current, to: marker) else {
                    return .failure(DagFileErrors(duplicates.map { problem($0.duplicate, field: nil, origin: origin) }
                        + [unrecoverableDuplicate(key, at: first, origin: origin)]))
                }
                current = found.text
                duplicates.append((marker, DuplicateKey(key: key, first: first, second: found.location)))
            } catch {
                return .failure(DagFileErrors([YAMLErrorProblem.make(error, origin: origin)]))
            }
        }
    }

    /// The problem for a recovered duplicate key, with the path of its mapping if known.
    static func problem(_ duplicate: DuplicateKey, field: String?, origin: String) -> DagFileProblem {
        let firstLine = duplicate.first.map { " (first written on line \($0.line))" } ?? ""
        return DagFileProblem(
            file: origin, line: duplicate.second.line, column: duplicate.second.column, field: field,
            message: "duplicate key `\(duplicate.key)`\(firstLine); each key may appear once per mapping")
    }

    private static func unrecoverableDuplicate(_ key: String, at first: SourceLocation?, origin: String) -> DagFileProblem {
        DagFileProblem(
            file: origin, line: first?.line, column: first?.column,
            message: "duplicate key `\(key)`: it is written more than once in this mapping")
    }
}
