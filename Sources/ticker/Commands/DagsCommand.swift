import ArgumentParser
import Foundation
import TickerCore
import TickerEngine
import TickerStore

struct DagsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dags", abstract: "List, show and validate DAGs.",
        subcommands: [List.self, Show.self, Validate.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List DAGs with their state and next slot.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let runtime = try await Runtime.open(global)
            var rows: [DagSummary] = []
            for dag in try await runtime.store.dags() {
                rows.append(DagSummary(dag, lastRun: try await runtime.store.lastRun(dagID: dag.id)))
            }
            if json { return try printJSON(rows) }
            var table = TextTable("DAG", "STATE", "SCHEDULE", "NEXT SLOT", "LAST RUN")
            for row in rows {
                table.add(
                    row.id, row.state, row.schedule ?? "-", row.nextSlot?.iso ?? "-",
                    row.lastRun.map { "\($0.state) (\($0.slot.iso))" } ?? "-")
            }
            table.print()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a DAG's tasks, policies and next fire times.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The DAG id.") var dag: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let runtime = try await Runtime.open(global)
            let record = try await runtime.requireDag(dag)
            let def = record.definition
            let next = (try? def.schedule?.compile()).map { $0.fireTimes(after: Date(), through: .distantFuture, limit: 5) } ?? []
            if json { return try printJSON(DagDetail(record, nextFires: next)) }
            let zone = TimeZone(identifier: def.schedule?.timeZone ?? "UTC") ?? .gmt
            print("DAG \(def.id)\(record.paused ? " (paused)" : "")\(record.active ? "" : " (inactive: file removed)")")
            if let description = def.description { print("  \(description)") }
            print("  from:      \(def.origin)")
            print("  schedule:  \(def.schedule?.summary ?? "none (trigger only)")")
            print("  misfire:   \(def.misfire.summary), grace \(DurationText.format(def.misfireGrace))")
            print("  overlap:   \(def.overlap.rawValue), max_active_runs \(def.maxActiveRuns)")
            if let timeout = def.runTimeout { print("  run_timeout: \(DurationText.format(timeout))") }
            if !next.isEmpty { print("  next slots: " + next.map { $0.iso(in: zone) }.joined(separator: ", ")) }
            print("tasks:")
            var table = TextTable("TASK", "OPERATOR", "DEPENDS ON", "TRIGGER", "ATTEMPTS", "TIMEOUT")
            for task in def.tasks {
                table.add(
                    task.id, task.operatorName, task.dependsOn.isEmpty ? "-" : task.dependsOn.joined(separator: ","),
                    task.triggerRule.rawValue, "\(task.retry.maxAttempts)", task.timeout.map(DurationText.format) ?? "-")
            }
            table.print()
        }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check DAG files and report every problem with file, line and field.",
            discussion: "Exit status 0 when every file is valid, 1 otherwise.")
        @Argument(help: "DAG files or folders (default: the DAG folder).") var paths: [String] = []
        @Option(help: "Folder of DAG files when no path is given.") var dags: String = "dags"
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let loader = DagFileLoader(registry: .builtIn)
            var problems: [DagFileProblem] = []
            var valid: [String] = []
            for path in paths.isEmpty ? [dags] : paths {
                var isFolder: ObjCBool = false
                let url = URL(fileURLWithPath: path)
                if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                    let folder = loader.loadFolder(url)
                    problems += folder.problems
                    valid += folder.dags.map(\.id)
                } else {
                    switch loader.load(file: url) {
                    case .success(let dag): valid.append(dag.id)
                    case .failure(let errors): problems += errors.problems
                    }
                }
            }
            if json {
                try printJSON(ValidationReport(valid: valid, problems: problems.map(\.description)))
            } else {
                for problem in problems { print(problem) }
                print(problems.isEmpty ? "ok: \(valid.count) DAG(s) valid" : "\(problems.count) problem(s)")
            }
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }
}

struct ValidationReport: Encodable {
    var valid: [String]
    var problems: [String]
}
