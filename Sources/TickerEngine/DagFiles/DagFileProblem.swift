/// One thing wrong with a DAG file, located as precisely as the file allows.
///
/// The description follows the `file:line:column: message` convention of compilers, so editors
/// and terminals turn it into a link to the spot.
public struct DagFileProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or folder) the problem is in, as given to the loader.
    public var file: String
    /// 1-based; nil when the problem concerns the file as a whole.
    public var line: Int?
    /// 1-based, counted in Unicode scalars like the YAML parser does.
    public var column: Int?
    /// The dotted key path, such as `tasks.parse.depends_on`; nil for file-level problems.
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `dags/x.yaml:12:5: tasks.parse.depends_on: unknown task `lod` (did you mean `load`?)`
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        if let field { text += ": \(field)" }
        return text + ": " + message
    }
}

/// Every problem found in one DAG file; the file is rejected as a whole.
public struct DagFileErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [DagFileProblem]

    public init(_ problems: [DagFileProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
