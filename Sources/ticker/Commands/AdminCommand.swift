import ArgumentParser
import Foundation
import TickerHTTP
import TickerStore

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Manage API tokens.",
        subcommands: [CreateToken.self, ListTokens.self, RevokeToken.self])

    struct CreateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an API token and print its secret (shown this once; only its hash is stored).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "viewer (reads), operator (also pauses, triggers, backfills) or admin (also manages tokens).")
        var role: Role
        @Option(help: "A name saying who or what uses the token.") var name: String = "cli"
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...100).contains(name.count) else { throw ValidationError("--name must be 1 to 100 characters") }
            let runtime = try await Runtime.open(global, syncDags: false)
            let (token, secret) = try await TokenIssuer(store: runtime.store).issue(name: name, role: role, now: Date())
            try await runtime.audit("admin.token.create", target: "token:\(token.id)")
            if json { return try printJSON(NewTokenView(id: token.id, name: token.name, role: token.role.rawValue, secret: secret.text)) }
            print(secret.text)
            FileHandle.standardError.write(
                Data("token #\(token.id) '\(token.name)' (\(token.role.rawValue)): store the line above now; it is not shown again\n".utf8))
        }
    }

    struct ListTokens: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API tokens (never their secrets).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let runtime = try await Runtime.open(global, syncDags: false)
            var table = TextTable("ID", "NAME", "ROLE", "CREATED", "LAST USED", "REVOKED")
            for token in try await runtime.store.tokens() {
                table.add(
                    "\(token.id)", token.name, token.role.rawValue, token.createdAt.iso, token.lastUsedAt?.iso ?? "-",
                    token.revokedAt?.iso ?? "-")
            }
            table.print()
        }
    }

    struct RevokeToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API token; a running server refuses it within 5 seconds.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The token's id (see `ticker admin list-tokens`).") var id: Int64

        func run() async throws {
            let runtime = try await Runtime.open(global, syncDags: false)
            let revoked = try await runtime.store.revokeToken(id, now: Date())
            try await runtime.audit("admin.token.revoke", target: "token:\(id)", outcome: revoked ? .ok : .rejected)
            guard revoked else {
                throw ValidationError("no token with id \(id) (see `ticker admin list-tokens`)")
            }
            print("revoked token #\(id)")
        }
    }
}

struct NewTokenView: Encodable {
    var id: Int64
    var name: String
    var role: String
    var secret: String
}

extension Role: ExpressibleByArgument {}
