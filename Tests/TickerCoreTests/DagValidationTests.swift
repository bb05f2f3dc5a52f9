import Foundation
import Testing
import TickerCore

/// A task with only what the graph checks care about.
private func taskDef(_ id: String, _ dependsOn: String...) -> TaskDefinition {
    TaskDefinition(id: id, operatorName: "noop", dependsOn: dependsOn)
}

private func dagDef(_ tasks: [TaskDefinition], id: String = "daily") -> DagDefinition {
    DagDefinition(id: id, tasks: tasks)
}

private func problemFields(_ problems: [DagProblem]) -> [String] {
    problems.map(\.field)
}

@Suite struct DagValidationTests {
    @Test func aWellFormedDagHasNoProblems() {
        let definition = DagDefinition(
            id: "isin_daily", schedule: ScheduleSpec(rule: .cron("0 0 * * *"), timeZone: "Europe/Berlin"),
            misfire: .all(cap: 5), runTimeout: .seconds(3600),
            tasks: [
                taskDef("download"), taskDef("parse", "download"),
                TaskDefinition(id: "load", operatorName: "noop", dependsOn: ["parse"],
                               retry: RetryPolicy(maxAttempts: 3), timeout: .seconds(60)),
            ])
        #expect(definition.validate() == [])
    }

    @Test(arguments: ["", "has space", "slash/inside", "ümlaut", String(repeating: "x", count: 101)])
    func dagIDsOutsideTheAlphabetAreRejected(id: String) {
        let problems = dagDef([taskDef("a")], id: id).validate()
        #expect(problemFields(problems) == ["dag"])
    }

    @Test(arguments: ["a", "A-b_c.d", "0", String(repeating: "x", count: 100)])
    func dagIDsInTheAlphabetAreAccepted(id: String) {
        #expect(dagDef([taskDef("a")], id: id).validate() == [])
    }

    @Test func theMessageNamesTheOffendingCharacter() {
        let problems = dagDef([taskDef("a")], id: "isin daily").validate()
        #expect(problems.first?.message.contains("a space") == true)
    }

    @Test func aDagNeedsTasks() {
        let problems = dagDef([]).validate()
        #expect(problems == [DagProblem(field: "tasks", message: "a DAG needs at least one task")])
    }

    @Test func taskIDsFollowTheSameRuleAndAreUnique() {
        let problems = dagDef([taskDef("a b"), taskDef("x"), taskDef("x")]).validate()
        #expect(problemFields(problems) == ["tasks.a b", "tasks.x"])
        #expect(problems[1].taskID == "x")
        #expect(problems[1].message.contains("#2 and #3"))
    }

    @Test func unknownDependenciesSuggestSimilarTasks() {
        let problems = dagDef([taskDef("load"), taskDef("report", "lod")]).validate()
        #expect(problems == [DagProblem(
            field: "tasks.report.depends_on", message: "unknown task `lod` (did you mean `load`?)", taskID: "report")])
    }

    @Test func unknownDependenciesWithNothingSimilarListTheTasks() {
        let problems = dagDef([taskDef("extract"), taskDef("report", "zzzzzz")]).validate()
        #expect(problems.first?.message == "unknown task `zzzzzz` (tasks: `extract`, `report`)")
    }

    @Test func selfDependencyIsReportedOnItsOwn() {
        let problems = dagDef([taskDef("a", "a")]).validate()
        #expect(problems == [DagProblem(field: "tasks.a.depends_on", message: "task `a` depends on itself", taskID: "a")])
    }

    @Test func aCycleIsNamedStartingWithTheFirstDeclaredTask() {
        // b depends on a, c on b, a on c: in flow order a -> b -> c -> a.
        let problems = dagDef([taskDef("start"), taskDef("a", "c", "start"), taskDef("b", "a"), taskDef("c", "b")]).validate()
        #expect(problems == [DagProblem(
            field: "tasks.a.depends_on",
            message: "dependency cycle: a -> b -> c -> a (`a` depends on `c`)",
            taskID: "a")])
    }

    @Test func eachSeparateCycleIsReportedOnce() {
        let definition = dagDef([taskDef("a", "b"), taskDef("b", "a"), taskDef("x", "y"), taskDef("y", "x"), taskDef("after", "a")])
        #expect(definition.dependencyCycles() == [["a", "b"], ["x", "y"]])
        #expect(definition.validate().map(\.message) == [
            "dependency cycle: a -> b -> a (`a` depends on `b`)",
            "dependency cycle: x -> y -> x (`x` depends on `y`)",
        ])
    }

    @Test func cycleNamingIsDeterministic() {
        // b depends on d, c on b, d on c: in flow order d -> b -> c -> d.
        let tasks = [taskDef("d", "c"), taskDef("c", "b"), taskDef("b", "d", "a"), taskDef("a")]
        let first = dagDef(tasks).validate()
        for _ in 0..<20 { #expect(dagDef(tasks).validate() == first) }
        #expect(first.map(\.message) == ["dependency cycle: d -> b -> c -> d (`d` depends on `c`)"])
    }

    @Test func runPoliciesAreRangeChecked() {
        var definition = dagDef([taskDef("a")])
        definition.maxActiveRuns = 0
        definition.misfire = .all(cap: 0)
        definition.runTimeout = .zero
        definition.misfireGrace = .seconds(-1)
        #expect(problemFields(definition.validate()) == ["max_active_runs", "misfire_cap", "misfire_grace", "run_timeout"])
    }

    @Test func retriesAndTimeoutsAreRangeChecked() {
        let tooMany = TaskDefinition(id: "a", operatorName: "noop", retry: RetryPolicy(maxAttempts: 101))
        let none = TaskDefinition(id: "b", operatorName: "noop", retry: RetryPolicy(maxAttempts: 0))
        let instant = TaskDefinition(id: "c", operatorName: "noop", timeout: .zero)
        let problems = dagDef([tooMany, none, instant]).validate()
        #expect(problemFields(problems) == ["tasks.a.retries", "tasks.b.retries", "tasks.c.timeout"])
        #expect(problems[0].message == "must be between 0 and 99, got 100")
        #expect(problems[1].message == "must be between 0 and 99, got -1")
    }

    @Test func exponentialBackoffNeedsACapAtLeastItsBase() {
        let retry = RetryPolicy(maxAttempts: 3, backoff: .exponential(base: .seconds(60), cap: .seconds(10)))
        let problems = dagDef([TaskDefinition(id: "a", operatorName: "noop", retry: retry)]).validate()
        #expect(problemFields(problems) == ["tasks.a.max_retry_delay"])
    }

    @Test func aValidCronExpressionPasses() {
        var definition = dagDef([taskDef("a")])
        definition.schedule = ScheduleSpec(rule: .cron("0 0 * * *"))
        #expect(definition.validate() == [])
    }

    @Test func aBadCronExpressionIsReportedWithItsField() {
        var definition = dagDef([taskDef("a")])
        definition.schedule = ScheduleSpec(rule: .cron("0 25 * * *"))
        let problems = definition.validate()
        #expect(problemFields(problems) == ["schedule.cron"])
        #expect(problems.first?.message.contains("hour") == true)
        #expect(problems.first?.message.contains("`0 25 * * *`") == true)
    }

    @Test func anUnknownTimeZoneSuggestsTheClosest() {
        var definition = dagDef([taskDef("a")])
        definition.schedule = ScheduleSpec(rule: .cron("0 0 * * *"), timeZone: "Europe/Berln")
        #expect(definition.validate() == [DagProblem(
            field: "schedule.timezone", message: "unknown time zone `Europe/Berln` (did you mean `Europe/Berlin`?)")])
    }

    @Test func scheduleWindowAndIntervalComeFromCompile() {
        var definition = dagDef([taskDef("a")])
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        definition.schedule = ScheduleSpec(rule: .interval(every: .seconds(60), anchor: nil), start: start,
                                           end: start.addingTimeInterval(-60))
        #expect(problemFields(definition.validate()) == ["schedule.end"])
        definition.schedule = ScheduleSpec(rule: .interval(every: .zero, anchor: nil))
        #expect(problemFields(definition.validate()) == ["schedule.every"])
    }

    @Test func everyProblemIsReportedAtOnce() {
        var definition = dagDef([taskDef("a b"), taskDef("c", "zz", "c")], id: "")
        definition.maxActiveRuns = 0
        #expect(problemFields(definition.validate()) == [
            "dag", "tasks.a b", "tasks.c.depends_on", "tasks.c.depends_on", "max_active_runs",
        ])
    }

    @Test func problemsDescribeThemselvesWithTheirField() {
        let problem = DagProblem(field: "tasks.load.depends_on", message: "unknown task `x`", taskID: "load")
        #expect(problem.description == "tasks.load.depends_on: unknown task `x`")
        #expect(DagProblem(field: "tasks.a.b.retries", message: "", taskID: "a.b").fieldPath == ["tasks", "a.b", "retries"])
    }
}

@Suite struct DagGraphTests {
    @Test func topologicalOrderBreaksTiesByDeclarationOrder() {
        let definition = dagDef([taskDef("report", "b", "a"), taskDef("b"), taskDef("a"), taskDef("c", "a")])
        #expect(definition.topologicalOrder() == ["b", "a", "report", "c"])
    }

    @Test func topologicalOrderListsCycleMembersLast() {
        let definition = dagDef([taskDef("x", "y"), taskDef("y", "x"), taskDef("free")])
        #expect(definition.topologicalOrder() == ["free", "x", "y"])
    }

    @Test func topologicalOrderIgnoresUnknownDependencies() {
        #expect(dagDef([taskDef("b", "missing"), taskDef("a")]).topologicalOrder() == ["b", "a"])
    }

    @Test func downstreamIsTransitiveAndInTopologicalOrder() {
        let definition = dagDef([
            taskDef("extract"), taskDef("clean", "extract"), taskDef("load", "clean"), taskDef("audit", "extract"),
            taskDef("unrelated"), taskDef("report", "load", "audit"),
        ])
        // Kahn picks the earliest declared ready task: load (declared 3rd) before audit (4th).
        #expect(definition.downstream(of: "extract") == ["clean", "load", "audit", "report"])
        #expect(definition.downstream(of: "load") == ["report"])
        #expect(definition.downstream(of: "report") == [])
        #expect(definition.downstream(of: "nope") == [])
    }

    @Test func largeChainsSortQuickly() {
        let tasks = (0..<5_000).map { i in i == 0 ? taskDef("t0") : taskDef("t\(i)", "t\(i - 1)") }
        let order = dagDef(tasks).topologicalOrder()
        #expect(order.count == 5_000)
        #expect(order.first == "t0" && order.last == "t4999")
    }
}

@Suite struct ClosestNamesTests {
    @Test func suggestsTyposAndSkipsTheUnrelated() {
        #expect(ClosestNames.matches(for: "depend_on", among: ["operator", "depends_on", "with"]) == ["depends_on"])
        #expect(ClosestNames.matches(for: "lod", among: ["load", "lead", "loud", "extract"]) == ["load", "loud", "lead"])
        #expect(ClosestNames.matches(for: "retry", among: ["retry_delay", "retries", "timeout"]) == ["retries"])
        #expect(ClosestNames.matches(for: "expo", among: ["fixed", "exponential"]) == ["exponential"])
        #expect(ClosestNames.matches(for: "zzz", among: ["load"]) == [])
        #expect(ClosestNames.hint(for: "Shell", among: ["shell"]) == "did you mean `shell`?")
    }

    @Test func editDistanceCountsSingleEdits() {
        #expect(ClosestNames.editDistance("kitten", "sitting") == 3)
        #expect(ClosestNames.editDistance("", "abc") == 3)
        #expect(ClosestNames.editDistance("same", "same") == 0)
    }
}
