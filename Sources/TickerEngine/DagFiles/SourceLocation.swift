internal import Yams

/// A 1-based line and column in a DAG file.
struct SourceLocation: Hashable, Sendable {
    var line: Int
    var column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Yams reports `0:0` when it has no position; that is no location at all.
    init?(_ mark: Mark?) {
        guard let mark, mark.line > 0 else { return nil }
        self.init(line: mark.line, column: max(mark.column, 1))
    }

    /// The location of the `offset`-th character of `text`, for errors reported by offset.
    init(characterOffset offset: Int, in text: String) {
        var line = 1, column = 1
        for character in text.prefix(max(offset, 0)) {
            if character.isNewline { line += 1; column = 1 } else { column += character.unicodeScalars.count }
        }
        self.init(line: line, column: column)
    }
}

/// Where each key path of a DAG file was written: the key itself and its value.
///
/// Problems found after reading (by `DagDefinition.validate()` or an operator's parameter check)
/// only know a field path; this map turns the path back into a line and column.
struct FieldLocations {
    struct Entry {
        var key: SourceLocation?
        var value: SourceLocation?
        /// Where a one-line scalar's text starts (after an opening quote), to point into it.
        var textStart: SourceLocation?
    }

    private var entries: [[String]: Entry] = [:]

    mutating func record(_ path: [String], _ entry: Entry) {
        entries[path] = entry
    }

    subscript(path: [String]) -> Entry? {
        entries[path]
    }

    /// The entry of `path` or, failing that, of its nearest recorded ancestor, with the path found.
    func nearest(_ path: [String]) -> (path: [String], entry: Entry)? {
        var candidate = path
        while true {
            if let entry = entries[candidate] { return (candidate, entry) }
            guard !candidate.isEmpty else { return nil }
            candidate.removeLast()
        }
    }
}
