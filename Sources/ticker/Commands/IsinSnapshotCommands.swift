import ArgumentParser
import Foundation
import TickerISIN
import TickerStore

extension IsinCommand {
    struct Snapshots: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "snapshots", abstract: "List the published snapshots, newest first, and the latest fetches.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "At most this many.") var limit = 20
        @Option(help: "Print the kept problem rows of this snapshot instead.") var problems: Int64?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await Runtime.open(global, syncDags: false).isin.store
            if let id = problems {
                guard let snapshot = try await store.snapshot(id) else { throw ISINStoreError.snapshotNotFound(id) }
                if json { return try printJSON(snapshot.problems.map(ProblemView.init)) }
                if snapshot.problems.isEmpty { return print("(none)") }
                for problem in snapshot.problems { print(SnapshotText.problem(problem)) }
                return
            }
            let snapshots = try await store.snapshots(limit: max(1, limit))
            if json { return try printJSON(snapshots.map(SnapshotView.init)) }
            var table = TextTable("ID", "PUBLISHED", "VALID", "INVALID", "DUP", "ADDED", "REMOVED", "CHANGED", "SOURCE")
            for s in snapshots {
                table.add("\(s.id)", s.publishedAt.iso, "\(s.counts.valid)", "\(s.counts.invalid)", "\(s.counts.duplicate)",
                          "\(s.added)", "\(s.removed)", "\(s.changed)", s.source)
            }
            table.print()
            let fetches = try await store.fetches(limit: 5)
            guard !fetches.isEmpty else { return }
            print("\nlatest fetches:")
            for fetch in fetches {
                print("  \(fetch.at.iso)  \(fetch.outcome.rawValue)" + (fetch.message.map { ": \($0)" } ?? ""))
            }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff", abstract: "What changed between two snapshots (default: the current one and the one before).",
            discussion: "Lines start with + (added), - (removed) or ~ (changed, with each changed field).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The older snapshot (0: empty, so everything is added).") var from: Int64?
        @Option(help: "The newer snapshot (default: the current one).") var to: Int64?
        @Flag(help: "One JSON object per line: isin, change, before, after.") var json = false

        func run() async throws {
            let store = try await Runtime.open(global, syncDags: false).isin.store
            guard let current = try await store.currentSnapshot() else { throw ValidationError("there are no snapshots yet") }
            let to = to ?? current.id
            let from = from ?? to - 1
            for id in [from, to] where id != 0 {
                guard try await store.snapshot(id) != nil else { throw ISINStoreError.snapshotNotFound(id) }
            }
            guard from <= to else { throw ValidationError("--from \(from) is newer than --to \(to)") }
            var output = OutputBuffer()
            var after: String?
            let page = 5_000
            while true {
                let entries = try await store.diff(from: from, to: to, after: after, limit: page)
                for entry in entries {
                    output.append(json ? try DiffLine.json(entry) : DiffLine.text(entry))
                    output.append("\n")
                    try output.flushIfFull()
                }
                guard entries.count == page else { break }
                after = entries.last?.isin
            }
            try output.flush()
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Write a snapshot's instruments, ordered by ISIN, as CSV or JSON lines.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The snapshot (default: the current one).") var snapshot: Int64?
        @Option(help: "csv or jsonl.") var format = "csv"

        func run() async throws {
            guard format == "csv" || format == "jsonl" else { throw ValidationError("--format must be csv or jsonl") }
            let store = try await Runtime.open(global, syncDags: false).isin.store
            let current = try await store.currentSnapshot()?.id
            guard let id = snapshot ?? current else {
                throw ValidationError("there are no snapshots yet")
            }
            guard try await store.snapshot(id) != nil else { throw ISINStoreError.snapshotNotFound(id) }
            var output = OutputBuffer()
            if format == "csv" { output.append("isin,name,cfi,currency,issuer_lei\n") }
            var after: String?
            let page = 10_000
            while true {
                let instruments = try await store.instruments(snapshot: id, after: after, limit: page)
                for instrument in instruments {
                    output.append(format == "csv" ? CSVLine.row(instrument) : try DiffLine.encode(InstrumentView(instrument)))
                    output.append("\n")
                    try output.flushIfFull()
                }
                guard instruments.count == page else { break }
                after = instruments.last?.isin
            }
            try output.flush()
        }
    }
}

/// How snapshots read in text.
enum SnapshotText {
    static func summary(_ s: SnapshotRecord) -> String {
        "snapshot #\(s.id): \(s.counts.valid) instruments (\(s.counts.invalid) invalid rows, \(s.counts.duplicate) duplicates); "
            + "\(s.added) added, \(s.removed) removed, \(s.changed) changed"
    }

    static func problem(_ p: RowProblem) -> String {
        (p.file.map { "\($0) " } ?? "") + "line \(p.line): \(p.reason)" + (p.input.map { " (\($0))" } ?? "")
    }
}

struct ProblemView: Encodable {
    var line: Int
    var file: String?
    var input: String?
    var reason: String

    init(_ p: RowProblem) {
        line = p.line
        file = p.file
        input = p.input
        reason = p.reason
    }
}

struct SnapshotView: Encodable {
    var id: Int64
    var source: String
    var format: String
    var fetchedAt: Date
    var publishedAt: Date
    var sha256: String?
    var bytes: Int64?
    var valid: Int
    var invalid: Int
    var duplicate: Int
    var added: Int
    var removed: Int
    var changed: Int

    enum CodingKeys: String, CodingKey {
        case id, source, format, sha256, bytes, valid, invalid, duplicate, added, removed, changed
        case fetchedAt = "fetched_at"
        case publishedAt = "published_at"
    }

    init(_ s: SnapshotRecord) {
        id = s.id
        source = s.source
        format = s.format
        fetchedAt = s.fetchedAt
        publishedAt = s.publishedAt
        sha256 = s.sha256
        bytes = s.bytes
        valid = s.counts.valid
        invalid = s.counts.invalid
        duplicate = s.counts.duplicate
        added = s.added
        removed = s.removed
        changed = s.changed
    }
}

/// One line of `ticker isin diff`.
enum DiffLine {
    struct View: Encodable {
        var isin: String
        var change: String
        var before: InstrumentView?
        var after: InstrumentView?
    }

    static func text(_ entry: DiffEntry) -> String {
        switch entry.kind {
        case .added: return "+ \(entry.isin)  \(entry.after?.name ?? "")"
        case .removed: return "- \(entry.isin)  \(entry.before?.name ?? "")"
        case .changed:
            guard let before = entry.before, let after = entry.after else { return "~ \(entry.isin)" }
            return "~ \(entry.isin)  " + after.changes(from: before)
        }
    }

    static func json(_ entry: DiffEntry) throws -> String {
        try encode(View(
            isin: entry.isin, change: entry.kind.rawValue,
            before: entry.before.map { InstrumentView(isin: entry.isin, $0) },
            after: entry.after.map { InstrumentView(isin: entry.isin, $0) }))
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

}

extension InstrumentAttributes {
    /// `name: "Apple Inc." → "Apple Incorporated"; currency: …`, for each field that differs from
    /// `before`: how `diff` and `show` word a change.
    func changes(from before: InstrumentAttributes) -> String {
        changedFields(from: before).map { "\($0): \(before.quoted($0)) → \(quoted($0))" }.joined(separator: "; ")
    }

    /// The field's value as text shows it: quoted, or `none`.
    private func quoted(_ field: String) -> String {
        let text: String? = switch field {
        case "name": name
        case "cfi": cfi
        case "currency": currency
        default: issuerLEI
        }
        return text.map { "\"\($0)\"" } ?? "none"
    }
}

/// RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled.
enum CSVLine {
    static func row(_ instrument: Instrument) -> String {
        let a = instrument.attributes
        return [instrument.isin, a.name, a.cfi, a.currency, a.issuerLEI].map { field($0 ?? "") }.joined(separator: ",")
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
