import Foundation

/// What to do with one slot that has come due.
public enum SlotDecision: Sendable, Hashable {
    case start
    case queue
    case skipMisfire(reason: String)
    case skipOverlap(reason: String)

    public var runState: RunState {
        switch self {
        case .start: .running
        case .queue: .queued
        case .skipMisfire: .skippedMisfire
        case .skipOverlap: .skippedOverlap
        }
    }

    public var reason: String? {
        switch self {
        case .start, .queue: nil
        case .skipMisfire(let reason), .skipOverlap(let reason): reason
        }
    }
}

/// The scheduler's decisions for a batch of due slots, made in one place from the DAG's misfire and
/// overlap policies so that both stores apply exactly the same rules.
public struct SlotPlan: Sendable, Hashable {
    public var decisions: [(slot: Date, decision: SlotDecision)]
    /// `cancel_other`: the runs active before this batch must be cancelled.
    public var cancelActiveRuns: Bool

    public static func == (lhs: SlotPlan, rhs: SlotPlan) -> Bool {
        lhs.cancelActiveRuns == rhs.cancelActiveRuns
            && lhs.decisions.map(\.slot) == rhs.decisions.map(\.slot)
            && lhs.decisions.map(\.decision) == rhs.decisions.map(\.decision)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(cancelActiveRuns)
        for d in decisions {
            hasher.combine(d.slot)
            hasher.combine(d.decision)
        }
    }
}

/// Runs of a DAG that are not final when new slots come due.
public struct ActiveRuns: Sendable, Hashable {
    public var running: Int
    public var queued: Int
    public init(running: Int, queued: Int) {
        self.running = running
        self.queued = queued
    }
}

extension DagDefinition {
    /// How many runs of this DAG may run at once: `max_active_runs` under `allow`, one otherwise.
    public var concurrencyLimit: Int {
        overlap == .allow ? max(maxActiveRuns, 1) : 1
    }

    /// Decides the fate of `due` slots (ascending nominal times) materialized at `now`.
    ///
    /// Slots younger than the misfire grace are on time and always considered; older ones are missed
    /// and kept only as the misfire policy allows. The kept ones then meet the overlap policy.
    public func planSlots(_ due: [Date], now: Date, active: ActiveRuns) -> SlotPlan {
        let kept = slotsKeptAfterMisfire(due, now: now)
        var running = active.running
        var queued = active.queued
        var cancel = false
        var decisions: [(slot: Date, decision: SlotDecision)] = []
        for slot in due {
            guard kept.contains(slot) else {
                decisions.append((slot, .skipMisfire(reason: misfireReason(slot, now: now))))
                continue
            }
            let decision = overlapDecision(running: running, queued: queued)
            switch decision {
            case .start where overlap == .cancelOther && running > 0:
                cancel = true
                running = 1
            case .start: running += 1
            case .queue: queued += 1
            default: break
            }
            decisions.append((slot, decision))
        }
        return SlotPlan(decisions: decisions, cancelActiveRuns: cancel)
    }

    private func slotsKeptAfterMisfire(_ due: [Date], now: Date) -> Set<Date> {
        let graceSeconds = misfireGrace.seconds
        let onTime = due.filter { now.timeIntervalSince($0) <= graceSeconds }
        let missed = due.filter { now.timeIntervalSince($0) > graceSeconds }
        var kept = Set(onTime)
        switch misfire {
        case .skip:
            break
        case .latestOnce:
            if onTime.isEmpty, let latest = missed.last { kept.insert(latest) }
        case .all(let cap):
            kept.formUnion(missed.suffix(max(cap, 0)))
        }
        return kept
    }

    private func misfireReason(_ slot: Date, now: Date) -> String {
        let late = Int(now.timeIntervalSince(slot))
        let policy: String =
            switch misfire {
            case .skip: "misfire policy skip runs no missed slot"
            case .latestOnce: "misfire policy latest_once runs only the most recent missed slot"
            case .all(let cap): "misfire policy all runs at most the \(cap) most recent missed slots"
            }
        return "missed by \(late)s (grace \(Int(misfireGrace.seconds))s); \(policy)"
    }

    private func overlapDecision(running: Int, queued: Int) -> SlotDecision {
        let limit = concurrencyLimit
        if running < limit && queued == 0 { return .start }
        switch overlap {
        case .skip:
            return .skipOverlap(reason: "overlap policy skip: \(running) run(s) still active")
        case .bufferOne:
            return queued == 0
                ? .queue : .skipOverlap(reason: "overlap policy buffer_one: a run is already queued")
        case .bufferAll:
            return .queue
        case .cancelOther:
            return .start
        case .allow:
            return .queue
        }
    }
}
