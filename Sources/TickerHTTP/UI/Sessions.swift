import Crypto
import Foundation
import Synchronization
import TickerStore

/// Browser sessions of the UI: a person signs in with an API token once, and the browser then
/// holds only a random session id in a `Secure; HttpOnly; SameSite=Strict` cookie.
///
/// Sessions live in memory: a restart signs everyone out, which is acceptable for an operator
/// console, and nothing of them reaches the database. Each has its own CSRF token, which every
/// form carries and every POST must return.
final class Sessions: Sendable {
    struct Session: Sendable {
        var token: APIToken
        var csrf: String
        var expires: Date
    }

    static let cookieName = "ticker_session"
    let lifetime: TimeInterval
    private let sessions = Mutex<[String: Session]>([:])

    init(lifetime: TimeInterval = 12 * 3600) {
        self.lifetime = lifetime
    }

    /// A new session for `token`; returns the id to put in the cookie.
    func open(for token: APIToken, now: Date = Date()) -> String {
        let id = Self.random()
        let session = Session(token: token, csrf: Self.random(), expires: now.addingTimeInterval(lifetime))
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expires > now }
            sessions[Self.key(id)] = session
        }
        return id
    }

    func session(_ id: String, now: Date = Date()) -> Session? {
        sessions.withLock { sessions in
            guard let session = sessions[Self.key(id)], session.expires > now else { return nil }
            return session
        }
    }

    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: Self.key(id)) }
    }

    /// Ids are kept hashed, so a heap dump does not hand out live sessions.
    private static func key(_ id: String) -> String {
        Data(SHA256.hash(data: Data(id.utf8))).base64URLEncoded
    }

    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64URLEncoded
    }

    /// The Set-Cookie value for a session id (or, with nil, one that deletes the cookie).
    static func cookie(_ id: String?, lifetime: TimeInterval) -> String {
        "\(cookieName)=\(id ?? ""); Path=/; Max-Age=\(id == nil ? 0 : Int(lifetime)); Secure; HttpOnly; SameSite=Strict"
    }
}

/// Constant-time equality of two strings, for CSRF tokens.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let (x, y) = (Array(a.utf8), Array(b.utf8))
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
}
