import TickerStore

/// The rows of an import that gave no instrument: all of them counted, the first `cap` kept with
/// their line and reason, so that a file of a million bad lines cannot bloat a snapshot.
struct ImportProblems: Sendable {
    let cap: Int
    private(set) var kept: [RowProblem] = []
    private(set) var invalid = 0
    private(set) var duplicates = 0

    init(cap: Int) {
        self.cap = max(0, cap)
    }

    mutating func invalidRow(_ problem: RowProblem) {
        invalid += 1
        keep(problem)
    }

    mutating func duplicate(_ row: DuplicateRow, file: String?) {
        duplicates += 1
        keep(RowProblem(line: row.line, file: file, input: row.isin, reason: "duplicate of line \(row.firstLine)"))
    }

    private mutating func keep(_ problem: RowProblem) {
        if kept.count < cap { kept.append(problem) }
    }
}

extension String {
    /// At most `limit` characters, marked when cut: what a report shows of a row's text.
    func clipped(to limit: Int = 60) -> String {
        count <= limit ? self : String(prefix(limit)) + "…"
    }
}
