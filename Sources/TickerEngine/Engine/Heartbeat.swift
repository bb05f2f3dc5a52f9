import Foundation
import Synchronization

/// When a loop last completed a pass, for readiness probes: a scheduler that cannot reach its
/// database stops beating, and the probe says so.
public final class Heartbeat: Sendable {
    private let millis = Atomic<Int64>(0)

    public init() {}

    public func beat(at date: Date = Date()) {
        millis.store(Int64(date.timeIntervalSince1970 * 1000), ordering: .relaxed)
    }

    /// Nil before the first beat.
    public var last: Date? {
        let value = millis.load(ordering: .relaxed)
        return value == 0 ? nil : Date(timeIntervalSince1970: Double(value) / 1000)
    }
}
