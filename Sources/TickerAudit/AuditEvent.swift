import Foundation
import TickerStore

/// Something worth a line in the audit log: who did what to which thing, how it ended, and from
/// where. Never a secret or a plaintext: targets are ids and paths, actors are ids.
public struct AuditEvent: Sendable, Hashable {
    /// `user:<id>`, `token:<id>`, `cli:<unix user>`, `system`, or `anonymous`.
    public var actor: String
    /// A dotted name from `AuditAction`, such as `vault.item.write`.
    public var action: String
    public var target: String
    public var outcome: AuditOutcome
    /// The client's address, or `local` for the CLI.
    public var source: String

    public init(actor: String, action: String, target: String, outcome: AuditOutcome, source: String) {
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.source = source
    }

    func draft(at date: Date) -> AuditDraft {
        // Whole milliseconds: what the store keeps, and so what the hash covers.
        let at = Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
        return AuditDraft(at: at, actor: actor, action: action, target: target, outcome: outcome.rawValue, source: source)
    }
}

/// How an audited action ended.
public enum AuditOutcome: String, Sendable, Hashable, CaseIterable {
    case ok
    /// Refused for who asked: bad credentials, no session, not theirs, rate limited.
    case denied
    /// Refused for what was asked: malformed, conflicting, too large.
    case rejected
    /// The server failed.
    case failed

    /// The outcome an HTTP status tells.
    public init(status: Int) {
        switch status {
        case 200..<400: self = .ok
        case 401, 403, 429: self = .denied
        case 400..<500: self = .rejected
        default: self = .failed
        }
    }
}

/// The actor a local command runs as: the Unix user, since the CLI reaches the database directly.
public enum AuditActor {
    public static var commandLine: String {
        "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "uid-\(getuid())")
    }
}
