import ArgumentParser

@main
struct Ticker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticker",
        abstract: "A scheduler for periodic tasks and DAGs that never runs a slot twice and never loses one.",
        discussion: """
            Settings come from flags, then TICKER_* environment variables, then the config file \
            (--config, default ./ticker.yaml), then defaults. Start with `ticker serve`.
            """,
        subcommands: [
            ServeCommand.self, DagsCommand.self, TriggerCommand.self, PauseCommand.self, UnpauseCommand.self,
            RunsCommand.self, LogsCommand.self, BackfillCommand.self, NextCommand.self, WhyCommand.self,
            IsinCommand.self, BenchCommand.self,
        ]
    )
}
