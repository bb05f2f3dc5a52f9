import Foundation
import Hummingbird

/// Refuses request bodies over `maxBytes` with a 413 problem.
///
/// A declared Content-Length over the limit is refused before anything is read; a chunked body is
/// collected up to the limit and refused past it. Ticker's bodies are small JSON documents and
/// forms, so collecting them whole costs nothing and spares every handler the check.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            return Problem(kind: .bodyTooLarge, detail: "the body may be at most \(maxBytes) bytes; it declares \(declared)").response
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
                return Problem(kind: .bodyTooLarge, detail: "the body may be at most \(maxBytes) bytes").response
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
