import Foundation
import Testing
import TickerCore
import TickerEngine

/// An operator with nested parameters, to check where parameter problems land. It stands in for
/// the built-in operators, whose exact messages are theirs to change.
private struct ProbeOperator: TaskOperator {
    static func validate(_ params: JSONValue) -> [ParameterProblem] {
        guard let fields = params.objectValue else { return [ParameterProblem(path: [], "must be a mapping")] }
        var problems = fields.keys.sorted().filter { !["target", "headers", "limits"].contains($0) }
            .map { ParameterProblem(path: [$0], "unknown parameter") }
        if fields["target"]?.stringValue == nil { problems.append(ParameterProblem(path: ["target"], "is required")) }
        for (name, value) in (fields["headers"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key })
        where value.stringValue == nil {
            problems.append(ParameterProblem(path: ["headers", name], "must be a string"))
        }
        if let limits = fields["limits"], limits["max"]?.numberValue == nil {
            problems.append(ParameterProblem(path: ["limits", "max"], "must be a number"))
        }
        return problems
    }

    init(params: JSONValue) throws {}
    func run(_ context: TaskContext) async throws -> JSONValue? { nil }
}

private let probeRegistry: OperatorRegistry = {
    var registry = OperatorRegistry.builtIn
    registry.register(ProbeOperator.self, as: "probe")
    return registry
}()

private let dagLoader = DagFileLoader(registry: probeRegistry)

private func fileProblems(_ text: String, origin: String = "dags/x.yaml") -> [DagFileProblem] {
    switch dagLoader.load(text: text, origin: origin) {
    case .success: return []
    case .failure(let errors): return errors.problems
    }
}

private func loadedDag(_ text: String) throws -> DagDefinition {
    try dagLoader.load(text: text, origin: "dags/x.yaml").get()
}

/// `line:column field` of each problem, the part of a problem tests pin down exactly.
private func placesOf(_ problems: [DagFileProblem]) -> [String] {
    problems.map { "\($0.line.map(String.init) ?? "-"):\($0.column.map(String.init) ?? "-") \($0.field ?? "-")" }
}

private func utcDate(_ text: String) -> Date {
    (try? Date(text, strategy: .iso8601)) ?? .distantPast
}

/// The repository root, found from this file even when the test target reaches it by a symlink.
private let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The ```yaml blocks of docs/dag-files.md, indentation of list items removed.
private let documentedYAML: [String] = {
    let url = repositoryRoot.appendingPathComponent("docs/dag-files.md")
    let lines = ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
    var blocks: [String] = []
    var current: [Substring]?
    var indent = 0
    for line in lines {
        let trimmed = line.drop { $0 == " " }
        if current == nil, trimmed == "```yaml" {
            current = []
            indent = line.count - trimmed.count
        } else if current != nil, trimmed == "```" {
            blocks.append((current ?? []).map { $0.dropFirst(min(indent, $0.prefix { $0 == " " }.count)) }.joined(separator: "\n"))
            current = nil
        } else {
            current?.append(line)
        }
    }
    return blocks
}()

/// The complete example of docs/dag-files.md: the first YAML block there.
private let documentedExample = documentedYAML.first ?? ""

@Suite struct DagFileLoadingTests {
    @Test func theDocumentedExampleLoadsCompletely() throws {
        let dag = try loadedDag(documentedExample)
        #expect(dag.id == "isin_daily")
        #expect(dag.description == "Download the ISIN list")
        #expect(dag.tags == ["isin", "daily"])
        #expect(dag.schedule == ScheduleSpec(
            rule: .cron("0 6 * * *"), timeZone: "Europe/Berlin",
            start: utcDate("2026-01-01T00:00:00Z"), end: utcDate("2027-01-01T00:00:00Z")))
        #expect(dag.misfire == .all(cap: 10))
        #expect(dag.misfireGrace == .seconds(60))
        #expect(dag.overlap == .bufferOne)
        #expect(dag.maxActiveRuns == 1)
        #expect(dag.runTimeout == .seconds(7200))
        #expect(dag.pausedOnCreate == false)
        #expect(dag.origin == "dags/x.yaml")
        #expect(dag.tasks.map(\.id) == ["download", "parse", "notify"])

        let inherited = RetryPolicy(maxAttempts: 3, backoff: .exponential(base: .seconds(30), cap: .seconds(600)), jitter: true)
        let download = try #require(dag.task("download"))
        #expect(download.operatorName == "http")
        #expect(download.params == .object(["url": .string("https://example.org/isins.csv"), "method": .string("GET")]))
        #expect(download.dependsOn == [])
        #expect(download.retry == inherited)
        #expect(download.timeout == .seconds(600))

        let parse = try #require(dag.task("parse"))
        #expect(parse.dependsOn == ["download"])
        #expect(parse.triggerRule == .allSuccess)
        #expect(parse.params == .object([
            "command": .string("python3 parse.py"), "env": .object(["SOURCE": .string("isins.csv")]),
        ]))

        let notify = try #require(dag.task("notify"))
        #expect(notify.dependsOn == ["parse"])
        #expect(notify.triggerRule == .allDone)
        #expect(notify.retry.maxAttempts == 1)
        #expect(notify.timeout == .seconds(30))
    }

    @Test func everyYAMLExampleInTheDocumentationLoads() {
        #expect(documentedYAML.count >= 2)
        for (index, text) in documentedYAML.enumerated() {
            #expect(fileProblems(text, origin: "docs example \(index + 1)") == [])
        }
    }

    @Test func theRepositoryExampleDagLoads() throws {
        let dag = try DagFileLoader(registry: .builtIn).load(file: repositoryRoot.appendingPathComponent("dags/hello.yaml")).get()
        #expect(dag.id == "hello")
    }

    @Test func aMinimalTriggerOnlyDagUsesTheDefaults() throws {
        let dag = try loadedDag("""
            dag: minimal
            tasks:
              only: {operator: noop}
            """)
        #expect(dag == DagDefinition(
            id: "minimal", tasks: [TaskDefinition(id: "only", operatorName: "noop")], origin: "dags/x.yaml"))
    }

    @Test func intervalSchedulesTakeAnAnchor() throws {
        let dag = try loadedDag("""
            dag: every
            schedule: {every: 15m, anchor: "2026-01-01T00:07:00+01:00", timezone: UTC}
            tasks: {a: {operator: noop}}
            """)
        #expect(dag.schedule?.rule == .interval(every: .seconds(900), anchor: utcDate("2025-12-31T23:07:00Z")))
    }

    @Test func keysWithoutValueCountAsNotSet() throws {
        let dag = try loadedDag("""
            dag: empty_values
            description:
            schedule:
            run_timeout: ~
            tasks:
              a:
                operator: noop
                with:
            """)
        #expect(dag.description == nil && dag.schedule == nil && dag.runTimeout == nil)
        #expect(dag.tasks.first?.params == .object([:]))
    }

    @Test func exponentialBackoffWithoutCapUsesTheDefaultCap() throws {
        let dag = try loadedDag("""
            dag: caps
            tasks:
              a: {operator: noop, retries: 5, retry_delay: 1s, retry_backoff: exponential, retry_jitter: false}
            """)
        #expect(dag.tasks.first?.retry == RetryPolicy(
            maxAttempts: 6, backoff: .exponential(base: .seconds(1), cap: DagTask.defaultMaxRetryDelay), jitter: false))
    }

    @Test func mergeKeysSpliceInSharedSettings() throws {
        let dag = try loadedDag("""
            dag: merged
            tasks:
              a: &common {operator: noop, retries: 3, timeout: 1m}
              b:
                <<: *common
                retries: 1
            """)
        #expect(dag.tasks.map(\.retry.maxAttempts) == [4, 2])
        #expect(dag.tasks.map(\.timeout) == [.seconds(60), .seconds(60)])
    }

    @Test func parameterValuesKeepTheirYAMLTypes() throws {
        let dag = try loadedDag("""
            dag: params
            tasks:
              a:
                operator: probe
                with:
                  target: "8080"
                  limits: {max: 1_000, min: -2.5, flag: true, none: null, list: [1, "two", 0o17]}
            """)
        #expect(dag.tasks.first?.params["target"] == .string("8080"))
        #expect(dag.tasks.first?.params["limits"] == .object([
            "max": .number(1000), "min": .number(-2.5), "flag": .bool(true), "none": .null,
            "list": .array([.number(1), .string("two"), .string("0o17")]),
        ]))
    }

    @Test func problemsReadLikeCompilerDiagnostics() {
        let problem = DagFileProblem(
            file: "dags/x.yaml", line: 12, column: 5, field: "tasks.parse.depends_on",
            message: "unknown task `lod` (did you mean `load`?)")
        #expect(problem.description == "dags/x.yaml:12:5: tasks.parse.depends_on: unknown task `lod` (did you mean `load`?)")
        #expect(DagFileProblem(file: "f.yaml", message: "empty").description == "f.yaml: empty")
    }
}

@Suite struct DagFileProblemTests {
    @Test func unknownKeysAreReportedAtEveryLevelWithASuggestion() {
        let found = fileProblems("""
            dag: typos
            descripton: x
            schedule:
              cron: "0 0 * * *"
              timezon: UTC
            defaults:
              retry: 2
            tasks:
              a:
                operator: noop
                depend_on: [b]
            """)
        #expect(placesOf(found) == ["2:1 descripton", "5:3 schedule.timezon", "7:3 defaults.retry", "11:5 tasks.a.depend_on"])
        #expect(found[0].message.hasPrefix("unknown key `descripton` (did you mean `description`?); allowed keys: dag, description,"))
        #expect(found[1].message.contains("did you mean `timezone`?"))
        #expect(found[2].message.contains("did you mean `retries`?"))
        #expect(found[3].message.contains("did you mean `depends_on`?"))
        #expect(found[3].message.contains("allowed keys: operator, with, depends_on, trigger_rule"))
    }

    @Test func aKeyAtTheWrongLevelSaysWhereItBelongs() {
        let found = fileProblems("""
            dag: misplaced
            retries: 3
            tasks: {a: {operator: noop, cron: "0 0 * * *"}}
            """)
        #expect(placesOf(found) == ["2:1 retries", "3:29 tasks.a.cron"])
        #expect(found[0].message.contains("task setting: write it in a task, or under `defaults:`"))
        #expect(found[1].message.contains("`cron` belongs under `schedule:`"))
    }

    @Test func valuesOfTheWrongTypeNameWhatWasExpected() {
        let found = fileProblems("""
            dag: types
            tags: isin
            misfire_grace: abc
            max_active_runs: two
            paused: maybe
            schedule:
              every: 1h
              start: 2026-01-01T00:00:00
              end: 2026-02-30T00:00:00Z
            tasks:
              a:
                operator: noop
                retries: 1.5
                depends_on: {b: c}
              b: just text
            """)
        #expect(placesOf(found) == [
            "2:7 tags", "3:16 misfire_grace", "4:18 max_active_runs", "5:9 paused", "8:10 schedule.start",
            "9:8 schedule.end", "13:14 tasks.a.retries", "14:17 tasks.a.depends_on", "15:6 tasks.b",
        ])
        #expect(found.map(\.message) == [
            "expected a list of strings, got `isin`",
            "expected a duration like 30s, 15m or 1h30m, got `abc` (duration \"abc\": expected a whole number but found \"a\")",
            "expected a whole number, got `two`",
            "expected true or false, got `maybe`",
            "`2026-01-01T00:00:00` needs a UTC offset, such as `Z` or `+01:00`",
            "`2026-02-30T00:00:00Z` is not a real date and time",
            "expected a whole number, got `1.5`",
            "expected a string or a list of strings, got a mapping",
            "expected a task: a mapping with at least `operator`, got `just text`",
        ])
    }

    @Test func enumValuesListTheAllowedWords() {
        let found = fileProblems("""
            dag: enums
            misfire: latest
            overlap: queue
            tasks:
              a:
                operator: noop
                trigger_rule: all_sucess
                retry_backoff: expo
            """)
        #expect(placesOf(found) == ["2:10 misfire", "3:10 overlap", "7:19 tasks.a.trigger_rule", "8:20 tasks.a.retry_backoff"])
        #expect(found[1].message == "unknown value `queue`; expected one of: skip, buffer_one, buffer_all, cancel_other, allow")
        #expect(found[2].message.hasPrefix("unknown value `all_sucess` (did you mean `all_success`?); expected one of: all_success,"))
        #expect(found[3].message == "unknown value `expo` (did you mean `exponential`?); expected one of: fixed, exponential")
    }

    @Test func aBadCronExpressionPointsAtTheOffendingField() {
        let found = fileProblems("""
            dag: cron
            schedule:
              cron: "0 25 * * *"
            tasks: {a: {operator: noop}}
            """)
        // Column 12 is the `25` inside the quotes.
        #expect(placesOf(found) == ["3:12 schedule.cron"])
        #expect(found.first?.message.hasPrefix("invalid cron expression `0 25 * * *`: hour") == true)
    }

    @Test func aValidCronExpressionLoads() throws {
        let dag = try loadedDag("""
            dag: cron
            schedule: {cron: 0 0 * * *}
            tasks: {a: {operator: noop}}
            """)
        #expect(dag.schedule?.rule == .cron("0 0 * * *"))
    }

    @Test func scheduleProblemsLandOnTheirKeys() {
        let found = fileProblems("""
            dag: sched
            schedule:
              every: 15m
              cron: "0 0 * * *"
            tasks: {a: {operator: noop}}
            ---
            """.replacingOccurrences(of: "---", with: "")
            + "other: 1\n")
        #expect(placesOf(found).first == "3:3 schedule.every")
        #expect(found.first?.message == "use either `cron` or `every`, not both")

        let zone = fileProblems("""
            dag: sched
            schedule: {cron: "0 0 * * *", timezone: Europe/Berln}
            tasks: {a: {operator: noop}}
            """)
        #expect(placesOf(zone) == ["2:31 schedule.timezone"])
        #expect(zone.first?.message == "unknown time zone `Europe/Berln` (did you mean `Europe/Berlin`?)")

        let neither = fileProblems("dag: sched\nschedule: {timezone: UTC}\ntasks: {a: {operator: noop}}\n")
        #expect(placesOf(neither) == ["2:1 schedule"])
    }

    @Test func unknownOperatorsListTheRegisteredOnes() {
        let found = fileProblems("""
            dag: ops
            tasks:
              a:
                operator: shel
              b:
                with: {}
            """)
        #expect(placesOf(found) == ["4:15 tasks.a.operator", "5:3 tasks.b.operator"])
        #expect(found[0].message == "unknown operator `shel` (did you mean `shell`?); registered operators: http, noop, probe, shell")
        #expect(found[1].message == "missing required key `operator` (registered operators: http, noop, probe, shell)")
    }

    @Test func operatorParameterProblemsPointAtTheirKey() {
        let found = fileProblems("""
            dag: params
            tasks:
              nested:
                operator: probe
                with:
                  target: x
                  headers:
                    Accept: text/csv
                    Retries: 3
                  limits: {max: lots}
                  extra: 1
              missing:
                operator: probe
                with:
                  headers: {}
              bare:
                operator: probe
            """)
        #expect(placesOf(found) == [
            "9:9 tasks.nested.with.headers.Retries", "10:16 tasks.nested.with.limits.max", "11:7 tasks.nested.with.extra",
            "14:5 tasks.missing.with.target", "16:3 tasks.bare.with.target",
        ])
        #expect(found.map(\.message) == ["must be a string", "must be a number", "unknown parameter", "is required", "is required"])
    }

    @Test func duplicateKeysAreReportedAndReadingGoesOn() {
        let found = fileProblems("""
            dag: dups
            tasks:
              a:
                operator: noop
                retries: 1
                retries: 2
                timeout: never
            dag: again
            overlap: sometimes
            """)
        #expect(placesOf(found) == ["6:5 tasks.a.retries", "7:14 tasks.a.timeout", "8:1 dag", "9:10 overlap"])
        #expect(found[0].message == "duplicate key `retries` (first written on line 5); each key may appear once per mapping")
        #expect(found[2].message == "duplicate key `dag` (first written on line 1); each key may appear once per mapping")
    }

    @Test func duplicateKeysInFlowMappingsAndDuplicateTaskIDs() {
        let found = fileProblems("""
            dag: flow
            tasks:
              a: {operator: noop, operator: shell}
              a: {operator: noop}
            """)
        #expect(placesOf(found) == ["3:23 tasks.a.operator", "4:3 tasks.a"])
    }

    @Test func yamlSyntaxErrorsCarryLineAndColumn() {
        let found = fileProblems("""
            dag: broken
            tasks:
              a:
                operator: noop
               depends_on: [x
            """)
        #expect(found.count == 1)
        #expect(found.first?.line == 5)
        #expect(found.first?.column != nil)
        #expect(found.first?.field == nil)
        #expect(found.first?.message.hasPrefix("YAML syntax error: ") == true)
    }

    @Test func unknownDependenciesPointAtDependsOn() {
        let found = fileProblems("""
            dag: deps
            tasks:
              load: {operator: noop}
              report:
                operator: noop
                depends_on:
                  - lod
            """)
        #expect(placesOf(found) == ["6:5 tasks.report.depends_on"])
        #expect(found.first?.message == "unknown task `lod` (did you mean `load`?)")
    }

    @Test func aCycleIsNamedAtTheDependsOnThatClosesIt() {
        let found = fileProblems("""
            dag: loop
            tasks:
              a:
                operator: noop
                depends_on: c
              b: {operator: noop, depends_on: a}
              c: {operator: noop, depends_on: [b]}
            """)
        #expect(placesOf(found) == ["5:5 tasks.a.depends_on"])
        #expect(found.first?.message == "dependency cycle: a -> b -> c -> a (`a` depends on `c`)")
    }

    @Test func aBadDefaultIsReportedOnceAtTheDefault() {
        let found = fileProblems("""
            dag: defaults
            defaults:
              retries: 500
              max_retry_delay: 1m
            tasks:
              a: {operator: noop}
              b: {operator: noop}
              c: {operator: noop, retries: -1, retry_backoff: exponential}
            """)
        #expect(placesOf(found) == ["3:3 defaults.retries", "4:3 defaults.max_retry_delay", "8:23 tasks.c.retries"])
        #expect(found[0].message == "must be between 0 and 99, got 500")
        #expect(found[1].message == "only applies with `retry_backoff: exponential`")
    }

    @Test func aMisfireCapNeedsMisfireAll() {
        let found = fileProblems("dag: cap\nmisfire: skip\nmisfire_cap: 3\ntasks: {a: {operator: noop}}\n")
        #expect(placesOf(found) == ["3:1 misfire_cap"])
        #expect(found.first?.message == "only applies with `misfire: all`")
    }

    @Test func missingRequiredKeysAreNamed() {
        let found = fileProblems("description: nothing else\n")
        #expect(placesOf(found) == ["1:1 dag", "1:1 tasks"])
        #expect(found.map(\.message) == ["missing required key `dag`", "missing required key `tasks`"])
        #expect(placesOf(fileProblems("dag: x\ntasks: {}\n")) == ["2:1 tasks"])
    }

    @Test func everyProblemInAFileIsReportedAtOnce() {
        let found = fileProblems("""
            dag: all problems
            schedul: {cron: "0 6 * * *"}
            overlap: maybe
            max_active_runs: 0
            tasks:
              extract:
                operator: shel
                timeout: 0s
              load:
                operator: noop
                depends_on: [extrct, report]
                retries: lots
              report:
                operator: probe
                depends_on: load
                with: {target: x, unknown: 1}
            """)
        #expect(placesOf(found) == [
            "1:1 dag", "2:1 schedul", "3:10 overlap", "4:1 max_active_runs", "7:15 tasks.extract.operator",
            "8:5 tasks.extract.timeout", "11:5 tasks.load.depends_on", "11:5 tasks.load.depends_on",
            "12:14 tasks.load.retries", "16:23 tasks.report.with.unknown",
        ])
        #expect(found[6].message == "unknown task `extrct` (did you mean `extract`?)")
        #expect(found[7].message == "dependency cycle: load -> report -> load (`load` depends on `report`)")
    }

    @Test func problemsUseTheOriginGiven() {
        let found = fileProblems("dag: [", origin: "dags/broken.yaml")
        #expect(found.first?.file == "dags/broken.yaml")
        #expect(found.first?.description.hasPrefix("dags/broken.yaml:1:") == true)
    }
}

@Suite struct DagFileRobustnessTests {
    @Test(arguments: [
        "", "   \n\n", "# only a comment\n", "- a\n- b\n", "just a scalar", "42", "null", "[]", "{}",
        "dag: x\n---\ndag: y\n", "dag: *nowhere\n", "\u{0}\u{1}\u{2}", "dag: \"unterminated\n", "\t- tab",
        "? [complex, key]\n: value\n", "dag: x\ntasks: [a, b]\n", "dag: x\ntasks: {a: [1, 2]}\n",
        "dag: x\ntasks: {a: {operator: noop, with: [1, {b: *x}]}}\n", "dag: !!binary aGVsbG8=\ntasks: 1\n",
        "dag: x\ntasks:\n  ? {a: 1}\n  : {operator: noop}\n", "dag: x\ntasks: {a: {operator: noop, retries: 99999999999999999999999}}\n",
        "dag: x\ntasks: {a: {operator: noop, retries: 9223372036854775807}}\n",
        "dag: x\ntasks: {a: {operator: noop, with: {n: 99999:99999:99999:99999}, retries: 0x10}}\n",
        "<<: {dag: x}\ntasks: {a: {operator: noop}}\n", "<<: 5\n", "dag: x\ntasks: {a: {operator: [noop]}}\n",
        String(repeating: "[", count: 5_000), String(repeating: "- ", count: 2_000) + "x",
        String(repeating: "a: ", count: 3_000) + "b",
    ])
    func malformedInputYieldsProblemsNotCrashes(text: String) {
        let found = fileProblems(text)
        #expect(!found.isEmpty || text.contains("<<: {dag: x}"))
        #expect(found.allSatisfy { $0.file == "dags/x.yaml" && !$0.message.isEmpty })
    }

    @Test func anAliasBombInParametersIsCutOff() {
        var lines = ["dag: bomb", "x0: &x0 [a, a, a, a, a, a, a, a, a, a]"]
        for level in 1...9 {
            let previous = "*x\(level - 1)"
            lines.append("x\(level): &x\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]")
        }
        // The anchors sit under an unknown top-level key, which is reported and never expanded.
        let text = lines.map { $0.hasPrefix("x") ? "  " + $0 : $0 }
            .enumerated().map { $0.offset == 1 ? "anchors:\n" + $0.element : $0.element }
            .joined(separator: "\n") + "\ntasks: {a: {operator: probe, with: {target: t, limits: *x9}}}\n"
        let found = fileProblems(text)
        #expect(found.contains { $0.message.hasPrefix("too many values") })
    }

    @Test func aMergeBombIsCutOff() {
        var lines = ["dag: bomb", "anchors:", "  m0: &m0 {operator: noop}"]
        for level in 1...40 {
            lines.append("  m\(level): &m\(level) {<<: [*m\(level - 1), *m\(level - 1)]}")
        }
        lines += ["tasks:", "  t:", "    <<: *m40"]
        let found = fileProblems(lines.joined(separator: "\n"))
        #expect(found.contains { $0.message == "too many merges (`<<`) through aliases" })
    }

    @Test func randomBytesAndMutationsNeverCrash() {
        var generator = SeededGenerator(seed: 2026)
        for _ in 0..<150 {
            let bytes = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = fileProblems(String(decoding: bytes, as: UTF8.self))
        }
        let example = Array(documentedExample.unicodeScalars)
        let alphabet = Array(":-[]{}&*!|>'\"#%@` \n\t,?".unicodeScalars)
        for _ in 0..<400 {
            var mutated = example
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<mutated.count, using: &generator)
                if Bool.random(using: &generator) {
                    mutated.remove(at: index)
                } else {
                    mutated.insert(alphabet.randomElement(using: &generator) ?? " ", at: index)
                }
            }
            _ = fileProblems(String(String.UnicodeScalarView(mutated)))
        }
    }
}

@Suite struct DagFileFilesTests {
    /// A fresh folder under the temporary directory, removed by the caller.
    private func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dagfiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: url.appendingPathComponent(name))
        }
        return url
    }

    @Test func loadingAFileSetsItsPathAsOrigin() throws {
        let dir = try folder(["good.yaml": "dag: good\ntasks: {a: {operator: noop}}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("good.yaml")
        let dag = try dagLoader.load(file: file).get()
        #expect(dag.origin == file.path)
    }

    @Test func binaryFilesAreReportedWithTheLineOfTheFirstBadByte() throws {
        let dir = try folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("binary.yaml")
        try Data([0x64, 0x61, 0x67, 0x3A, 0x20, 0x78, 0x0A, 0xFF, 0xFE, 0x00, 0x01]).write(to: file)
        guard case .failure(let errors) = dagLoader.load(file: file) else {
            Issue.record("a binary file loaded")
            return
        }
        #expect(errors.problems.map(\.line) == [2])
        #expect(errors.problems.first?.message.contains("not UTF-8") == true)
    }

    @Test func aMissingFileIsAProblem() {
        let missing = URL(fileURLWithPath: "/nonexistent/dags/x.yaml")
        guard case .failure(let errors) = dagLoader.load(file: missing) else {
            Issue.record("a missing file loaded")
            return
        }
        #expect(errors.problems.first?.file == "/nonexistent/dags/x.yaml")
        #expect(errors.problems.first?.message.hasPrefix("cannot read the file") == true)
    }

    @Test func aFolderLoadsItsGoodFilesAndReportsTheRest() throws {
        let dir = try folder([
            "a_first.yaml": "dag: shared\ntasks: {a: {operator: noop}}\n",
            "b_broken.yml": "dag: broken\ntasks:\n  a: {operator: nope}\n",
            "c_copy.yaml": "# a copy\ndag: shared\ntasks: {b: {operator: noop}}\n",
            "d_other.yml": "dag: other\ntasks: {a: {operator: noop}}\n",
            "notes.txt": "not a dag",
            ".hidden.yaml": "dag: hidden\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub.yaml"), withIntermediateDirectories: true)

        let load = dagLoader.loadFolder(dir)
        #expect(load.dags.map(\.id) == ["shared", "other"])
        #expect(load.dags.first?.origin.hasSuffix("a_first.yaml") == true)
        #expect(load.problems.map { URL(fileURLWithPath: $0.file).lastPathComponent } == ["b_broken.yml", "c_copy.yaml"])
        #expect(placesOf(load.problems) == ["3:17 tasks.a.operator", "2:6 dag"])
        let duplicate = try #require(load.problems.last)
        #expect(duplicate.message.contains("DAG id `shared` is already defined in \(dir.relativePath)/a_first.yaml:1"))
        #expect(duplicate.message.contains("this file is ignored"))
    }

    @Test func aMissingFolderIsAClearProblem() {
        let load = dagLoader.loadFolder(URL(fileURLWithPath: "/nonexistent/dags"))
        #expect(load.dags.isEmpty)
        #expect(load.problems == [DagFileProblem(file: "/nonexistent/dags", message: "the DAG folder does not exist")])
    }

    @Test func aFileGivenAsFolderIsAClearProblem() throws {
        let dir = try folder(["x.yaml": "dag: x\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let load = dagLoader.loadFolder(dir.appendingPathComponent("x.yaml"))
        #expect(load.problems.map(\.message) == ["the DAG folder path is a file, not a folder"])
    }
}

