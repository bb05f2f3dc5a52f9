import Foundation
import TickerCore
import TickerStore

/// The JSON shapes of listing commands: stable, snake_case, documented in docs/cli.md.
struct DagSummary: Encodable {
    struct LastRun: Encodable {
        var id: Int64
        var state: String
        var slot: Date
    }

    var id: String
    var state: String
    var schedule: String?
    var nextSlot: Date?
    var lastRun: LastRun?

    enum CodingKeys: String, CodingKey {
        case id, state, schedule
        case nextSlot = "next_slot"
        case lastRun = "last_run"
    }

    init(_ record: DagRecord, lastRun: RunRecord?) {
        id = record.id
        state = !record.active ? "inactive" : (record.paused ? "paused" : "active")
        schedule = record.definition.schedule?.summary
        nextSlot = record.paused ? nil : record.nextSlotAt
        self.lastRun = lastRun.map { LastRun(id: $0.id, state: $0.state.rawValue, slot: $0.slotAt) }
    }
}

struct DagDetail: Encodable {
    struct TaskView: Encodable {
        var id: String
        var `operator`: String
        var dependsOn: [String]
        var triggerRule: String
        var maxAttempts: Int
        enum CodingKeys: String, CodingKey {
            case id, `operator`
            case dependsOn = "depends_on"
            case triggerRule = "trigger_rule"
            case maxAttempts = "max_attempts"
        }
    }

    var id: String
    var paused: Bool
    var active: Bool
    var origin: String
    var schedule: String?
    var misfire: String
    var overlap: String
    var maxActiveRuns: Int
    var nextFires: [Date]
    var tasks: [TaskView]

    enum CodingKeys: String, CodingKey {
        case id, paused, active, origin, schedule, misfire, overlap, tasks
        case maxActiveRuns = "max_active_runs"
        case nextFires = "next_fires"
    }

    init(_ record: DagRecord, nextFires: [Date]) {
        let def = record.definition
        id = def.id
        paused = record.paused
        active = record.active
        origin = def.origin
        schedule = def.schedule?.summary
        misfire = def.misfire.summary
        overlap = def.overlap.rawValue
        maxActiveRuns = def.maxActiveRuns
        self.nextFires = nextFires
        tasks = def.tasks.map {
            TaskView(id: $0.id, operator: $0.operatorName, dependsOn: $0.dependsOn, triggerRule: $0.triggerRule.rawValue, maxAttempts: $0.retry.maxAttempts)
        }
    }
}

struct RunView: Encodable {
    var id: Int64
    var dag: String
    var slot: Date
    var kind: String
    var state: String
    var reason: String?
    var createdAt: Date
    var startedAt: Date?
    var endedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, dag, slot, kind, state, reason
        case createdAt = "created_at"
        case startedAt = "started_at"
        case endedAt = "ended_at"
    }

    init(_ run: RunRecord) {
        id = run.id
        dag = run.dagID
        slot = run.slotAt
        kind = run.kind.rawValue
        state = run.state.rawValue
        reason = run.reason
        createdAt = run.createdAt
        startedAt = run.startedAt
        endedAt = run.endedAt
    }
}

struct RunDetailView: Encodable {
    struct TaskView: Encodable {
        var id: String
        var state: String
        var attempts: Int
        var error: String?
        var output: JSONValue?
    }

    struct AttemptView: Encodable {
        var id: Int64
        var task: String
        var number: Int
        var state: String
        var owner: String
        var startedAt: Date
        var endedAt: Date?
        var error: String?
        enum CodingKeys: String, CodingKey {
            case id, task, number, state, owner, error
            case startedAt = "started_at"
            case endedAt = "ended_at"
        }
    }

    var run: RunView
    var tasks: [TaskView]
    var attempts: [AttemptView]

    init(_ detail: RunDetail) {
        run = RunView(detail.run)
        tasks = detail.tasks.map { TaskView(id: $0.taskID, state: $0.state.rawValue, attempts: $0.attempts, error: $0.error, output: $0.output) }
        attempts = detail.attempts.map {
            AttemptView(id: $0.id, task: $0.taskID, number: $0.number, state: $0.state.rawValue, owner: $0.owner, startedAt: $0.startedAt, endedAt: $0.endedAt, error: $0.error)
        }
    }
}
