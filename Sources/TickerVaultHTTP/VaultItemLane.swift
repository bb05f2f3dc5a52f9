import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TickerAudit
import TickerHTTP
import TickerVaultAPI

/// Answers the vault's two hottest operations, `GET` and `PUT /v1/vaults/{vault_id}/items/{item_id}`,
/// without the OpenAPI runtime, its middlewares and its body streams, which cost as much CPU as
/// the operations themselves (V1 in docs/benchmarks.md).
///
/// It is a lane, not a second implementation. It decodes the generated request type, calls the
/// same `VaultService` handler, encodes the generated answer with the same settings, and maps
/// errors, sessions and audit lines through the same functions as the middlewares. Anything
/// unusual takes the full path: other methods or paths, percent-encoded ids, a query, an Accept
/// or Content-Type other than JSON, or a body that does not decode, so that every error about
/// the request's shape comes from the generated server.
///
/// There is no time limit here, unlike the full path's `TimeoutMiddleware`. Cancelling these two
/// operations would free nothing: a write waits for its batch's transaction, and a data key is
/// unwrapped on the keeper's own threads. A read or write is bounded by the store's busy timeout.
struct VaultItemLane: RouterMiddleware {
    typealias Context = TickerRequestContext

    let service: VaultService
    let errors: VaultErrorMiddleware
    let audit: AuditMiddleware?

    static let decoder = JSONDecoder()
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .put, request.uri.query == nil, let ids = Self.ids(in: request.uri.path),
            JSONNegotiation.acceptsJSON(request.headers[.accept])
        else { return try await next(request, context) }
        if request.method == .get {
            return await answer("getItem", request) {
                try await service.getItem(.init(path: .init(vaultId: ids.vault, itemId: ids.item)))
            } encode: { output in
                guard case .ok(let ok) = output, case .json(let record) = ok.body else { throw VaultItemLaneError.unexpected }
                return try Self.encoder.encode(record)
            }
        }
        guard JSONNegotiation.isJSON(request.headers[.contentType]) else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: VaultRoutes.maxBodyBytes)
        guard let put = try? Self.decoder.decode(Components.Schemas.ItemPut.self, from: Data(body.readableBytesView)) else {
            return try await next(request, context)
        }
        return await answer("putItem", request) {
            try await service.putItem(.init(path: .init(vaultId: ids.vault, itemId: ids.item), body: .json(put)))
        } encode: { output in
            guard case .ok(let ok) = output, case .json(let result) = ok.body else { throw VaultItemLaneError.unexpected }
            return try Self.encoder.encode(result)
        }
    }

    /// Runs `operation` as the session's caller, answers its output or its error in the
    /// protocol's shape, and records the outcome as the audit middleware would.
    private func answer<Output>(
        _ operationID: String, _ request: Request, operation: () async throws -> Output, encode: (Output) throws -> Data
    ) async -> Response {
        let response: Response
        do {
            let caller = try await VaultSessionMiddleware.signIn(request.headers[.authorization], accounts: service.accounts)
            let body = try await VaultCaller.$current.withValue(caller) { try encode(try await operation()) }
            response = Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(data: body)))
        } catch {
            response = errors.failure(for: error, operationID: operationID).response
        }
        await audit?.record(operationID: operationID, status: response.status.code, path: request.head.path)
        return response
    }

    /// The two ids of an item's path, when both have the shape of a lower-case UUID.
    static func ids(in path: String) -> (vault: String, item: String)? {
        let parts = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].isEmpty, parts[1].elementsEqual("v1".utf8), parts[2].elementsEqual("vaults".utf8),
            parts[4].elementsEqual("items".utf8), isUUID(parts[3]), isUUID(parts[5])
        else { return nil }
        return (String(decoding: parts[3], as: UTF8.self), String(decoding: parts[5], as: UTF8.self))
    }

    private static func isUUID(_ text: Substring.UTF8View) -> Bool {
        text.count == 36 && text.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || $0 == UInt8(ascii: "-") }
    }
}

enum VaultItemLaneError: Error {
    /// The handler answered something other than 200, which it only ever does by throwing.
    case unexpected
}
