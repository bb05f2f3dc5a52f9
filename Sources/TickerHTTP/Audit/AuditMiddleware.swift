import HTTPTypes
import OpenAPIRuntime
import TickerAudit

/// Writes an audit line for each operation named in `actions`, with the outcome its final
/// status tells, and for any other operation that was refused for its credentials (a 401 or
/// 403: a rejected token is worth knowing about). Outermost among an API's middlewares, so that
/// it sees the status that errors were turned into.
public struct AuditMiddleware: ServerMiddleware {
    let log: AuditLog
    let actions: [String: String]
    let rejected: String

    /// `actions` maps operation ids to audit actions; `rejected` is the action of a refused
    /// credential on any other operation.
    public init(log: AuditLog, actions: [String: String], rejected: String) {
        self.log = log
        self.actions = actions
        self.rejected = rejected
    }

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, body) = try await next(request, body, metadata)
        await record(operationID: operationID, status: response.status.code, path: request.path)
        return (response, body)
    }

    /// Records the outcome of `operationID`, if it is audited, for the request scope's actor.
    /// Also called by routes that answer an operation without the OpenAPI layer.
    public func record(operationID: String, status: Int, path: String?) async {
        let action = actions[operationID] ?? ((status == 401 || status == 403) ? rejected : nil)
        guard let action, let note = AuditNote.current else { return }
        await log.record(
            AuditEvent(
                actor: note.actor, action: action, target: note.target ?? String((path ?? "").prefix { $0 != "?" }), outcome: AuditOutcome(status: status),
                source: note.source))
    }
}
