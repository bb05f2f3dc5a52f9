import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOHTTP1
import TickerHTTP
import TickerStore
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
    let router = Router(context: TickerRequestContext.self)
    try VaultRoutes(store: store, serverSecret: SymmetricKey(size: .bits256), limits: limits, trustedProxies: trustedProxies, logger: logger)
        .add(to: router)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    try await app.test(.live) { client in
        try await body(VaultServer(baseURL: "http://127.0.0.1:\(client.port!)"), store, folder)
    }
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
