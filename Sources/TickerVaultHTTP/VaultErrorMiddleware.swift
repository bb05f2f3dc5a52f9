import HTTPTypes
import Logging
import OpenAPIRuntime
import TickerHTTP

/// Turns every error of a vault operation into the protocol's `{"error", "message"}` body.
/// Errors the vault does not know go through the operator API's mapping (which logs a 500
/// under an id and never shows its text) and keep its status and wording.
struct VaultErrorMiddleware: ServerMiddleware {
    let problems: ProblemMiddleware

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            let failure = failure(for: error, operationID: operationID)
            return (HTTPResponse(status: failure.status, headerFields: failure.headerFields), HTTPBody(failure.json))
        }
    }

    /// What the client is told of `error`.
    func failure(for error: any Error, operationID: String) -> VaultFailure {
        let cause = (error as? ServerError)?.underlyingError ?? error
        return VaultFailure(cause) ?? VaultFailure(problem: problems.problem(for: error, operationID: operationID))
    }
}
