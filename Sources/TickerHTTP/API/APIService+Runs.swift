import Foundation
import TickerAPI
import TickerCore
import TickerStore

extension APIService {
    func listRuns(_ input: Operations.ListRuns.Input) async throws -> Operations.ListRuns.Output {
        let limit = try Paging.limit(input.query.limit)
        if let dag = input.query.dagId, !IdentifierRule.isValid(dag) {
            throw Problem.invalid("dag_id", "is not a DAG id: 1 to 100 letters, digits, `_`, `.` or `-`")
        }
        let states = (input.query.state ?? []).compactMap { RunState(rawValue: $0.rawValue) }
        // One more than asked tells whether another page exists without a count query.
        let runs = try await scheduler.runs(
            RunFilter(dagID: input.query.dagId, states: states, limit: limit + 1, beforeID: try Paging.runCursor(input.query.cursor)))
        let page = runs.prefix(limit)
        let next = runs.count > limit ? page.last.map { String($0.id) } : nil
        return .ok(.init(body: .json(.init(runs: page.map(Components.Schemas.Run.init), nextCursor: next))))
    }

    func getRun(_ input: Operations.GetRun.Input) async throws -> Operations.GetRun.Output {
        let detail = try await requireRun(input.path.runId)
        let tasks = detail.tasks.map { task in
            Components.Schemas.TaskInstance(
                taskId: task.taskID, state: .init(rawValue: task.state.rawValue) ?? .failed, attempts: task.attempts,
                notBefore: task.notBefore, error: task.error)
        }
        return .ok(
            .init(
                body: .json(
                    .init(run: .init(detail.run), tasks: tasks, attempts: detail.attempts.map(Components.Schemas.Attempt.init)))))
    }

    /// Long polling rather than a stream: a follower asks again with `after`, which works through
    /// every proxy and needs no connection held between lines.
    func getAttemptLog(_ input: Operations.GetAttemptLog.Input) async throws -> Operations.GetAttemptLog.Output {
        let (runID, attemptID) = (input.path.runId, input.path.attemptId)
        try Paging.check("tail", input.query.tail, in: 1...10_000)
        try Paging.check("wait", input.query.wait, in: 0...25)
        try Paging.check("after", input.query.after, in: 0...Int64.max)
        let after = input.query.after ?? 0
        let deadline = now().addingTimeInterval(TimeInterval(input.query.wait ?? 0))
        while true {
            guard let attempt = try await requireRun(runID).attempts.first(where: { $0.id == attemptID }) else {
                throw Problem.notFound("run \(runID) has no attempt \(attemptID)")
            }
            var lines = try await scheduler.logs(attemptID: attemptID, afterSequence: after)
            if let tail = input.query.tail { lines = Array(lines.suffix(tail)) }
            let finished = attempt.state != .running
            if !lines.isEmpty || finished || now() >= deadline {
                let page = Components.Schemas.LogPage(
                    attemptId: attemptID,
                    lines: lines.map { .init(sequence: $0.sequence, at: $0.at, stream: $0.stream, text: $0.text) },
                    nextAfter: lines.last?.sequence ?? after, finished: finished)
                return .ok(.init(body: .json(page)))
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}

extension Components.Schemas.Attempt {
    init(_ attempt: AttemptRecord) {
        self.init(
            id: attempt.id, taskId: attempt.taskID, number: attempt.number, owner: attempt.owner,
            state: .init(rawValue: attempt.state.rawValue) ?? .failed, startedAt: attempt.startedAt, endedAt: attempt.endedAt,
            error: attempt.error)
    }
}
