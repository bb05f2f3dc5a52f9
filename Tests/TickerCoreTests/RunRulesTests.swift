import Foundation
import Testing
@testable import TickerCore

@Suite("Trigger rules")
struct TriggerRuleTests {
    @Test("all_success waits, readies, skips and fails as upstream states require")
    func allSuccess() {
        let rule = TriggerRule.allSuccess
        #expect(rule.decide(upstream: [.succeeded, .running]) == .wait)
        #expect(rule.decide(upstream: [.succeeded, .succeeded]) == .ready)
        #expect(rule.decide(upstream: [.failed, .running]) == .upstreamFailed)
        #expect(rule.decide(upstream: [.succeeded, .skipped]) == .skip)
        #expect(rule.decide(upstream: [.upstreamFailed]) == .upstreamFailed)
    }

    @Test("one_success fires on the first success; one_failed on the first failure")
    func oneRules() {
        #expect(TriggerRule.oneSuccess.decide(upstream: [.succeeded, .running]) == .ready)
        #expect(TriggerRule.oneSuccess.decide(upstream: [.failed, .failed]) == .upstreamFailed)
        #expect(TriggerRule.oneSuccess.decide(upstream: [.skipped, .skipped]) == .skip)
        #expect(TriggerRule.oneFailed.decide(upstream: [.failed, .running]) == .ready)
        #expect(TriggerRule.oneFailed.decide(upstream: [.succeeded, .succeeded]) == .skip)
        #expect(TriggerRule.oneFailed.decide(upstream: [.succeeded, .running]) == .wait)
    }

    @Test("all_done and none_failed")
    func doneRules() {
        #expect(TriggerRule.allDone.decide(upstream: [.failed, .skipped, .succeeded]) == .ready)
        #expect(TriggerRule.allDone.decide(upstream: [.failed, .ready]) == .wait)
        #expect(TriggerRule.noneFailed.decide(upstream: [.skipped, .succeeded]) == .ready)
        #expect(TriggerRule.noneFailed.decide(upstream: [.failed, .running]) == .upstreamFailed)
    }
}

@Suite("Run progress")
struct RunProgressTests {
    let dag = DagDefinition(
        id: "d",
        tasks: [
            TaskDefinition(id: "a", operatorName: "noop"),
            TaskDefinition(id: "b", operatorName: "noop", dependsOn: ["a"]),
            TaskDefinition(id: "c", operatorName: "noop", dependsOn: ["b"]),
            TaskDefinition(id: "cleanup", operatorName: "noop", dependsOn: ["a", "b", "c"], triggerRule: .oneFailed),
        ])

    @Test("roots start ready, the rest wait")
    func initial() {
        let states = RunProgress(dag: dag).initialStates()
        #expect(states == ["a": .ready, "b": .waiting, "c": .waiting, "cleanup": .waiting])
    }

    @Test("a failure cascades as upstream_failed and readies the one_failed clean-up")
    func failureCascade() {
        var states = RunProgress(dag: dag).initialStates()
        states["a"] = .failed
        let changes = RunProgress(dag: dag).propagate(states)
        #expect(changes == ["b": .upstreamFailed, "c": .upstreamFailed, "cleanup": .ready])
    }

    @Test("success skips the clean-up and the run succeeds")
    func successPath() {
        var states = RunProgress(dag: dag).initialStates()
        states["a"] = .succeeded
        states["b"] = .succeeded
        states["c"] = .succeeded
        let changes = RunProgress(dag: dag).propagate(states)
        #expect(changes == ["cleanup": .skipped])
        states.merge(changes) { $1 }
        #expect(RunProgress.outcome(of: Array(states.values)) == .succeeded)
    }

    @Test("a run with a failed task fails even when its clean-up succeeded")
    func outcome() {
        #expect(RunProgress.outcome(of: [.failed, .upstreamFailed, .succeeded]) == .failed)
        #expect(RunProgress.outcome(of: [.succeeded, .running]) == nil)
        #expect(RunProgress.outcome(of: [.succeeded, .cancelled]) == .cancelled)
    }
}

@Suite("Slot planning: misfire and overlap")
struct SlotPlannerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func slots(_ ages: [TimeInterval]) -> [Date] { ages.map { now.addingTimeInterval(-$0) } }

    func dag(misfire: MisfirePolicy = .latestOnce, overlap: OverlapPolicy = .skip, maxActive: Int = 1) -> DagDefinition {
        DagDefinition(
            id: "d", misfire: misfire, misfireGrace: .seconds(60), overlap: overlap, maxActiveRuns: maxActive,
            tasks: [TaskDefinition(id: "t", operatorName: "noop")])
    }

    func states(_ plan: SlotPlan) -> [RunState] { plan.decisions.map(\.decision.runState) }

    @Test("latest_once runs only the newest missed slot")
    func latestOnce() {
        let plan = dag().planSlots(slots([3600, 2400, 1200]), now: now, active: .init(running: 0, queued: 0))
        #expect(states(plan) == [.skippedMisfire, .skippedMisfire, .running])
    }

    @Test("latest_once prefers an on-time slot to any missed one")
    func latestOnceWithOnTime() {
        let plan = dag().planSlots(slots([3600, 30]), now: now, active: .init(running: 0, queued: 0))
        #expect(states(plan) == [.skippedMisfire, .running])
    }

    @Test("skip runs no missed slot but always the on-time one")
    func skip() {
        let plan = dag(misfire: .skip).planSlots(slots([3600, 1200, 10]), now: now, active: .init(running: 0, queued: 0))
        #expect(states(plan) == [.skippedMisfire, .skippedMisfire, .running])
    }

    @Test("all with a cap keeps the newest missed slots, which then queue behind each other")
    func allCapped() {
        let plan = dag(misfire: .all(cap: 2), overlap: .bufferAll)
            .planSlots(slots([4000, 3000, 2000, 1000]), now: now, active: .init(running: 0, queued: 0))
        #expect(states(plan) == [.skippedMisfire, .skippedMisfire, .running, .queued])
    }

    @Test("overlap skip records skipped_overlap while a run is active")
    func overlapSkip() {
        let plan = dag().planSlots(slots([0]), now: now, active: .init(running: 1, queued: 0))
        #expect(states(plan) == [.skippedOverlap])
        #expect(plan.decisions[0].decision.reason?.contains("still active") == true)
    }

    @Test("buffer_one queues one slot and skips the next")
    func bufferOne() {
        let plan = dag(misfire: .all(cap: 10), overlap: .bufferOne).planSlots(slots([20, 10]), now: now, active: .init(running: 1, queued: 0))
        #expect(states(plan) == [.queued, .skippedOverlap])
    }

    @Test("buffer_all queues every slot")
    func bufferAll() {
        let plan = dag(overlap: .bufferAll).planSlots(slots([20, 10]), now: now, active: .init(running: 1, queued: 1))
        #expect(states(plan) == [.queued, .queued])
    }

    @Test("cancel_other starts the new slot and cancels the active run")
    func cancelOther() {
        let plan = dag(overlap: .cancelOther).planSlots(slots([0]), now: now, active: .init(running: 1, queued: 0))
        #expect(states(plan) == [.running])
        #expect(plan.cancelActiveRuns)
    }

    @Test("allow starts alongside active runs up to max_active_runs, then queues")
    func allow() {
        let plan = dag(overlap: .allow, maxActive: 2).planSlots(slots([20, 10]), now: now, active: .init(running: 1, queued: 0))
        #expect(states(plan) == [.running, .queued])
    }
}

@Suite("Retry rules")
struct RetryRuleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a failure is retried until max attempts, with backoff")
    func retries() {
        let task = TaskDefinition(
            id: "t", operatorName: "noop",
            retry: RetryPolicy(maxAttempts: 3, backoff: .exponential(base: .seconds(10), cap: .seconds(15)), jitter: false))
        let first = task.transition(after: .failed(error: "x"), history: .init(failures: 1, lost: 0), now: now, unit: 0)
        #expect(first.state == .ready)
        #expect(first.notBefore == now.addingTimeInterval(10))
        let second = task.transition(after: .failed(error: "x"), history: .init(failures: 2, lost: 0), now: now, unit: 0)
        #expect(second.notBefore == now.addingTimeInterval(15))
        let last = task.transition(after: .timedOut(after: .seconds(5)), history: .init(failures: 3, lost: 0), now: now, unit: 0)
        #expect(last.state == .failed)
        #expect(last.error == "timed out after 5s")
    }

    @Test("jitter draws the delay from [delay/2, delay]")
    func jitter() {
        let policy = RetryPolicy(maxAttempts: 5, backoff: .fixed(delay: .seconds(10)), jitter: true)
        #expect(policy.delay(beforeRetry: 1, unit: 0) == .seconds(5))
        #expect(policy.delay(beforeRetry: 1, unit: 0.999).seconds > 9.9)
    }

    @Test("lost attempts are retried at once without counting as failures, up to a limit")
    func lost() {
        let task = TaskDefinition(id: "t", operatorName: "noop")
        #expect(task.transition(after: .lost, history: .init(failures: 0, lost: 1), now: now, unit: 0).state == .ready)
        #expect(task.transition(after: .lost, history: .init(failures: 0, lost: 3), now: now, unit: 0).state == .failed)
        #expect(task.transition(after: .interrupted, history: .init(failures: 0, lost: 0), now: now, unit: 0).state == .ready)
    }
}
