import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import Synchronization
import TickerVaultClient

/// A proxy on 127.0.0.1 between a client and the real server: it records every exchange (what a
/// loopback capture would see of the bodies) and lets a test rewrite answers, as a server under
/// an attacker's control would.
final class TamperingProxy: Sendable {
    struct Exchange: Sendable {
        var method: String
        var path: String
        var request: [UInt8]
        var status: Int
        var response: [UInt8]
    }

    /// Rewrites an answer's JSON; gets the method and the path.
    typealias Rewrite = @Sendable (String, String, inout Any) -> Void

    let upstream: String
    private let state = Mutex<(exchanges: [Exchange], rewrite: Rewrite?)>(([], nil))

    init(upstream: String) { self.upstream = upstream }

    var exchanges: [Exchange] { state.withLock { $0.exchanges } }
    func rewrite(_ rule: Rewrite?) { state.withLock { $0.rewrite = rule } }
    func saw(_ method: String, _ pathPrefix: String) -> Bool { exchanges.contains { $0.method == method && $0.path.hasPrefix(pathPrefix) } }

    /// Runs `body` with a vault server address that goes through the proxy.
    func run(_ body: @Sendable (VaultServer) async throws -> Void) async throws {
        let router = Router()
        for method: HTTPRequest.Method in [.get, .post, .put, .delete] {
            router.on("**", method: method) { request, _ in try await self.forward(request) }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(VaultServer(baseURL: "http://127.0.0.1:\(client.port!)")) }
    }

    private func forward(_ request: Request) async throws -> Response {
        let body = Array(try await request.body.collect(upTo: 1 << 26).readableBytesView)
        var outgoing = HTTPClientRequest(url: upstream + request.uri.description)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        if let value = request.headers[.authorization] { outgoing.headers.add(name: "Authorization", value: value) }
        if let value = request.headers[.contentType] { outgoing.headers.add(name: "Content-Type", value: value) }
        if !body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let answer = try await HTTPClient.shared.execute(outgoing, timeout: .seconds(60))
        var bytes = Array(try await answer.body.collect(upTo: 1 << 26).readableBytesView)
        let path = request.uri.path
        if let rule = state.withLock({ $0.rewrite }), var json = try? JSONSerialization.jsonObject(with: Data(bytes)) {
            rule(request.method.rawValue, path, &json)
            bytes = Array(try JSONSerialization.data(withJSONObject: json))
        }
        state.withLock {
            $0.exchanges.append(Exchange(method: request.method.rawValue, path: path, request: body, status: Int(answer.status.code), response: bytes))
        }
        var headers: HTTPFields = [:]
        if let type = answer.headers.first(name: "Content-Type") { headers[.contentType] = type }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
