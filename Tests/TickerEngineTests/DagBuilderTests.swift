import Foundation
import Testing
import TickerCore
import TickerEngine

@Suite struct DagBuilderTests {
    @Test func theDocumentedExampleBuildsAValidDefinition() throws {
        let dag = try Dag("report", schedule: .cron("0 6 * * *", timeZone: "Europe/Berlin")) {
            DagTask("extract", .shell("echo extract"))
            DagTask("load", .shell("echo load"), dependsOn: "extract", retries: 2)
            DagTask("notify", .http(url: "https://example.org/hook", method: "POST"), dependsOn: "load", triggerRule: .allDone)
        }.definition

        #expect(dag.id == "report")
        #expect(dag.schedule == ScheduleSpec(rule: .cron("0 6 * * *"), timeZone: "Europe/Berlin"))
        #expect(dag.topologicalOrder() == ["extract", "load", "notify"])
        #expect(dag.task("extract")?.operatorName == "shell")
        #expect(dag.task("extract")?.params == .object(["command": .string("echo extract")]))
        #expect(dag.task("load")?.retry.maxAttempts == 3)
        #expect(dag.task("notify")?.params == .object(["url": .string("https://example.org/hook"), "method": .string("POST")]))
        #expect(dag.task("notify")?.triggerRule == .allDone)
        #expect(dag.origin.hasSuffix("DagBuilderTests.swift"))
    }

    @Test func codeAndFileYieldTheSameDefinition() throws {
        let yaml = """
            dag: same
            schedule: {every: 15m, timezone: UTC}
            misfire: all
            misfire_cap: 5
            overlap: allow
            max_active_runs: 2
            run_timeout: 1h
            paused: true
            tags: [a]
            tasks:
              fetch:
                operator: http
                with: {url: "https://example.org", expect_status: [200, 204], timeout: 30}
                retries: 4
                retry_delay: 5s
                retry_backoff: exponential
                max_retry_delay: 2m
                retry_jitter: false
              run:
                operator: shell
                depends_on: [fetch]
                timeout: 10m
                with: {command: "make", env: {MODE: fast}, working_dir: /tmp}
            """
        var fromFile = try DagFileLoader(registry: .builtIn).load(text: yaml, origin: "code").get()
        let fromCode = try Dag(
            "same", schedule: .every(.seconds(900)), misfire: .all(cap: 5), overlap: .allow, maxActiveRuns: 2,
            runTimeout: .seconds(3600), paused: true, tags: ["a"], origin: "code"
        ) {
            DagTask("fetch", .http(url: "https://example.org", expectStatus: [200, 204], timeout: .seconds(30)),
                    retries: 4, retryDelay: .seconds(5), retryBackoff: .exponential, maxRetryDelay: .seconds(120),
                    retryJitter: false)
            DagTask("run", .shell("make", env: ["MODE": "fast"], workingDirectory: "/tmp"), dependsOn: ["fetch"],
                    timeout: .seconds(600))
        }.definition
        fromFile.origin = "code"
        #expect(fromCode == fromFile)
    }

    @Test func invalidDagsThrowEveryProblem() {
        let build = Dag("bad dag") {
            DagTask("a", .noop(), dependsOn: "c")
            DagTask("b", .noop(), dependsOn: "a", "missng")
            DagTask("c", .noop(), dependsOn: "b", retries: -1)
        }
        #expect(throws: DagProblems.self) { try build.definition }
        do {
            _ = try build.definition
        } catch {
            #expect(error.problems.map(\.field) == [
                "dag", "tasks.b.depends_on", "tasks.a.depends_on", "tasks.c.retries",
            ])
            #expect(error.problems[2].message == "dependency cycle: a -> b -> c -> a (`a` depends on `c`)")
        }
    }

    @Test func builtInOperatorParametersAreChecked() {
        let build = Dag("params") {
            DagTask("a", .custom("shell", .object(["oops": .bool(true)])))
        }
        do {
            _ = try build.definition
            Issue.record("bad shell parameters passed")
        } catch {
            let fields = error.problems.map(\.field)
            #expect(fields.contains("tasks.a.with.command"))
            #expect(fields.contains("tasks.a.with.oops"))
        }
    }

    @Test func customOperatorsPassUnlessARegistryIsGiven() throws {
        let build = Dag("custom") {
            DagTask("a", .custom("sheel", .object(["x": .number(1)])))
        }
        #expect(try build.definition.tasks.first?.operatorName == "sheel")
        #expect(throws: DagProblems.self) { try build.definition(registry: .builtIn) }
        do {
            _ = try build.definition(registry: .builtIn)
        } catch {
            #expect(error.problems.map(\.field) == ["tasks.a.operator"])
            #expect(error.problems.first?.message.hasPrefix("unknown operator `sheel` (did you mean `shell`?)") == true)
        }
    }

    @Test func theBuilderTakesConditionsLoopsAndArrays() throws {
        let regions = ["eu", "us"]
        let withAudit = true
        let dag = try Dag("regions") {
            DagTask("start", .noop())
            for region in regions {
                DagTask("load_\(region)", .shell("load \(region)"), dependsOn: "start")
            }
            if withAudit {
                DagTask("audit", .noop(), dependsOn: regions.map { "load_\($0)" })
            } else {
                DagTask("skip_audit", .noop())
            }
            [DagTask("extra", .noop(output: .string("done")), dependsOn: "start")]
        }.definition
        #expect(dag.tasks.map(\.id) == ["start", "load_eu", "load_us", "audit", "extra"])
        #expect(dag.task("audit")?.dependsOn == ["load_eu", "load_us"])
        #expect(dag.task("extra")?.params == .object(["output": .string("done")]))
    }

    @Test func operatorSpecsProduceTheDocumentedParameters() {
        let http = OperatorSpec.http(
            url: "https://x.test", method: "PUT", headers: ["Accept": "text/csv"], body: .string("hi"),
            expectStatus: [201], timeout: .milliseconds(1500), maxResponseBytes: 1024)
        #expect(http.name == "http")
        #expect(http.params == .object([
            "url": .string("https://x.test"), "method": .string("PUT"), "headers": .object(["Accept": .string("text/csv")]),
            "body": .string("hi"), "expect_status": .number(201), "timeout": .number(1.5),
            "max_response_bytes": .number(1024),
        ]))
        let shell = OperatorSpec.shell("ls", env: ["A": "1"], workingDirectory: "/srv", killGrace: .seconds(2))
        #expect(shell.params == .object([
            "command": .string("ls"), "env": .object(["A": .string("1")]), "working_dir": .string("/srv"),
            "kill_grace": .number(2),
        ]))
        #expect(OperatorSpec.custom("mine", .object(["k": .null])) == OperatorSpec(name: "mine", params: .object(["k": .null])))
    }

    @Test func scheduleHelpersFillTheSpec() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ScheduleSpec.every(.seconds(60), anchor: start, timeZone: "Europe/Berlin", end: start)
            == ScheduleSpec(rule: .interval(every: .seconds(60), anchor: start), timeZone: "Europe/Berlin", end: start))
        #expect(ScheduleSpec.cron("0 0 * * *").timeZone == "UTC")
    }
}
