import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime

/// Turns every error of an API operation into a problem details response.
///
/// The generated server wraps errors in `ServerError`: request decoding errors arrive with a 4xx
/// status, a handler's `Problem` as itself, anything else as 500. A 500 says only that something
/// failed on our side and under which id it was logged: the error text may hold SQL or paths.
package struct ProblemMiddleware: ServerMiddleware {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            let problem = problem(for: error, operationID: operationID)
            return (HTTPResponse(status: problem.httpStatus, headerFields: problem.httpHeaderFields), problem.httpBody)
        }
    }

    package func problem(for error: any Error, operationID: String) -> Problem {
        let serverError = error as? ServerError
        let cause = serverError?.underlyingError ?? error
        if let problem = cause as? Problem { return problem }
        if let decoding = cause as? DecodingError { return Self.problem(for: decoding) }
        let status = serverError?.httpStatus ?? .internalServerError
        switch status.code {
        case 400: return Problem(kind: .invalidRequest, detail: serverError.map { Self.clean($0.causeDescription) })
        case 415: return Problem(kind: .unsupportedMediaType, detail: "send the body as application/json")
        case 406: return Problem(kind: .notAcceptable, detail: "this operation answers application/json")
        case 404: return Problem.notFound("no such operation")
        default:
            let id = UUID().uuidString.lowercased()
            logger.error("api operation failed", metadata: ["operation": "\(operationID)", "error_id": "\(id)", "error": "\(cause)"])
            return Problem(kind: .internalError, detail: "the server failed to answer; it logged the cause under error id \(id)")
        }
    }

    /// A body that is not valid JSON, or lacks a field, or has a value of the wrong type.
    static func problem(for error: DecodingError) -> Problem {
        let (path, message): ([any CodingKey], String) =
            switch error {
            case .typeMismatch(let type, let context): (context.codingPath, "expected \(Self.describe(type))")
            case .valueNotFound(let type, let context): (context.codingPath, "expected \(Self.describe(type)), found null")
            case .keyNotFound(let key, let context): (context.codingPath + [key], "is required")
            case .dataCorrupted(let context): (context.codingPath, Self.clean(context.debugDescription))
            @unknown default: ([], "cannot be decoded")
            }
        // The runtime's parameter decoder leaves the coding path empty, so an empty path may mean
        // a parameter as well as the body's top level.
        let field = path.isEmpty ? "request" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return .invalid(field.replacingOccurrences(of: ".[", with: "["), message)
    }

    private static func describe(_ type: Any.Type) -> String {
        switch "\(type)" {
        case "String": "a string"
        case "Int", "Int64", "Int32": "an integer"
        case "Double", "Float": "a number"
        case "Bool": "true or false"
        case let name where name.hasPrefix("Array"): "an array"
        default: "an object"
        }
    }

    /// Decoder messages name Swift types and may quote input at length; keep them short.
    private static func clean(_ text: String) -> String {
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? text
        return firstLine.count > 300 ? String(firstLine.prefix(300)) + "…" : firstLine
    }
}
