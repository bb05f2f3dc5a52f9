import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Registers the generated operations on a router and answers 405 with an `Allow` header for
/// the other methods on the same paths, as HTTP requires: a client that sends DELETE where only
/// GET exists learns that the resource exists but not that verb.
///
/// The paths and methods come from the generated code itself, so the 405s follow the spec.
package final class RecordingTransport<Methods: RouterMethods>: ServerTransport, @unchecked Sendable {
    // Written only while handlers are registered, before the server starts; read right after.
    private(set) var methodsByPath: [String: Set<HTTPRequest.Method>] = [:]
    private var order: [String] = []
    let router: Methods
    /// The 405 answer, given what to tell the client.
    let refuse: @Sendable (String) -> Response

    package init(
        router: Methods, refuse: @escaping @Sendable (String) -> Response = { Problem(kind: .methodNotAllowed, detail: $0).response }
    ) {
        self.router = router
        self.refuse = refuse
    }

    package func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        try router.register(handler, method: method, path: path)
        if methodsByPath[path] == nil { order.append(path) }
        methodsByPath[path, default: []].insert(method)
    }

    /// Adds the 405 routes; call after every operation is registered.
    package func addMethodNotAllowed() {
        let all: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]
        for path in order {
            let allowed = methodsByPath[path] ?? []
            let allow = all.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            for method in all where !allowed.contains(method) {
                router.on(RouterPath(path), method: method) { [refuse] request, _ in
                    var response = refuse("\(request.method) is not allowed here; use \(allow)")
                    response.headers[.allow] = allow
                    return response
                }
            }
        }
    }
}
