import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import TickerAPI
import TickerAudit
import TickerStore

/// The server-rendered operator console under `/ui`: DAGs, runs with their graph and timeline,
/// attempt logs, and the ISIN snapshots. It reads through the same handlers as the REST API, so
/// both always show the same thing, and signs people in with their API token.
public struct UIRoutes: Sendable {
    let service: APIService
    let sessions = Sessions()
    let library: MustacheLibrary
    let audit: AuditLog?

    public init(api: APIRoutes) throws {
        service = api.service
        audit = api.audit
        var library = MustacheLibrary()
        for (name, text) in Templates.all { try library.register(text, named: name) }
        try library.register(Templates.actions, named: "actions")
        self.library = library
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/") { _, _ in Response.redirect(to: "/ui/") }
        router.get("/ui/static/ticker.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: Templates.css)))
        }
        router.get("/ui/login") { _, _ in page("login", title: "Sign in", [:], session: nil) }
        router.post("/ui/login") { request, _ in try await login(request) }
        router.post("/ui/logout") { request, _ in try await signedIn(request, needs: .viewer, form: true) { _, _ in logout(request) } }
        router.get("/ui/") { request, _ in try await signedIn(request) { session, _ in try await dagList(session) } }
        router.get("/ui/dags/:dag") { request, context in
            try await signedIn(request) { session, _ in try await dagPage(try context.parameters.require("dag"), session) }
        }
        for action in ["pause", "unpause", "trigger"] {
            router.post("/ui/dags/:dag/\(action)") { request, context in
                try await signedIn(request, needs: .operator, form: true) { session, _ in
                    let dag = try context.parameters.require("dag")
                    do {
                        let response = try await act(action, dag: dag)
                        await record("dag.\(action)", by: session.token, target: request.uri.path, .ok)
                        return response
                    } catch {
                        await record("dag.\(action)", by: session.token, target: request.uri.path, .rejected)
                        throw error
                    }
                }
            }
        }
        router.get("/ui/runs/:run") { request, context in
            try await signedIn(request) { session, _ in try await runPage(try context.parameters.require("run", as: Int64.self), session) }
        }
        router.get("/ui/runs/:run/attempts/:attempt") { request, context in
            try await signedIn(request) { session, _ in
                try await logPage(
                    run: try context.parameters.require("run", as: Int64.self),
                    attempt: try context.parameters.require("attempt", as: Int64.self), session)
            }
        }
        router.get("/ui/nodes") { request, _ in try await signedIn(request) { session, _ in try await nodesPage(session) } }
        router.get("/ui/isins") { request, _ in
            try await signedIn(request) { session, _ in try await isinPage(request.uri.queryParameters.get("q"), session) }
        }
    }

    // MARK: Sessions

    /// Runs `body` for a signed-in person whose role suffices; POSTs must carry the session's
    /// CSRF token. Everyone else is sent to the sign-in page.
    func signedIn(
        _ request: Request, needs role: Role = .viewer, form: Bool = false,
        _ body: (Sessions.Session, [String: String]) async throws -> Response
    ) async throws -> Response {
        guard let id = Self.cookie(request), let session = sessions.session(id) else { return .redirect(to: "/ui/login") }
        var fields: [String: String] = [:]
        if form {
            var request = request
            fields = Self.formFields(try await request.collectBody(upTo: 64 * 1024))
            guard let csrf = fields["csrf"], constantTimeEqual(csrf, session.csrf), Self.sameOrigin(request) else {
                return page("login", title: "Sign in", ["error": "That form expired or came from another site; sign in again."], session: nil, status: .forbidden)
            }
        }
        guard session.token.role >= role else {
            return page("login", title: "Not allowed", ["error": "Your token's role (\(session.token.role.rawValue)) may not do this."], session: session, status: .forbidden)
        }
        do {
            return try await body(session, fields)
        } catch let problem as Problem {
            return page("login", title: problem.title, ["error": problem.detail ?? problem.title], session: session, status: .init(code: problem.status))
        }
    }

    func login(_ request: Request) async throws -> Response {
        var request = request
        let fields = Self.formFields(try await request.collectBody(upTo: 64 * 1024))
        guard Self.sameOrigin(request) else { return page("login", title: "Sign in", ["error": "Sign in from this site's own page."], session: nil, status: .forbidden) }
        do {
            let token = try await service.authenticator.authenticate(bearer: (fields["token"] ?? "").trimmingCharacters(in: .whitespaces))
            await record("ui.login", by: token, target: "/ui/login", .ok)
            let id = sessions.open(for: token)
            var response = Response.redirect(to: "/ui/", type: .normal)
            response.headers[.setCookie] = Sessions.cookie(id, lifetime: sessions.lifetime)
            return response
        } catch let problem as Problem {
            await record("ui.login", by: nil, target: "/ui/login", .denied)
            return page("login", title: "Sign in", ["error": problem.detail ?? "That token is not valid."], session: nil, status: .unauthorized)
        }
    }

    /// An audit line for a console action, by the token its session signed in with.
    func record(_ action: String, by token: APIToken?, target: String, _ outcome: AuditOutcome) async {
        guard let audit else { return }
        let note = AuditNote.current
        await audit.record(
            AuditEvent(
                actor: token.map { "token:\($0.id)" } ?? "anonymous", action: action, target: target, outcome: outcome,
                source: note?.source ?? "unknown"))
    }

    func logout(_ request: Request) -> Response {
        if let id = Self.cookie(request) { sessions.close(id) }
        var response = Response.redirect(to: "/ui/login", type: .normal)
        response.headers[.setCookie] = Sessions.cookie(nil, lifetime: 0)
        return response
    }

    static func cookie(_ request: Request) -> String? {
        request.cookies[Sessions.cookieName]?.value
    }

    /// A POST must come from a page of this server: browsers send `Origin` on form posts.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    static func formFields(_ body: ByteBuffer) -> [String: String] {
        var components = URLComponents()
        components.percentEncodedQuery = String(buffer: body).replacingOccurrences(of: "+", with: "%20")
        var fields: [String: String] = [:]
        for item in components.queryItems ?? [] { fields[item.name] = item.value ?? "" }
        return fields
    }

    // MARK: Rendering

    func page(_ template: String, title: String, _ values: [String: Any], session: Sessions.Session?, status: HTTPResponse.Status = .ok, refresh: Int? = nil) -> Response {
        var values = values
        if let session {
            values["csrf"] = session.csrf
            values["canOperate"] = session.token.role >= .operator
        }
        let body = library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let session { layout["user"] = ["name": session.token.name, "role": session.token.role.rawValue, "csrf": session.csrf] }
        if let refresh { layout["refresh"] = refresh }
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
