import Foundation
import TickerEngine
import TickerStore

/// What `/readyz` checks before saying a process may take traffic: each check returns nil when
/// all is well, or the reason it is not.
public struct Readiness: Sendable {
    public struct Check: Sendable {
        public var name: String
        public var run: @Sendable () async -> String?

        public init(name: String, run: @escaping @Sendable () async -> String?) {
            self.name = name
            self.run = run
        }
    }

    public var checks: [Check]

    public init(checks: [Check]) {
        self.checks = checks
    }

    /// Every check's outcome, in order, run one after the other (they are cheap).
    public func evaluate() async -> [(name: String, problem: String?)] {
        var results: [(name: String, problem: String?)] = []
        for check in checks { results.append((check.name, await check.run())) }
        return results
    }
}

extension Readiness.Check {
    /// `isReady` returns true: the database answers and its schema is this version's.
    public static func database(_ name: String, isReady: @escaping @Sendable () async throws -> Bool) -> Readiness.Check {
        Readiness.Check(name: name) {
            do {
                return try await isReady() ? nil : "migrations are not all applied"
            } catch {
                return "\(error)"
            }
        }
    }

    /// The scheduler loop completed a pass within `maxAge` (it passes at least once per poll
    /// interval while it can reach the store).
    public static func scheduler(_ beat: Heartbeat, maxAge: TimeInterval = 15) -> Readiness.Check {
        Readiness.Check(name: "scheduler") {
            guard let last = beat.last else { return "the scheduler has not completed a pass yet" }
            let age = Date().timeIntervalSince(last)
            return age <= maxAge ? nil : String(format: "the scheduler's last pass was %.0f s ago", age)
        }
    }
}
