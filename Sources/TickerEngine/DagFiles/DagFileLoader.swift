import Foundation
import TickerCore

/// Reads DAG definitions from YAML files (the format is described in docs/dag-files.md).
///
/// A file either loads completely or not at all, and a rejected file comes with every problem
/// found in it, each with file, line, column and key path, so one edit-and-reload cycle fixes
/// them all. Malformed input of any kind yields problems, never a crash.
public struct DagFileLoader: Sendable {
    /// Operators a task may name; parameters are checked by the operator's own `validate`.
    public let registry: OperatorRegistry

    public init(registry: OperatorRegistry) {
        self.registry = registry
    }

    /// Loads one file; `DagDefinition.origin` is the file's path as given.
    public func load(file: URL) -> Result<DagDefinition, DagFileErrors> {
        read(file: file).result
    }

    /// Loads a DAG from text; `origin` names it in problems and becomes `DagDefinition.origin`.
    public func load(text: String, origin: String) -> Result<DagDefinition, DagFileErrors> {
        read(text: text, origin: origin).result
    }

    func read(file: URL) -> FileReading {
        let origin = file.relativePath
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            return FileReading(origin: origin, problems: [
                DagFileProblem(file: origin, message: "cannot read the file: \(error.localizedDescription)"),
            ])
        }
        switch TextDecoding.utf8(data) {
        case .success(let text):
            return read(text: text, origin: origin)
        case .failure(let invalid):
            let location = invalid.location
            return FileReading(origin: origin, problems: [DagFileProblem(
                file: origin, line: location.line, column: location.column,
                message: "the file is not UTF-8 text (a DAG file must be YAML saved as UTF-8)")])
        }
    }

    func read(text: String, origin: String) -> FileReading {
        switch YAMLComposer.compose(text, origin: origin) {
        case .failure(let errors):
            return FileReading(origin: origin, problems: errors.problems)
        case .success(let composed):
            guard let root = composed.root else {
                return FileReading(origin: origin, problems: [DagFileProblem(
                    file: origin, message: "the file is empty; a DAG file needs at least the keys `dag` and `tasks`")])
            }
            return read(root, composed: composed, origin: origin)
        }
    }

    private func read(_ root: YAMLNode, composed: ComposedYAML, origin: String) -> FileReading {
        var reader = NodeReader(origin: origin, duplicateMarkers: Set(composed.duplicates.map(\.marker)))
        let definition = reader.dag(root, registry: registry)
        let duplicates = composed.duplicates.map { marker, duplicate in
            let field = reader.duplicateParents[marker].map { ($0 + [duplicate.key]).joined(separator: ".") }
            return YAMLComposer.problem(duplicate, field: field, origin: origin)
        }
        var problems = duplicates + reader.problems
        if let definition {
            problems += validationProblems(definition, reader: reader, alreadyReported: problems)
        }
        return FileReading(
            origin: origin, definition: definition, problems: Self.ordered(problems),
            idLocation: reader.locations[["dag"]]?.value)
    }

    /// `validate()`'s problems, placed in the file; a field the reader already complained about
    /// is skipped, since its value was replaced by a default and the complaint would mislead.
    private func validationProblems(
        _ definition: DagDefinition, reader: NodeReader, alreadyReported: [DagFileProblem]
    ) -> [DagFileProblem] {
        let reported = Set(alreadyReported.compactMap(\.field))
        let placement = ProblemPlacement(origin: reader.origin, locations: reader.locations, definition: definition)
        return definition.validate().map(placement.place).filter { problem in
            problem.field.map { !reported.contains($0) } ?? true
        }
    }

    /// In file order, without repeats (a bad default reported once, not once per task).
    static func ordered(_ problems: [DagFileProblem]) -> [DagFileProblem] {
        var seen = Set<DagFileProblem>()
        let unique = problems.filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { a, b in
            (a.element.line ?? 0, a.element.column ?? 0, a.offset) < (b.element.line ?? 0, b.element.column ?? 0, b.offset)
        }.map(\.element)
    }
}

/// The outcome of reading one file, with what folder loading needs beyond the result.
struct FileReading {
    let origin: String
    var definition: DagDefinition?
    var problems: [DagFileProblem]
    /// Where the DAG id was written, to point at it when another file uses the same id.
    var idLocation: SourceLocation?

    init(origin: String, definition: DagDefinition? = nil, problems: [DagFileProblem], idLocation: SourceLocation? = nil) {
        self.origin = origin
        self.definition = definition
        self.problems = problems
        self.idLocation = idLocation
    }

    var result: Result<DagDefinition, DagFileErrors> {
        guard problems.isEmpty, let definition else {
            return .failure(DagFileErrors(problems))
        }
        return .success(definition)
    }
}
