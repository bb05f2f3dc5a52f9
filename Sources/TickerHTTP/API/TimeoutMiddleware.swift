import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Cancels an operation still running after `timeout` and answers 503 with a problem, so a slow
/// query cannot hold a connection and a worker thread forever. Log follows wait at most 25 s, so
/// the limit is above that.
package struct TimeoutMiddleware: ServerMiddleware {
    let timeout: Duration
    let deadlines: Deadlines

    package init(timeout: Duration, deadlines: Deadlines = .shared) {
        self.timeout = timeout
        self.deadlines = deadlines
    }

    package func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let deadline = ContinuousClock.now + timeout
        // The operation runs in a task of its own so that it can be cancelled without cancelling
        // the connection's task. `result(of:)` waits for it to end, so `next` never outlives this
        // call; the task inherits the caller's task-local values.
        let (result, expired) = await withoutActuallyEscaping(next) { next in
            await deadlines.result(of: Task { try await next(request, body, metadata) }, deadline: deadline)
        }
        if expired { throw Problem(kind: .timeout, detail: "\(operationID) did not finish within \(timeout.components.seconds) s") }
        return try result.get()
    }
}
