import HTTPTypes
import OpenAPIRuntime

/// Treats an empty request body as no body, so `POST /dags/{id}/runs` without a body (curl's
/// `-X POST`) means "no conf" instead of "invalid JSON". `BodyLimitMiddleware` has made every
/// body's length known by then.
package struct EmptyBodyMiddleware: ServerMiddleware {
    package init() {}

    package func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if case .known(0) = body?.length { return try await next(request, nil, metadata) }
        return try await next(request, body, metadata)
    }
}
