import Foundation
import TickerCore
import TickerStore

/// The answer to "what happened to this slot, and why?".
public struct SlotExplanation: Sendable, Encodable {
    public var dag: String
    /// The nominal slot time explained; nil when the DAG has no slot near the asked time.
    public var slot: Date?
    public var runID: Int64?
    /// The slot's final or current state, or `none` when no run exists for it.
    public var state: String
    /// Sentences, most important first.
    public var reasons: [String]

    enum CodingKeys: String, CodingKey {
        case dag, slot, state, reasons
        case runID = "run_id"
    }
}

/// Explains slots from the store's records: the run row, its tasks and attempts, and DAG events
/// (pauses, schedule changes) for slots that have no run.
public struct SlotExplainer: Sendable {
    let store: any SchedulerStore

    public init(store: any SchedulerStore) {
        self.store = store
    }

    /// Explains the slot at or just before `time`, or the latest slot when `time` is nil.
    public func explain(dagID: String, at time: Date?, now: Date = Date()) async throws -> SlotExplanation {
        guard let dag = try await store.dag(dagID) else { throw StoreError.dagNotFound(dagID) }
        let slot = try await slotTime(dag, at: time, now: now)
        guard let slot else {
            return SlotExplanation(dag: dagID, slot: nil, runID: nil, state: "none", reasons: [noSlotReason(dag, time: time)])
        }
        let runs = try await store.runs(dagID: dagID, slotsFrom: slot, through: slot).filter { $0.kind != .manual }
        guard let run = runs.first else {
            return SlotExplanation(
                dag: dagID, slot: slot, runID: nil, state: "none", reasons: try await missingRunReasons(dag, slot: slot, now: now))
        }
        return SlotExplanation(
            dag: dagID, slot: slot, runID: run.id, state: run.state.rawValue, reasons: try await runReasons(run))
    }

    /// The slot to explain: the schedule's fire time at or before `time`, else the latest run's.
    private func slotTime(_ dag: DagRecord, at time: Date?, now: Date) async throws -> Date? {
        guard let time else {
            return try await store.runs(RunFilter(dagID: dag.id, limit: 1)).first?.slotAt
        }
        guard let schedule = try? dag.definition.schedule?.compile() else { return nil }
        // Growing windows find the previous fire time cheaply for dense and sparse schedules alike:
        // a window that holds fewer fires than the limit holds the latest one.
        let limit = 10_000
        for window: TimeInterval in [60, 3_600, 86_400, 40 * 86_400, 400 * 86_400] {
            let fires = schedule.fireTimes(after: time.addingTimeInterval(-window), through: time, limit: limit)
            if let last = fires.last, fires.count < limit { return last }
        }
        return nil
    }

    private func noSlotReason(_ dag: DagRecord, time: Date?) -> String {
        guard dag.definition.schedule != nil else { return "\(dag.id) has no schedule; it runs only when triggered" }
        guard let time else { return "\(dag.id) has no run yet" }
        return "\(dag.id)'s schedule has no fire time at or before \(time.formatted(.iso8601)) (within 400 days)"
    }

    private func missingRunReasons(_ dag: DagRecord, slot: Date, now: Date) async throws -> [String] {
        let iso = slot.formatted(.iso8601)
        if let next = dag.nextSlotAt, slot >= next {
            return ["the slot \(iso) is not due yet; the next slot the scheduler will record is \(next.formatted(.iso8601))"]
        }
        let events = try await store.events(dagID: dag.id, limit: 500)
        let before = events.filter { $0.at <= slot }
        if let created = events.last, created.kind == "created", created.at > slot {
            return ["\(dag.id) was first registered at \(created.at.formatted(.iso8601)), after this slot; use `ticker backfill` for earlier slots"]
        }
        if let last = before.first(where: { $0.kind == "paused" || $0.kind == "unpaused" || $0.kind == "deactivated" || $0.kind == "updated" }) {
            switch last.kind {
            case "paused": return ["\(dag.id) was paused at \(last.at.formatted(.iso8601)); a paused DAG has no slots"]
            case "deactivated": return ["\(dag.id) was inactive since \(last.at.formatted(.iso8601)) (its file was removed)"]
            default: break
            }
        }
        if let change = events.first(where: { $0.kind == "updated" && $0.at > slot && ($0.detail ?? "").contains("schedule") }) {
            return ["the schedule changed at \(change.at.formatted(.iso8601)); slots of the old schedule after the change are not run"]
        }
        return ["no run was recorded for \(iso); if the scheduler had recorded it, it would be here (check `ticker dags show \(dag.id)`)"]
    }

    private func runReasons(_ run: RunRecord) async throws -> [String] {
        var reasons: [String] = []
        let kind = run.kind == .backfill ? "backfill run" : "run"
        switch run.state {
        case .succeeded: reasons.append("\(kind) \(run.id) succeeded")
        case .failed: reasons.append("\(kind) \(run.id) failed" + (run.reason.map { ": \($0)" } ?? ""))
        case .cancelled: reasons.append("\(kind) \(run.id) was cancelled" + (run.reason.map { ": \($0)" } ?? ""))
        case .skippedOverlap: reasons.append("skipped because another run was active: \(run.reason ?? "overlap policy")")
        case .skippedMisfire: reasons.append("skipped because the slot was missed: \(run.reason ?? "misfire policy")")
        case .queued: reasons.append("\(kind) \(run.id) is queued behind an active run of the same DAG")
        case .running: reasons.append("\(kind) \(run.id) is running")
        }
        guard let detail = try await store.run(run.id) else { return reasons }
        for task in detail.tasks where task.state != .succeeded {
            let attempts = detail.attempts.filter { $0.taskID == task.taskID }
            var line = "task \(task.taskID): \(task.state.rawValue)"
            if !attempts.isEmpty {
                let summary = attempts.map { "#\($0.number) \($0.state.rawValue)\($0.error.map { " (\($0))" } ?? "")" }
                line += " after \(attempts.count) attempt(s): " + summary.joined(separator: "; ")
            } else if let error = task.error {
                line += " (\(error))"
            }
            reasons.append(line)
        }
        return reasons
    }
}
