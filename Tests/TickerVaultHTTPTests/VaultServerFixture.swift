import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TickerAudit
import NIOHTTP1
import TickerHTTP
import TickerStore
import TickerTestSupport
import TickerVaultClient
import TickerVaultHTTP

/// A real vault server on 127.0.0.1 and a free port, on a fresh SQLite store, for one test.
func withVaultServer(
    limits: VaultRateLimits = VaultRateLimits(), trustedProxies: TrustedProxies = .none, logger: Logger = Logger(label: "vault-test"),
    _ body: @Sendable (VaultServer, any VaultStore) async throws -> Void
) async throws {
    try await withVaultServer(limits: limits, trustedProxies: trustedProxies, logger: logger) { server, store, _ in try await body(server, store) }
}

/// As above, also handing over the folder of the server's database.
func withVaultServer(
    limits: VaultRateLimits = VaultRateLimits(), trustedProxies: TrustedProxies = .none, logger: Logger = Logger(label: "vault-test"),
    _ body: @Sendable (VaultServer, any VaultStore, URL) async throws -> Void
) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-vault-http-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try DataDirectory(path: folder.path).openStore()
    try await withVaultServer(on: store, limits: limits, trustedProxies: trustedProxies, logger: logger) { server in try await body(server, store, folder) }
}

/// A real vault server on 127.0.0.1 over the given store.
func withVaultServer(
    on store: any VaultStore, limits: VaultRateLimits = VaultRateLimits(), trustedProxies: TrustedProxies = .none, audit: AuditLog? = nil,
    itemLane: Bool = true, logger: Logger = Logger(label: "vault-test"), _ body: @Sendable (VaultServer) async throws -> Void
) async throws {
    let router = Router(context: TickerRequestContext.self)
    router.add(middleware: AuditScopeMiddleware(proxies: trustedProxies))
    try VaultRoutes(
        store: store, serverSecret: SymmetricKey(size: .bits256), limits: limits, trustedProxies: trustedProxies, audit: audit, itemLane: itemLane,
        logger: logger
    )
    .add(to: router)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    try await app.test(.live) { client in try await body(VaultServer(baseURL: "http://127.0.0.1:\(client.port!)")) }
}

/// A migrated PostgreSQL store on a new database of the test cluster (`TICKER_TEST_POSTGRES_URL`,
/// which `scripts/test` sets), and a way to `pg_dump` it; the database is dropped afterwards.
func withPostgresVaultStore(_ body: @Sendable (PostgresStore, @Sendable () async throws -> [UInt8]) async throws -> Void) async throws {
    guard let url = ProcessInfo.processInfo.environment["TICKER_TEST_POSTGRES_URL"] else {
        throw StoreError.invalidArgument("TICKER_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
    }
    let name = "vault_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    var components = URLComponents(string: url)!
    components.path = "/" + name
    let database = components.string!
    try await postgresTool("psql", [url, "-q", "-c", "CREATE DATABASE \(name)"])
    do {
        let store = try PostgresStore(url: database, maxConnections: 4, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            try await body(store) { try await postgresTool("pg_dump", [database]) }
        }
    } catch {
        _ = try? await postgresTool("psql", [url, "-q", "-c", "DROP DATABASE \(name) WITH (FORCE)"])
        throw error
    }
    try await postgresTool("psql", [url, "-q", "-c", "DROP DATABASE \(name) WITH (FORCE)"])
}

/// Runs psql or pg_dump of the newest PostgreSQL installed (the one the test cluster runs).
@discardableResult
func postgresTool(_ tool: String, _ arguments: [String]) async throws -> [UInt8] {
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
    let newest = versions.compactMap(Int.init).max().map { "/usr/lib/postgresql/\($0)/bin/\(tool)" }
    let finished = try await runToCompletion(URL(fileURLWithPath: newest ?? "/usr/bin/\(tool)"), arguments)
    guard finished.status == 0 else {
        throw StoreError.invalidArgument("\(tool) failed with status \(finished.status): \(finished.standardError)")
    }
    return Array(finished.stdout)
}

/// A raw request, for what the typed client never sends.
func raw(
    _ server: VaultServer, _ method: HTTPMethod, _ path: String, json: String? = nil, token: String? = nil, headers: [(String, String)] = []
) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
    var request = HTTPClientRequest(url: server.baseURL + path)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    if let json {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 1 << 24)
    return (Int(response.status.code), response.headers, String(buffer: body))
}

/// The body of `PUT /v1/vaults/{vault_id}/items/{item_id}`, for tests that write by hand.
struct ItemPutBody: Encodable {
    var version: UInt64
    var content_type: String
    var item_key: String
    var content: String
    var manifest: ManifestBody
}
