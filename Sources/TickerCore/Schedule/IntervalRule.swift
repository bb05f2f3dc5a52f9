import Foundation

/// Fire times every fixed duration: `anchor + k * period` for every whole number `k`.
///
/// Durations are absolute, so time zones and daylight saving play no part. The anchor fixes the
/// phase of the grid, not its beginning: fire times before the anchor exist too, and a schedule's
/// `start` is what cuts them off.
struct IntervalRule: Sendable {
    /// Seconds between fires, at least 1.
    let period: Double
    /// Seconds since the reference date of `Date`, which is how `Date` keeps time.
    let anchor: Double

    init(every: Duration, anchor: Date) {
        let (seconds, attoseconds) = every.components
        period = Double(seconds) + Double(attoseconds) * 1e-18
        self.anchor = anchor.timeIntervalSinceReferenceDate
    }

    /// The first fire time strictly after `date`.
    func firstFire(after date: Date) -> Date {
        firstFire(from: date.timeIntervalSinceReferenceDate, inclusive: false)
    }

    /// The first fire time at or after `date`.
    func firstFire(atOrAfter date: Date) -> Date {
        firstFire(from: date.timeIntervalSinceReferenceDate, inclusive: true)
    }

    /// Computes the step count directly, then corrects for floating-point rounding either way.
    private func firstFire(from time: Double, inclusive: Bool) -> Date {
        func isLate(_ step: Double) -> Bool {
            let fire = anchor + step * period
            return inclusive ? fire >= time : fire > time
        }
        var step = ((time - anchor) / period).rounded(.down)
        while !isLate(step) { step += 1 }
        while isLate(step - 1) { step -= 1 }
        return Date(timeIntervalSinceReferenceDate: anchor + step * period)
    }
}
