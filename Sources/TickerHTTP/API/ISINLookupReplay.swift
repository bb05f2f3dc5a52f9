import Hummingbird
import NIOCore
import TickerStore

/// Serves repeated `GET /api/v1/isins/{isin}` from memory: the first answer for an ISIN under the
/// current snapshot is made by the generated server as usual, and its bytes are kept; later
/// requests for it get those bytes back without the OpenAPI layer, the JSON encoder or a database
/// read. The look-up is the API's hottest route, and they cost three quarters of it.
///
/// Only successful answers are replayed, and only to requests the full path would let through
/// (public ISIN mode, or a valid token); everything else, errors included, takes the full path, so
/// the generated server stays the single source of every response's content.
struct ISINLookupReplay<Context: RequestContext>: RouterMiddleware {
    static var prefix: String { "/api/v1/isins/" }

    let cache: SnapshotCache<Replay>
    let policy: AccessPolicy
    let authenticator: Authenticator

    /// A recorded answer.
    struct Replay: Sendable {
        var contentType: String
        var body: ByteBuffer
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, let isin = Self.isin(in: request.uri.path), JSONNegotiation.acceptsJSON(request.headers[.accept]),
            try await mayRead(request)
        else {
            return try await next(request, context)
        }
        let (snapshot, cached) = try await cache.lookup(isin)
        if let replay = cached {
            return Response(status: .ok, headers: [.contentType: replay.contentType], body: .init(byteBuffer: replay.body))
        }
        let response = try await next(request, context)
        guard response.status == .ok, let contentType = response.headers[.contentType] else { return response }
        let collector = Collector()
        try await response.body.write(CollectingWriter(collector: collector))
        let body = collector.buffer
        cache.store(Replay(contentType: contentType, body: body), for: isin, snapshot: snapshot)
        var replayed = response
        replayed.body = .init(byteBuffer: body)
        return replayed
    }

    /// The path's ISIN when it has the shape of one (the full path validates it).
    static func isin(in path: String) -> String? {
        guard path.hasPrefix(prefix) else { return nil }
        let last = path.utf8.dropFirst(prefix.utf8.count)
        guard last.count == 12, last.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }) else { return nil }
        return String(decoding: last, as: UTF8.self)
    }

    /// Whether the full path would let this request read an ISIN.
    private func mayRead(_ request: Request) async throws -> Bool {
        guard let required = policy.requiredRole("getIsin") else { return true }
        guard let header = request.headers[.authorization], let secret = AuthMiddleware.bearer(header),
            let token = try? await authenticator.authenticate(bearer: secret)
        else { return false }
        return token.role >= required
    }
}

private final class Collector: @unchecked Sendable {
    // Written by one writer, then read by the same task once writing finished.
    var buffer = ByteBuffer()
}

private struct CollectingWriter: ResponseBodyWriter {
    let collector: Collector

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        collector.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
