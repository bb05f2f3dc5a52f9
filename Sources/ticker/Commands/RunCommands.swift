import ArgumentParser
import Foundation
import TickerCore
import TickerStore

struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger", abstract: "Start a run of a DAG now (queued if the DAG is at its concurrency limit).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The DAG id.") var dag: String
    @Option(help: "Run configuration as a JSON object, given to every task.") var conf: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let config = try parseConf()
        let runtime = try await Runtime.open(global)
        let run = try await runtime.store.trigger(dagID: dag, conf: config, now: Date())
        try await runtime.audit("dag.trigger", target: "dag:\(dag)")
        if json { return try printJSON(RunView(run)) }
        print("run \(run.id) of \(dag): \(run.state.rawValue)")
    }

    private func parseConf() throws -> JSONValue {
        guard let conf else { return .object([:]) }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: conf)
        } catch {
            throw ValidationError("--conf is not valid JSON: \(error)")
        }
        guard value.objectValue != nil else { throw ValidationError("--conf must be a JSON object, like {\"key\": 1}") }
        return value
    }
}

struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop creating slots for a DAG; running runs go on.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The DAG id.") var dag: String

    func run() async throws {
        let runtime = try await Runtime.open(global)
        try await runtime.store.setPaused(dag, true, now: Date())
        try await runtime.audit("dag.pause", target: "dag:\(dag)")
        print("\(dag) paused")
    }
}

struct UnpauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpause", abstract: "Resume a DAG's schedule from the next slot after now.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The DAG id.") var dag: String

    func run() async throws {
        let runtime = try await Runtime.open(global)
        try await runtime.store.setPaused(dag, false, now: Date())
        try await runtime.audit("dag.unpause", target: "dag:\(dag)")
        let next = try await runtime.store.dag(dag)?.nextSlotAt
        print("\(dag) unpaused" + (next.map { "; next slot \($0.iso)" } ?? ""))
    }
}

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List runs and show one.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only runs of this DAG.") var dag: String?
        @Option(help: "Only runs in this state (repeatable).") var state: [String] = []
        @Option(help: "At most this many runs.") var limit = 20
        @Option(help: "Only runs with a smaller id (paging).") var before: Int64?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let states = try state.map { text -> RunState in
                guard let state = RunState(rawValue: text) else {
                    throw ValidationError("unknown state '\(text)'; one of \(RunState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return state
            }
            let runtime = try await Runtime.open(global)
            let runs = try await runtime.store.runs(RunFilter(dagID: dag, states: states, limit: limit, beforeID: before))
            if json { return try printJSON(runs.map(RunView.init)) }
            var table = TextTable("RUN", "DAG", "SLOT", "KIND", "STATE", "DURATION", "REASON")
            for run in runs {
                let duration = run.startedAt.map { start in humanDuration((run.endedAt ?? Date()).timeIntervalSince(start)) } ?? "-"
                table.add("\(run.id)", run.dagID, run.slotAt.iso, run.kind.rawValue, run.state.rawValue, duration, run.reason ?? "")
            }
            table.print()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run with its tasks and attempts.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The run id.") var run: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let runtime = try await Runtime.open(global, syncDags: false)
            guard let detail = try await runtime.store.run(run) else { throw StoreError.runNotFound(run) }
            if json { return try printJSON(RunDetailView(detail)) }
            let r = detail.run
            print("run \(r.id) of \(r.dagID): \(r.state.rawValue)\(r.reason.map { " (\($0))" } ?? "")")
            print("  slot \(r.slotAt.iso), \(r.kind.rawValue), created \(r.createdAt.iso)")
            var tasks = TextTable("TASK", "STATE", "ATTEMPTS", "ERROR")
            for task in detail.tasks { tasks.add(task.taskID, task.state.rawValue, "\(task.attempts)", task.error ?? "") }
            tasks.print()
            print("attempts:")
            var attempts = TextTable("ATTEMPT", "TASK", "#", "STATE", "STARTED", "DURATION", "OWNER", "ERROR")
            for a in detail.attempts {
                let duration = humanDuration((a.endedAt ?? Date()).timeIntervalSince(a.startedAt))
                attempts.add("\(a.id)", a.taskID, "\(a.number)", a.state.rawValue, a.startedAt.iso, duration, a.owner, a.error ?? "")
            }
            attempts.print()
        }
    }
}

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print the log of a task's attempt (the latest unless --attempt).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run id.") var run: Int64
    @Argument(help: "The task id.") var task: String
    @Option(help: "The attempt number (1 is the first).") var attempt: Int?
    @Flag(name: .shortAndLong, help: "Keep printing new lines until the attempt ends.") var follow = false

    func run() async throws {
        let runtime = try await Runtime.open(global, syncDags: false)
        guard let detail = try await runtime.store.run(run) else { throw StoreError.runNotFound(run) }
        let attempts = detail.attempts.filter { $0.taskID == task }
        guard !attempts.isEmpty else {
            guard detail.tasks.contains(where: { $0.taskID == task }) else {
                throw ValidationError("run \(run) has no task '\(task)'; tasks: \(detail.tasks.map(\.taskID).joined(separator: ", "))")
            }
            throw ValidationError("task '\(task)' of run \(run) has no attempt yet")
        }
        let chosen = try attempt.map { n in
            guard let match = attempts.first(where: { $0.number == n }) else {
                throw ValidationError("task '\(task)' has attempts 1...\(attempts.count), not \(n)")
            }
            return match
        } ?? attempts[attempts.count - 1]
        var after: Int64 = 0
        var finished = !follow
        repeat {
            // Read the state before the log, so lines written just before the end are not missed.
            if follow, let current = try await runtime.store.run(run)?.attempts.first(where: { $0.id == chosen.id }) {
                finished = current.state.isFinal
            }
            let chunks = try await runtime.store.logs(attemptID: chosen.id, afterSequence: after)
            for chunk in chunks {
                FileHandle.standardOutput.write(Data(chunk.text.utf8))
                after = chunk.sequence
            }
            if !finished && chunks.isEmpty { try await Task.sleep(for: .milliseconds(300)) }
        } while !finished
    }
}

struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Create runs for the past slots of a DAG's schedule in [--from, --to] that have none.",
        discussion: "Runs are queued and start as the DAG's concurrency allows; `ticker serve` runs them.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The DAG id.") var dag: String
    @Option(help: "First instant (ISO 8601).") var from: String
    @Option(help: "Last instant (ISO 8601, inclusive).") var to: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        guard let start = parseTime(from) else { throw ValidationError("--from '\(from)' is not an ISO 8601 time") }
        guard let end = parseTime(to) else { throw ValidationError("--to '\(to)' is not an ISO 8601 time") }
        let runtime = try await Runtime.open(global)
        let runs = try await runtime.store.backfill(dagID: dag, from: start, to: end, now: Date())
        try await runtime.audit("dag.backfill", target: "dag:\(dag)")
        if json { return try printJSON(runs.map(RunView.init)) }
        print("\(runs.count) run(s) created for \(dag)" + (runs.isEmpty ? " (every slot in the range already has a run)" : ""))
    }
}
