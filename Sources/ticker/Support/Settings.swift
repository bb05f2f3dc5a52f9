import ArgumentParser
import Configuration
import SystemPackage
import Foundation
import Logging

/// Options every command that touches the data accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of the embedded database (env TICKER_DATA_DIR, default ./.ticker).")
    var dataDir: String?

    @Option(name: .long, help: "Folder of DAG files (env TICKER_DAGS, default ./dags).")
    var dags: String?

    @Option(name: .long, help: "YAML config file (env TICKER_CONFIG, default ./ticker.yaml if present).")
    var config: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical (env TICKER_LOG_LEVEL).")
    var logLevel: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "PostgreSQL URL that several nodes share, postgres://user:password@host:5432/database (env TICKER_DB).",
            discussion: "Without it, scheduling state lives in the data directory's SQLite database."))
    var db: String?
}

/// Settings after applying the precedence flags > TICKER_* environment > config file > defaults.
struct Settings: Sendable {
    var dataDir: String
    var dagsDir: String
    var logLevel: Logger.Level
    /// The shared PostgreSQL database, when one is configured.
    var database: String?
    var reader: ConfigReader

    static func resolve(_ options: GlobalOptions, extraFlags: [String: ConfigValue] = [:]) async throws -> Settings {
        var flags = extraFlags
        if let v = options.dataDir { flags["data.dir"] = .init(.string(v), isSecret: false) }
        if let v = options.dags { flags["dags"] = .init(.string(v), isSecret: false) }
        if let v = options.logLevel { flags["log.level"] = .init(.string(v), isSecret: false) }
        if let v = options.db { flags["db"] = .init(.string(v), isSecret: true) }
        let env = EnvironmentVariablesProvider().prefixKeys(with: ["ticker"])
        let envReader = ConfigReader(provider: env)
        let explicitFile = options.config ?? envReader.string(forKey: "config")
        let filePath = explicitFile ?? "ticker.yaml"
        let file: FileProvider<YAMLSnapshot>
        do {
            file = try await FileProvider<YAMLSnapshot>(filePath: FilePath(filePath), allowMissing: explicitFile == nil)
        } catch {
            throw ValidationError("cannot read the config file \(filePath): \(error)")
        }
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: Dictionary(uniqueKeysWithValues: flags.map { (AbsoluteConfigKey($0.key.split(separator: ".").map(String.init)), $0.value) })),
            env, file,
        ])
        let levelText = reader.string(forKey: "log.level", default: "info")
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ValidationError("log level '\(levelText)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        return Settings(
            dataDir: reader.string(forKey: "data.dir", default: ".ticker"),
            dagsDir: reader.string(forKey: "dags", default: "dags"),
            logLevel: level,
            database: reader.string(forKey: "db", isSecret: true),
            reader: reader)
    }
}
