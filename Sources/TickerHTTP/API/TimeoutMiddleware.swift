import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Cancels an operation still running after `timeout` and answers 503 with a problem, so a slow
/// query cannot hold a connection and a worker thread forever. Log follows wait at most 25 s, so
/// the limit is above that.
package struct TimeoutMiddleware: ServerMiddleware {
    let timeout: Duration

    package init(timeout: Duration) {
        self.timeout = timeout
    }

    package func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let timeout = self.timeout
        // The group waits for both children before returning, so `next` never outlives this call.
        return try await withoutActuallyEscaping(next) { next in
            try await withThrowingTaskGroup(of: (HTTPResponse, HTTPBody?)?.self) { group in
                group.addTask { try await next(request, body, metadata) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let result = first else {
                    throw Problem(kind: .timeout, detail: "\(operationID) did not finish within \(timeout.components.seconds) s")
                }
                return result
            }
        }
    }
}
