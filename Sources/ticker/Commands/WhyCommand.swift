import ArgumentParser
import Foundation
import TickerEngine

struct WhyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Explain what happened to a slot of a DAG and why (the latest slot unless --at).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The DAG id.") var dag: String
    @Option(help: "A time (ISO 8601): explains the slot at or just before it.") var at: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let time = try at.map { text in
            guard let date = parseTime(text) else { throw ValidationError("--at '\(text)' is not an ISO 8601 time") }
            return date
        }
        let runtime = try await Runtime.open(global)
        let explanation = try await SlotExplainer(store: runtime.store).explain(dagID: dag, at: time)
        if json { return try printJSON(explanation) }
        print("\(dag) slot \(explanation.slot?.iso ?? "-"): \(explanation.state)")
        for reason in explanation.reasons { print("  - \(reason)") }
    }
}
