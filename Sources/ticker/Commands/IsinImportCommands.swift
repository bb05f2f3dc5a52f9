import ArgumentParser
import Foundation
import TickerCore
import TickerISIN
import TickerStore

extension IsinCommand {
    /// Imports a list once, outside the schedule: the DAG's three steps in a row.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import an ISIN list file or URL as a new snapshot, with its diff against the current one.",
            discussion: """
                The file may be plain, gzip or zip; the format is csv (header row, comma or \
                semicolon, optional BOM) or firds (ESMA FIRDS auth.017 XML). Rows with an invalid \
                ISIN are counted and reported with their line; the import is refused, and the \
                current snapshot kept, when the list is empty or lost more than --max-shrink of \
                the current one.

                Examples:
                  ticker isin import isins.csv --column name=Name --column currency=CCY
                  ticker isin import FULINS_E_20261122_01of01.zip --format firds
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A file path or an http(s):// URL.") var source: String
        @Option(help: "csv or firds.") var format = "csv"
        @Option(help: "For csv: , ; tab or auto.") var delimiter = "auto"
        @Option(name: .customLong("column"), help: "For csv: field=Title, for the fields isin, name, cfi, currency, issuer_lei (default isin=ISIN).")
        var columns: [String] = []
        @Option(help: "The largest share of the current list the new one may lack (default 0.1, or 10%).")
        var maxShrink = "10%"
        @Flag(help: "Import even when unchanged, and publish even when the list shrank (never when empty).")
        var force = false

        func run() async throws {
            let format = try listFormat()
            guard let shrink = ISINParameters.share(.string(maxShrink)) else {
                throw ValidationError("--max-shrink must be a share such as 0.1 or 10%")
            }
            let runtime = try await Runtime.open(global, syncDags: false)
            let progress = TerminalProgress()
            let snapshot = try await runtime.isin.importNow(
                source, format: format, policy: PublishPolicy(maxShrink: shrink, force: force), force: force
            ) { progress.show($0) }
            progress.done()
            guard let snapshot else { return print("unchanged: the source is the current list; nothing imported (--force to import anyway)") }
            print(SnapshotText.summary(snapshot))
            for problem in snapshot.problems.prefix(10) { print("  " + SnapshotText.problem(problem)) }
            if snapshot.problems.count > 10 { print("  … see `ticker isin snapshots --problems \(snapshot.id)`") }
        }

        private func listFormat() throws -> ListFormat {
            var fields: [String: JSONValue] = ["format": .string(format)]
            if format == "csv" {
                fields["delimiter"] = .string(delimiter)
                if !columns.isEmpty {
                    var mapping: [String: JSONValue] = ["isin": .string("ISIN")]
                    for column in columns {
                        let parts = column.split(separator: "=", maxSplits: 1).map(String.init)
                        guard parts.count == 2 else { throw ValidationError("--column \(column): write field=Title, such as name=\"Instrument Name\"") }
                        mapping[parts[0]] = .string(parts[1])
                    }
                    fields["columns"] = .object(mapping)
                }
            }
            switch ISINParameters.format(fields) {
            case .success(let format): return format
            case .failure(let found):
                throw ValidationError(found.problems.map { "--\($0.path.first ?? "format"): \($0.message)" }.joined(separator: "\n"))
            }
        }
    }

    /// Runs the ISIN DAG now, through the server like any trigger.
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync", abstract: "Run the ISIN DAG now and wait for it to end.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The DAG to run.") var dag = "isin_daily"
        @Flag(help: "Download even if unchanged, and publish even if the list shrank.") var force = false
        @Option(help: "Seconds to wait for the run to end (0: do not wait).") var wait = 3600

        func run() async throws {
            let runtime = try await Runtime.open(global)
            let directory = DataDirectory(path: runtime.settings.dataDir)
            let conf: JSONValue = force ? .object(["force": .bool(true)]) : .object([:])
            let run = try await runtime.store.trigger(dagID: dag, conf: conf, now: Date())
            print("run \(run.id) of \(dag) triggered")
            guard wait > 0 else { return }
            let deadline = Date().addingTimeInterval(TimeInterval(wait))
            var lastServed = Date()
            var shown = Set<String>()
            while Date() < deadline {
                guard let detail = try await runtime.store.run(run.id) else { break }
                for task in detail.tasks where task.state.isFinal && shown.insert(task.taskID).inserted {
                    print("  \(task.taskID): \(task.state.rawValue)" + (task.error.map { " (\($0))" } ?? ""))
                }
                if detail.run.state.isFinal {
                    print("run \(run.id): \(detail.run.state.rawValue)")
                    if detail.run.state != .succeeded { throw ExitCode.failure }
                    return
                }
                // A server that is starting takes the lock within moments; none for 10 s means
                // nobody will run this until a `ticker serve` starts.
                if directory.isServing() { lastServed = Date() }
                if Date().timeIntervalSince(lastServed) > 10 {
                    FileHandle.standardError.write(Data("Error: no `ticker serve` runs on \(directory.url.path); run \(run.id) stays queued until one starts\n".utf8))
                    throw ExitCode.failure
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            print("run \(run.id) still running after \(wait) s; follow it with `ticker runs show \(run.id)`")
            throw ExitCode.failure
        }
    }
}

/// Progress lines on standard error: rewritten in place on a terminal, one per report otherwise.
final class TerminalProgress: Sendable {
    private let isTerminal = isatty(STDERR_FILENO) == 1

    /// Progress reports (`download: …`, `import: …`) replace each other on a terminal; other
    /// lines stay.
    func show(_ line: String) {
        let isProgress = line.hasPrefix("download: ") || line.hasPrefix("import: ")
        let text = isTerminal ? "\r\u{1B}[K" + line + (isProgress ? "" : "\n") : line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    func done() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
