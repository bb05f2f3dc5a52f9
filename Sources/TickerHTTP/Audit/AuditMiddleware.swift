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
        let status = response.status.code
        let action = actions[operationID] ?? ((status == 401 || status == 403) ? rejected : nil)
        if let action, let note = AuditNote.current {
            await log.record(
                AuditEvent(
                    actor: note.actor, action: action, target: note.target ?? String((request.path ?? "").prefix { $0 != "?" }), outcome: AuditOutcome(status: status),
                    source: note.source))
        }
        return (response, body)
    }
}
