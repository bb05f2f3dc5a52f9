import Foundation
import TickerAPI
import TickerCore
import TickerEngine
import TickerStore

extension APIService {
    /// Slots a backfill or a slot listing may cover at once.
    static let maxSlotsPerRequest = 1000

    func listDags(_ input: Operations.ListDags.Input) async throws -> Operations.ListDags.Output {
        var dags: [Components.Schemas.DagSummary] = []
        for dag in try await scheduler.dags() {
            dags.append(.init(dag, lastRun: try await scheduler.lastRun(dagID: dag.id)))
        }
        return .ok(.init(body: .json(.init(dags: dags))))
    }

    func getDag(_ input: Operations.GetDag.Input) async throws -> Operations.GetDag.Output {
        let dag = try await requireDag(input.path.dagId)
        let definition = dag.definition
        let nextFires =
            dag.paused || !dag.active
            ? [] : ((try? definition.schedule?.compile())?.fireTimes(after: now(), through: .distantFuture, limit: 5) ?? [])
        let tasks = definition.tasks.map { task in
            Components.Schemas.DagTask(
                id: task.id, _operator: task.operatorName, dependsOn: task.dependsOn, triggerRule: task.triggerRule.rawValue,
                maxAttempts: task.retry.maxAttempts, timeoutSeconds: task.timeout.map(\.seconds))
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        id: dag.id, description: definition.description, state: .init(rawValue: dag.stateName) ?? .active,
                        paused: dag.paused, active: dag.active, origin: definition.origin, schedule: definition.schedule?.summary,
                        timeZone: definition.schedule?.timeZone, misfire: definition.misfire.summary,
                        overlap: definition.overlap.rawValue, maxActiveRuns: definition.maxActiveRuns,
                        runTimeoutSeconds: definition.runTimeout.map(\.seconds), nextFires: nextFires, tasks: tasks))))
    }

    func pauseDag(_ input: Operations.PauseDag.Input) async throws -> Operations.PauseDag.Output {
        .ok(.init(body: .json(try await setPaused(input.path.dagId, true))))
    }

    func unpauseDag(_ input: Operations.UnpauseDag.Input) async throws -> Operations.UnpauseDag.Output {
        .ok(.init(body: .json(try await setPaused(input.path.dagId, false))))
    }

    private func setPaused(_ id: String, _ paused: Bool) async throws -> Components.Schemas.DagSummary {
        _ = try await requireDag(id)
        try await reportingStoreErrors { try await scheduler.setPaused(id, paused, now: now()) }
        if !paused { wake() }
        let dag = try await requireDag(id)
        return .init(dag, lastRun: try await scheduler.lastRun(dagID: id))
    }

    func triggerDag(_ input: Operations.TriggerDag.Input) async throws -> Operations.TriggerDag.Output {
        var conf = JSONValue.object([:])
        if case .json(let body) = input.body, let payload = body.conf {
            conf = try JSONValueBridge.convert(payload.additionalProperties, to: JSONValue.self)
        }
        let run = try await reportingStoreErrors {
            try await scheduler.trigger(dagID: input.path.dagId, conf: conf, now: now())
        }
        wake()
        return .created(.init(body: .json(.init(run))))
    }

    func backfillDag(_ input: Operations.BackfillDag.Input) async throws -> Operations.BackfillDag.Output {
        guard case .json(let body) = input.body else { throw Problem(kind: .unsupportedMediaType) }
        let dag = try await requireDag(input.path.dagId)
        _ = try window(dag, from: body.from, to: body.to)
        let runs = try await reportingStoreErrors {
            try await scheduler.backfill(dagID: dag.id, from: body.from, to: body.to, now: now())
        }
        if !runs.isEmpty { wake() }
        return .created(.init(body: .json(.init(runs: runs.map(Components.Schemas.Run.init)))))
    }

    func listSlots(_ input: Operations.ListSlots.Input) async throws -> Operations.ListSlots.Output {
        let dag = try await requireDag(input.path.dagId)
        let (from, to) = (input.query.from, input.query.to)
        let fires = try window(dag, from: from, to: to)
        let runs = try await scheduler.runs(dagID: dag.id, slotsFrom: from, through: to).filter { $0.kind != .manual }
        let runBySlot = Dictionary(runs.map { ($0.slotAt, $0) }, uniquingKeysWith: { first, _ in first })
        let slots = fires.map { at in
            let run = runBySlot[at]
            return Components.Schemas.Slot(at: at, runId: run?.id, state: run.map { .init($0.state) })
        }
        return .ok(.init(body: .json(.init(dagId: dag.id, slots: slots))))
    }

    /// The schedule's fire times in [from, to], refusing windows that are reversed or hold more
    /// slots than one request may cover.
    private func window(_ dag: DagRecord, from: Date, to: Date) throws -> [Date] {
        guard from <= to else { throw Problem(kind: .unprocessable, detail: "`from` is after `to`") }
        guard let schedule = try? dag.definition.schedule?.compile() else {
            throw Problem(kind: .unprocessable, detail: "DAG '\(dag.id)' has no schedule, so it has no slots")
        }
        let fires = schedule.fireTimes(after: from.addingTimeInterval(-0.001), through: to, limit: Self.maxSlotsPerRequest + 1)
        guard fires.count <= Self.maxSlotsPerRequest else {
            throw Problem(
                kind: .unprocessable,
                detail: "the window holds more than \(Self.maxSlotsPerRequest) slots of '\(dag.id)'; split it into smaller windows")
        }
        return fires
    }

    func explainSlot(_ input: Operations.ExplainSlot.Input) async throws -> Operations.ExplainSlot.Output {
        _ = try await requireDag(input.path.dagId)
        let explanation = try await reportingStoreErrors {
            try await SlotExplainer(store: scheduler).explain(dagID: input.path.dagId, at: input.query.at, now: now())
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        dagId: explanation.dag, slot: explanation.slot, runId: explanation.runID, state: explanation.state,
                        reasons: explanation.reasons))))
    }
}

extension Duration {
    var seconds: Double {
        let (whole, atto) = components
        return Double(whole) + Double(atto) / 1e18
    }
}
