import Foundation

/// Fire times in a time zone, and what happens around daylight saving changes.
///
/// Two rules, chosen by the hour field:
/// - **Every hour** (`coversAllHours`): the expression fires at every instant whose wall time
///   matches. In a repeated hour it fires in both passes; wall times a forward change skips never
///   happen, so nothing fires for them. A job meant to run "every 15 minutes" keeps its rhythm.
/// - **Fixed hours**: the expression fires once per matching wall time. A skipped wall time fires
///   at the first instant after the gap; a repeated one fires at its first occurrence; several
///   wall times landing on the same instant fire once. A job meant to run "daily at 02:30" runs
///   exactly once every day.
extension CronExpression {
    /// How far ahead a search looks. Every expression that can fire does so within about 12
    /// years (a fixed date on a fixed weekday, across a century year that is not a leap year).
    static let searchHorizon = 28 * 366 * 86_400

    /// The first fire time strictly after `after`, in whole seconds, or nil if the expression
    /// never fires (see `canFire`).
    public func nextFire(after: Date, in zone: TimeZone) -> Date? {
        guard canFire else { return nil }
        return nextFire(after: after, on: WallClock(zone: zone))
    }

    func nextFire(after: Date, on clock: WallClock) -> Date? {
        let seconds = after.timeIntervalSince1970.rounded(.down)
        guard canFire, seconds.magnitude < 1e15 else { return nil }
        let instant = Int(seconds)
        let fire = coversAllHours
            ? nextFireAtEveryMatchingInstant(after: instant, on: clock.timeline)
            : nextFireOncePerWallTime(after: instant, on: clock)
        return fire.map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// Segment by segment of constant offset: inside one, the wall time is the instant plus the
    /// offset, so the next matching wall time maps straight back to an instant. If it lies beyond
    /// the segment, the search continues where the next segment starts on the wall clock, which
    /// is earlier for a repeated stretch and later for a gap.
    private func nextFireAtEveryMatchingInstant(after instant: Int, on timeline: ZoneTimeline) -> Int? {
        var earliest = instant + 1
        let stop = instant + Self.searchHorizon
        while earliest <= stop {
            let segment = timeline.segment(containing: earliest)
            let last = min(segment.end - 1, stop)
            if let wall = nextMatchingWallTime(atOrAfter: earliest + segment.offset, notAfter: last + segment.offset) {
                return wall - segment.offset
            }
            earliest = segment.end
        }
        return nil
    }

    /// Walks matching wall times in order and resolves each to the instant it fires at; the
    /// first one after `instant` wins. Wall times already shown by `instant` resolve to earlier
    /// instants, so the walk starts at the first wall time not yet shown.
    private func nextFireOncePerWallTime(after instant: Int, on clock: WallClock) -> Int? {
        var wall = clock.earliestUnshownWallTime(after: instant)
        let stop = wall + Self.searchHorizon
        while let match = nextMatchingWallTime(atOrAfter: wall, notAfter: stop) {
            let fire = clock.firstInstant(showing: match)
            if fire > instant { return fire }
            wall = match + 1
        }
        return nil
    }
}
