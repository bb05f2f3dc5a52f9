import Foundation
import Hummingbird

/// Refuses request bodies over `maxBytes` with a 413 problem.
///
/// A declared Content-Length over the limit is refused before anything is read; a chunked body is
/// collected up to the limit and refused past it. Ticker's bodies are small JSON documents and
/// forms, so collecting them whole costs nothing and spares every handler the check.
package struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int
    /// Requests under this path prefix are left to a limit of their own.
    let skipping: String?
    /// The refusal, given what to tell the client.
    let refuse: @Sendable (String) -> Response

    package init(
        maxBytes: Int, skipping: String? = nil,
        refuse: @escaping @Sendable (String) -> Response = { Problem(kind: .bodyTooLarge, detail: $0).response }
    ) {
        self.maxBytes = maxBytes
        self.skipping = skipping
        self.refuse = refuse
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let skipping, request.uri.path.hasPrefix(skipping) { return try await next(request, context) }
        var request = request
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            return refuse("the body may be at most \(maxBytes) bytes; it declares \(declared)")
        }
        if request.method != .get && request.method != .head {
            do {
                let body = try await request.collectBody(upTo: maxBytes)
                // A known length lets the API treat an empty body as no body.
                var head = request.head
                head.headerFields[.contentLength] = String(body.readableBytes)
                head.headerFields[.transferEncoding] = nil
                request = Request(head: head, body: .init(buffer: body))
            } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                return refuse("the body may be at most \(maxBytes) bytes")
            }
        }
        return try await next(request, context)
    }
}

extension Problem {
    /// The problem as a Hummingbird response, for errors raised outside the generated API code.
    var response: Response {
        var headers: HTTPFields = [.contentType: Problem.mediaType, .cacheControl: "no-store"]
        if status == 401 { headers[.wwwAuthenticate] = #"Bearer realm="ticker""# }
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(data: json)))
    }
}
