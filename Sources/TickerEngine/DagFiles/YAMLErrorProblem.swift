import Foundation
internal import Yams

/// Turns an error from the YAML parser into a located problem with a readable message.
enum YAMLErrorProblem {
    static func make(_ error: any Error, origin: String) -> DagFileProblem {
        guard let yamlError = error as? YamlError else {
            return DagFileProblem(file: origin, message: "cannot read the file as YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, let yaml),
             .parser(let context, let problem, let mark, let yaml),
             .composer(let context, let problem, let mark, let yaml):
            let location = SourceLocation(mark).map { clamped($0, to: yaml) }
            var found = located(problem, context: context, at: location, origin: origin)
            if let location, indentsWithTab(line: location.line, in: yaml) {
                found.message += "; YAML does not allow tabs for indentation, use spaces"
            }
            return found
        case .reader(let problem, let offset, let value, let yaml):
            let location = offset.map { SourceLocation(characterOffset: $0, in: yaml) }
            let character = value >= 0 ? String(format: " (character U+%04X)", value) : ""
            return DagFileProblem(
                file: origin, line: location?.line, column: location?.column,
                message: "the file is not readable YAML text: \(problem)\(character)")
        default:
            return DagFileProblem(file: origin, message: "cannot read the file as YAML: \(yamlError)")
        }
    }

    /// The parser reports "end of input" one line past a last line without a newline; point at
    /// the end of that last line instead, which is where an editor can go.
    private static func clamped(_ location: SourceLocation, to text: String) -> SourceLocation {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line > lines.count, let last = lines.last else { return location }
        return SourceLocation(line: lines.count, column: last.unicodeScalars.count + 1)
    }

    /// Tabs in indentation are the most common cause of baffling YAML errors; worth naming.
    private static func indentsWithTab(line: Int, in text: String) -> Bool {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.indices.contains(line - 1) else { return false }
        return lines[line - 1].prefix { $0 == " " || $0 == "\t" }.contains("\t")
    }

    private static func located(
        _ problem: String, context: YamlError.Context?, at location: SourceLocation?, origin: String
    ) -> DagFileProblem {
        var message: String
        switch problem {
        case "but found another document":
            message = "a DAG file holds one YAML document, but a second one starts here (remove the `---`)"
        case "found undefined alias":
            message = "YAML syntax error: this alias (`*name`) refers to no anchor (`&name`) defined above it"
        default:
            message = "YAML syntax error: \(problem)"
            if let context, context.mark.line > 0 {
                message += " (\(context.text) started on line \(context.mark.line), column \(context.mark.column))"
            }
        }
        return DagFileProblem(file: origin, line: location?.line, column: location?.column, message: message)
    }
}
