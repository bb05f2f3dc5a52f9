import Foundation

/// The clock on the wall in one time zone: converts between instants (UTC seconds) and wall
/// times ("local seconds", see `nextMatchingWallTime`), including wall times that a daylight
/// saving change skips or repeats.
struct WallClock: Sendable {
    let timeline: ZoneTimeline

    init(zone: TimeZone) {
        timeline = ZoneTimelines.timeline(for: zone)
    }

    /// Every instant showing a given wall time lies within this distance of it (offsets stay
    /// within -12h ... +14h; the margin makes room for historical local mean times).
    static let maximumOffset = 26 * 3_600

    func wallTime(at instant: Int) -> Int {
        instant + timeline.offset(at: instant)
    }

    /// The instant a wall time is first shown, or, when a forward change skips it, the instant
    /// the change happens (the first instant after the gap).
    ///
    /// Walks the segments that could show `wall` in order. Within a segment the wall time is the
    /// instant plus a constant offset, so there is exactly one candidate per segment; the first
    /// segment whose candidate lies inside it is the first occurrence. If a segment already
    /// starts past `wall` on the clock, `wall` fell into the gap before it.
    func firstInstant(showing wall: Int) -> Int {
        var instant = wall - Self.maximumOffset
        while instant <= wall + Self.maximumOffset {
            let segment = timeline.segment(containing: instant)
            let candidate = wall - segment.offset
            if candidate < segment.start { return segment.start }
            if candidate < segment.end { return candidate }
            instant = segment.end
        }
        return wall - timeline.offset(at: wall)
    }

    /// The smallest wall time that has not yet been shown up to `instant`, rounded down to the
    /// whole second: usually the wall time at `instant`, but when `instant` lies in the second
    /// pass of a repeated stretch, the wall time where the first pass ended.
    func earliestUnshownWallTime(after instant: Int) -> Int {
        let segment = timeline.segment(containing: instant)
        let wall = instant + segment.offset
        let endOfFirstPass = segment.start + segment.offsetBefore
        return max(wall, endOfFirstPass)
    }
}
