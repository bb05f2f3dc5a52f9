import ArgumentParser
import Foundation
import TickerCore

@main
struct Ticker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticker",
        abstract: "A scheduler for periodic tasks and DAGs that never runs a slot twice and never loses one.",
        discussion: """
            Settings come from flags, then TICKER_* environment variables, then the config file \
            (--config, default ./ticker.yaml), then defaults. Start with `ticker serve`.
            """,
        version: TickerVersion.current,
        subcommands: [
            ServeCommand.self, DagsCommand.self, TriggerCommand.self, PauseCommand.self, UnpauseCommand.self,
            RunsCommand.self, LogsCommand.self, BackfillCommand.self, NextCommand.self, WhyCommand.self,
            IsinCommand.self, AdminCommand.self, KeysCommand.self, AuditCommand.self, DevCertCommand.self, VaultCommand.self, BenchCommand.self, ChaosCommand.self,
        ]
    )

    /// Runs the command; usage errors exit with status 2 (the common convention, and what scripts
    /// calling `ticker isin validate` rely on) rather than ArgumentParser's 64.
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            fail(error, message: fullMessage(for: error))
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // After a successful parse the usage line adds nothing: say what is wrong.
            fail(error, message: "Error: " + message(for: error))
        }
    }

    private static func fail(_ error: any Error, message: String) -> Never {
        guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(2)
    }
}
