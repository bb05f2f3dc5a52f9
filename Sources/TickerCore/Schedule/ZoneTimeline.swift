import Foundation
import Synchronization

/// The UTC offsets of one time zone over time, cached as lists of transitions.
///
/// Asking `TimeZone` costs about a microsecond per transition lookup; a schedule search needs
/// several per fire time. The timeline asks once per block of about 8.5 years, checks what it is
/// told against `secondsFromGMT(for:)` (dropping reported transitions that change nothing and
/// bisecting for any change the transition API missed), and answers later questions with a
/// binary search. All instants are whole seconds since 1970-01-01 UTC.
final class ZoneTimeline: Sendable {
    let zone: TimeZone
    private let blocks = Mutex<[Int: Block]>([:])

    init(zone: TimeZone) {
        self.zone = zone
    }

    /// One offset change: at instant `at` the offset goes from `offsetBefore` to `offsetAfter`.
    struct Transition: Sendable, Hashable {
        var at: Int
        var offsetBefore: Int
        var offsetAfter: Int
    }

    /// A stretch of time with a single offset. `start` and `end` are either real transitions or
    /// block boundaries (where `offsetBefore == offset`); `end` is exclusive.
    struct Segment: Sendable, Hashable {
        var start: Int
        var end: Int
        var offset: Int
        /// The offset just before `start`: larger than `offset` when the segment repeats wall times.
        var offsetBefore: Int
    }

    /// The segment that contains `instant`.
    func segment(containing instant: Int) -> Segment {
        let block = self.block(containing: instant)
        let transitions = block.transitions
        var low = 0
        var high = transitions.count
        while low < high {  // first transition strictly after `instant`
            let middle = (low + high) / 2
            if transitions[middle].at <= instant { low = middle + 1 } else { high = middle }
        }
        let end = low < transitions.count ? transitions[low].at : block.end
        guard low > 0 else {
            return Segment(start: block.start, end: end, offset: block.initialOffset, offsetBefore: block.initialOffset)
        }
        let previous = transitions[low - 1]
        return Segment(start: previous.at, end: end, offset: previous.offsetAfter, offsetBefore: previous.offsetBefore)
    }

    func offset(at instant: Int) -> Int {
        segment(containing: instant).offset
    }

    // MARK: Blocks

    /// 2^28 seconds, about 8.5 years: a zone has a few dozen transitions in one block at most.
    private static let blockShift = 28

    private struct Block: Sendable {
        var start: Int
        var end: Int
        /// The offset in force at `start` unless a transition happens exactly there.
        var initialOffset: Int
        var transitions: [Transition]
    }

    private func block(containing instant: Int) -> Block {
        let index = instant >> Self.blockShift
        return blocks.withLock { cache in
            if let cached = cache[index] { return cached }
            let block = scanBlock(index)
            cache[index] = block
            return block
        }
    }

    private func scanBlock(_ index: Int) -> Block {
        let start = index << Self.blockShift
        let end = (index + 1) << Self.blockShift
        var scan = TransitionScan(zone: zone, cursor: start - 1)
        let initialOffset = scan.running
        var reportsLeft = 10_000  // a guard against a misbehaving transition API
        while reportsLeft > 0, let reported = zone.nextDaylightSavingTimeTransition(after: date(scan.cursor)) {
            reportsLeft -= 1
            let instant = Int(reported.timeIntervalSince1970.rounded(.up))
            guard instant > scan.cursor, instant < end else { break }
            scan.accept(reportedAt: instant)
        }
        scan.catchUp(through: end - 1)
        return Block(start: start, end: end, initialOffset: initialOffset, transitions: scan.found)
    }
}

/// Walks forward through a zone's offsets, keeping only real changes and finding missed ones.
private struct TransitionScan {
    let zone: TimeZone
    /// Everything up to and including `cursor` has been accounted for.
    var cursor: Int
    /// The offset at `cursor`.
    var running: Int
    var found: [ZoneTimeline.Transition] = []

    init(zone: TimeZone, cursor: Int) {
        self.zone = zone
        self.cursor = cursor
        running = zone.secondsFromGMT(for: date(cursor))
    }

    /// Records the transition reported at `instant`, after checking nothing changed unseen before it.
    mutating func accept(reportedAt instant: Int) {
        catchUp(through: instant - 1)
        let after = offset(instant)
        if after != running {
            found.append(.init(at: instant, offsetBefore: running, offsetAfter: after))
            running = after
        }
        cursor = instant
    }

    /// Finds, by bisection, any offset changes in (cursor, last] that were not reported.
    mutating func catchUp(through last: Int) {
        while last > cursor, offset(last) != running {
            var low = cursor  // offset(low) == running
            var high = last   // offset(high) != running
            while high - low > 1 {
                let middle = low + (high - low) / 2
                if offset(middle) == running { low = middle } else { high = middle }
            }
            let after = offset(high)
            found.append(.init(at: high, offsetBefore: running, offsetAfter: after))
            running = after
            cursor = high
        }
        cursor = max(cursor, last)
    }

    private func offset(_ instant: Int) -> Int {
        zone.secondsFromGMT(for: date(instant))
    }
}

private func date(_ instant: Int) -> Date {
    Date(timeIntervalSince1970: Double(instant))
}

/// Shares one timeline per zone identifier across the process, so every schedule in the same
/// zone reuses the same cached transitions.
enum ZoneTimelines {
    private static let byIdentifier = Mutex<[String: ZoneTimeline]>([:])

    static func timeline(for zone: TimeZone) -> ZoneTimeline {
        byIdentifier.withLock { timelines in
            if let existing = timelines[zone.identifier] { return existing }
            let timeline = ZoneTimeline(zone: zone)
            timelines[zone.identifier] = timeline
            return timeline
        }
    }
}
