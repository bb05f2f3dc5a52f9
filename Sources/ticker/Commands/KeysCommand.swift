import ArgumentParser
import Foundation
import TickerKeys
import TickerStore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the key-encryption keys (KEKs) that wrap the server's data keys.",
        discussion: """
            The keeper is a PKCS#11 token (keys.provider=pkcs11) or, for development, key files in the \
            data directory. See docs/security.md.
            """,
        subcommands: [Init.self, Status.self, Rotate.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the first KEK in the keeper (non-extractable in a token); does nothing if one exists.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let runtime = try await Runtime.open(global, syncDags: false)
            let keys = DataKeys(keeper: try KeeperSettings.keeper(runtime.settings), store: runtime.store)
            let existed = try await runtime.store.currentKEKVersion()
            let version = try await keys.initialise()
            if existed == nil { try await runtime.audit("keys.kek.create", target: "kek:v\(version)") }
            let facts = try await keys.keeper.facts(version: version)
            print(existed == nil ? "KEK v\(version) (\(facts.label)) in \(keys.keeper.location) is current" : "KEK v\(version) is already current; nothing to do")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the keeper and its KEKs (never a key's value).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        struct View: Encodable {
            var keeper: String
            var hardwareBacked: Bool
            var module: String?
            var currentVersion: Int?
            var keks: [KEK]
        }

        struct KEK: Encodable {
            var facts: KEKFacts
            var dataKeys: Int
        }

        func run() async throws {
            let runtime = try await Runtime.open(global, syncDags: false)
            let keeper = try KeeperSettings.keeper(runtime.settings)
            let counts = try await runtime.store.dataKeyCounts()
            var keks: [KEK] = []
            for version in try await keeper.versions() { keks.append(KEK(facts: try await keeper.facts(version: version), dataKeys: counts[version, default: 0])) }
            let view = View(
                keeper: keeper.location, hardwareBacked: keeper.isHardwareBacked, module: try (keeper as? PKCS11KeyWrapper)?.moduleInfo(),
                currentVersion: try await runtime.store.currentKEKVersion(), keks: keks)
            if json { return try printJSON(view) }
            print("keeper: \(view.keeper)\(view.hardwareBacked ? "" : " (NOT hardware-backed: development only)")")
            if let module = view.module { print("module: \(module)") }
            print(view.currentVersion.map { "current KEK: v\($0)" } ?? "no KEK is current: run `ticker keys init`")
            let missing = counts.keys.filter { version in !keks.contains { $0.facts.version == version } }.sorted()
            if !missing.isEmpty { print("WARNING: data keys sealed by KEK \(missing.map { "v\($0)" }.joined(separator: ", ")), which the keeper does not hold") }
            var table = TextTable("VERSION", "LABEL", "EXTRACTABLE", "SENSITIVE", "WRAPS", "DATA KEYS")
            for kek in keks {
                let facts = kek.facts
                table.add("v\(facts.version)", facts.label, facts.extractable ? "yes" : "no", facts.sensitive ? "yes" : "no", facts.canWrap ? "yes" : "no", "\(kek.dataKeys)")
            }
            if !keks.isEmpty { table.print() }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new KEK current, re-wrap every data key with it, then destroy the KEKs no key needs.",
            discussion: """
                Servers keep serving throughout; data is not re-encrypted. If the command is stopped (even \
                with kill -9), run it again: it finishes the interrupted rotation instead of starting another.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Data keys re-wrapped per transaction.") var batchSize = 100
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 10000") }
            let runtime = try await Runtime.open(global, syncDags: false)
            let keys = DataKeys(keeper: try KeeperSettings.keeper(runtime.settings), store: runtime.store)
            let from = try await runtime.store.currentKEKVersion()
            let count = try await runtime.store.dataKeyCounts().values.reduce(0, +)
            try await runtime.audit("keys.rotate.start", target: "kek:v\(from.map(String.init) ?? "none") (\(count) data keys)")
            let report = try await KEKRotation(keys: keys, batchSize: batchSize).run { count in
                FileHandle.standardError.write(Data("re-wrapped \(count) data keys\n".utf8))
            }
            try await runtime.audit("keys.rotate", target: "kek:v\(report.to) (re-wrapped \(report.rewrapped) data keys\(report.resumed ? ", resumed" : ""))")
            for version in report.destroyed { try await runtime.audit("keys.kek.destroy", target: "kek:v\(version)") }
            if json { return try printJSON(report) }
            print(
                "KEK v\(report.to) is current\(report.resumed ? " (finished an interrupted rotation)" : ""); re-wrapped \(report.rewrapped) data keys"
                    + (report.destroyed.isEmpty ? "" : "; destroyed KEK " + report.destroyed.map { "v\($0)" }.joined(separator: ", ")))
        }
    }
}
