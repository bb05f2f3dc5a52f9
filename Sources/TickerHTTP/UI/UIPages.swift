import Foundation
import Hummingbird
import TickerAPI
import TickerStore

/// The pages: each reads through an API handler and turns its answer into template values.
extension UIRoutes {
    static func time(_ date: Date?) -> String {
        date.map { RFC3339.format($0).replacingOccurrences(of: ".000Z", with: "Z") } ?? "–"
    }

    func dagList(_ session: Sessions.Session) async throws -> Response {
        let dags = try await service.listDags(.init()).ok.body.json.dags
        let rows: [[String: Any]] = dags.map { dag in
            var row: [String: Any] = [
                "id": dag.id, "state": dag.state.rawValue, "schedule": dag.schedule ?? "trigger only",
                "nextSlot": Self.time(dag.nextSlot), "toggle": dag.paused ? "unpause" : "pause", "csrf": session.csrf,
            ]
            if let run = dag.lastRun { row["lastRun"] = ["id": run.id, "state": run.state.rawValue, "slot": Self.time(run.slot)] }
            return row
        }
        return page("dags", title: "DAGs", ["dags": rows], session: session)
    }

    func nodesPage(_ session: Sessions.Session) async throws -> Response {
        let list = try await service.listNodes(.init()).ok.body.json
        let rows: [[String: Any]] = list.nodes.map { node in
            [
                "id": node.id, "status": node.status.rawValue, "host": node.host, "pid": node.pid,
                "roles": node.roles.map(\.rawValue).joined(separator: ", "), "version": node.version,
                "started": Self.time(node.startedAt), "heartbeat": Self.time(node.heartbeatAt),
            ]
        }
        return page("nodes", title: "Nodes", ["nodes": rows, "count": rows.count, "lease": list.leaseSeconds], session: session, refresh: 10)
    }

    func dagPage(_ id: String, _ session: Sessions.Session) async throws -> Response {
        let dag = try await service.getDag(.init(path: .init(dagId: id))).ok.body.json
        let runs = try await service.listRuns(.init(query: .init(dagId: id, limit: 20))).ok.body.json.runs
        let graph = SVG.dagGraph(tasks: dag.tasks.map { ($0.id, $0.dependsOn) }, title: "Task graph of \(dag.id)")
        let values: [String: Any] = [
            "id": dag.id, "state": dag.state.rawValue, "description": dag.description ?? "", "schedule": dag.schedule ?? "trigger only",
            "misfire": dag.misfire, "overlap": dag.overlap, "maxActiveRuns": dag.maxActiveRuns, "origin": dag.origin,
            "nextFires": dag.nextFires.map { Self.time($0) }, "graph": graph, "toggle": dag.paused ? "unpause" : "pause",
            "tasks": dag.tasks.map {
                [
                    "id": $0.id, "operator": $0._operator, "dependsOn": $0.dependsOn.isEmpty ? "–" : $0.dependsOn.joined(separator: ", "),
                    "triggerRule": $0.triggerRule, "maxAttempts": $0.maxAttempts,
                ] as [String: Any]
            },
            "runs": runs.map { ["id": $0.id, "state": $0.state.rawValue, "kind": $0.kind.rawValue, "slot": Self.time($0.slot)] as [String: Any] },
        ]
        return page("dag", title: "DAG \(dag.id)", values, session: session)
    }

    func act(_ action: String, dag: String) async throws -> Response {
        switch action {
        case "pause": _ = try await service.pauseDag(.init(path: .init(dagId: dag))).ok
        case "unpause": _ = try await service.unpauseDag(.init(path: .init(dagId: dag))).ok
        default:
            let run = try await service.triggerDag(.init(path: .init(dagId: dag))).created.body.json
            return .redirect(to: "/ui/runs/\(run.id)", type: .normal)
        }
        return .redirect(to: "/ui/dags/\(dag)", type: .normal)
    }

    func runPage(_ id: Int64, _ session: Sessions.Session) async throws -> Response {
        let detail = try await service.getRun(.init(path: .init(runId: id))).ok.body.json
        let run = detail.run
        let dag = try? await service.getDag(.init(path: .init(dagId: run.dagId))).ok.body.json
        let states = Dictionary(detail.tasks.map { ($0.taskId, $0.state.rawValue) }, uniquingKeysWith: { first, _ in first })
        let graph = dag.map { SVG.dagGraph(tasks: $0.tasks.map { ($0.id, $0.dependsOn) }, states: states, title: "Tasks of run \(id) by state") } ?? ""
        let timeline = SVG.timeline(
            attempts: detail.attempts.map { ("\($0.taskId) #\($0.number)", $0.startedAt, $0.endedAt, $0.state.rawValue) }, now: Date(),
            title: "Attempts of run \(id) over time")
        let attempts: [[String: Any]] = detail.attempts.map { attempt in
            let seconds = (attempt.endedAt ?? Date()).timeIntervalSince(attempt.startedAt)
            return [
                "id": attempt.id, "runID": id, "task": attempt.taskId, "number": attempt.number, "state": attempt.state.rawValue,
                "started": Self.time(attempt.startedAt), "duration": String(format: "%.2f s", seconds),
            ]
        }
        var values: [String: Any] = [
            "id": run.id, "dagID": run.dagId, "state": run.state.rawValue, "kind": run.kind.rawValue, "slot": Self.time(run.slot),
            "started": Self.time(run.startedAt), "ended": Self.time(run.endedAt), "graph": graph, "timeline": timeline,
            "attempts": attempts,
        ]
        if let reason = run.reason { values["reason"] = reason }
        let active = run.state == .running || run.state == .queued
        return page("run", title: "Run \(id)", values, session: session, refresh: active ? 2 : nil)
    }

    func logPage(run: Int64, attempt: Int64, _ session: Sessions.Session) async throws -> Response {
        let detail = try await service.getRun(.init(path: .init(runId: run))).ok.body.json
        guard let record = detail.attempts.first(where: { $0.id == attempt }) else { throw Problem.notFound("run \(run) has no attempt \(attempt)") }
        let log = try await service.getAttemptLog(.init(path: .init(runId: run, attemptId: attempt))).ok.body.json
        let values: [String: Any] = [
            "runID": run, "task": record.taskId, "number": record.number, "state": record.state.rawValue, "running": !log.finished,
            "text": log.lines.map(\.text).joined(),
        ]
        return page("log", title: "Log of \(record.taskId)", values, session: session, refresh: log.finished ? nil : 2)
    }

    func isinPage(_ query: String?, _ session: Sessions.Session) async throws -> Response {
        var values: [String: Any] = ["query": query ?? ""]
        if let query, !query.isEmpty {
            let found = try await service.searchIsins(.init(query: .init(q: String(query.prefix(200)), limit: 50))).ok.body.json.instruments
            values["searched"] = true
            values["resultCount"] = found.count
            values["results"] = found.map { ["isin": $0.isin, "name": $0.name ?? "", "cfi": $0.cfi ?? "", "currency": $0.currency ?? ""] }
        }
        let snapshots = try await service.listSnapshots(.init(query: .init(limit: 60))).ok.body.json.snapshots
        let chart = SVG.barChart(snapshots.reversed().map { ("#\($0.id) \(Self.time($0.publishedAt))", $0.valid) }, title: "Instruments per snapshot")
        if !chart.isEmpty { values["chart"] = chart }
        if let latest = snapshots.first {
            let diff = try await service.diffSnapshot(.init(path: .init(snapshotId: latest.id), query: .init(limit: 50))).ok.body.json
            values["latest"] = [
                "from": diff.from, "to": diff.to, "count": diff.entries.count,
                "entries": diff.entries.map { ["isin": $0.isin, "kind": $0.kind.rawValue, "before": $0.before?.name ?? "", "after": $0.after?.name ?? ""] },
            ] as [String: Any]
        }
        return page("isins", title: "ISINs", values, session: session)
    }
}
