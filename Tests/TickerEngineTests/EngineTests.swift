import Foundation
import Logging
import Synchronization
import Testing
import TickerCore
import TickerStore
@testable import TickerEngine

/// A custom operator as a user would write one: it records what it saw, fails its first attempt
/// when asked to, and can be slow.
struct Recorder: TaskOperator {
    static let seen = Mutex<[String: [TaskContext]]>([:])

    static func validate(_ params: JSONValue) -> [ParameterProblem] {
        guard let fields = params.objectValue else { return [ParameterProblem(path: [], "must be a mapping")] }
        return fields.keys.filter { !["fail_first", "sleep_ms"].contains($0) }.map { ParameterProblem(path: [$0], "unknown parameter") }
    }

    let failFirst: Bool
    let sleep: Duration

    init(params: JSONValue) throws {
        failFirst = params["fail_first"]?.boolValue ?? false
        sleep = .milliseconds(Int(params["sleep_ms"]?.numberValue ?? 0))
    }

    func run(_ context: TaskContext) async throws -> JSONValue? {
        Self.seen.withLock { $0["\(context.dagID)/\(context.taskID)", default: []].append(context) }
        context.log.write("recorder saw attempt \(context.attempt)")
        if sleep > .zero { try await Task.sleep(for: sleep) }
        if failFirst && context.attempt == 1 { throw OperatorError("first attempt fails on purpose") }
        return .object(["task": .string(context.taskID), "attempt": .number(Double(context.attempt))])
    }
}

/// Runs an engine in this process on a fresh store until `body` returns.
func withEngine(
    dags: [DagDefinition], configure: (inout EngineConfiguration) -> Void = { _ in },
    _ body: (SQLiteStore, Engine) async throws -> Void
) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-engine-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try DataDirectory(path: folder.path).openStore()
    _ = try await store.syncDags(dags, deactivateOthers: true, now: Date())
    var registry = OperatorRegistry.builtIn
    registry.register(Recorder.self, as: "recorder")
    var config = EngineConfiguration()
    config.pollInterval = .milliseconds(100)
    configure(&config)
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    let engine = Engine(store: store, registry: registry, config: config, logger: logger)
    let running = Task { try await engine.run() }
    do {
        try await body(store, engine)
    } catch {
        running.cancel()
        throw error
    }
    running.cancel()
    try await running.value
}

func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("timed out waiting until \(what)")
}

@Suite("Engine in process", .serialized)
struct EngineTests {
    @Test("a DAG written in Swift with a custom operator: outputs flow downstream, conf reaches every task, retries work")
    func codeDagWithCustomOperator() async throws {
        let dag = try Dag("code") {
            DagTask("first", .custom("recorder"))
            DagTask("second", .custom("recorder", .object(["fail_first": .bool(true)])), dependsOn: "first", retries: 1, retryDelay: .milliseconds(10))
        }.definition(registry: {
            var registry = OperatorRegistry.builtIn
            registry.register(Recorder.self, as: "recorder")
            return registry
        }())
        try await withEngine(dags: [dag]) { store, engine in
            let run = try await store.trigger(dagID: "code", conf: .object(["account": .string("A-1")]), now: Date())
            engine.poke()
            // Generous: on a 2-core CI machine the other suites (testssl among them) can starve this one.
            try await waitFor("the run finishes", timeout: .seconds(90)) { try await store.run(run.id)?.run.state.isFinal == true }
            let detail = try #require(try await store.run(run.id))
            #expect(detail.run.state == .succeeded)
            #expect(detail.attempts.filter { $0.taskID == "second" }.map(\.state) == [.failed, .succeeded])
            let second = Recorder.seen.withLock { $0["code/second"] ?? [] }
            #expect(second.last?.upstreamOutputs["first"] == .object(["task": .string("first"), "attempt": .number(1)]))
            #expect(second.allSatisfy { $0.conf == .object(["account": .string("A-1")]) })
            let log = try await store.logs(attemptID: detail.attempts.last!.id, afterSequence: 0).map(\.text).joined()
            #expect(log.contains("recorder saw attempt 2\n"))
        }
    }

    @Test("a task timeout cancels the operator and counts as a failure")
    func timeout() async throws {
        let dag = DagDefinition(
            id: "slow", tasks: [TaskDefinition(id: "t", operatorName: "recorder", params: .object(["sleep_ms": .number(5_000)]), timeout: .milliseconds(200))])
        try await withEngine(dags: [dag]) { store, engine in
            let run = try await store.trigger(dagID: "slow", conf: .object([:]), now: Date())
            engine.poke()
            try await waitFor("the run finishes") { try await store.run(run.id)?.run.state.isFinal == true }
            let detail = try #require(try await store.run(run.id))
            #expect(detail.run.state == .failed)
            #expect(detail.attempts.map(\.state) == [.timedOut])
            #expect(detail.tasks.first?.error == "timed out after 0s" || detail.tasks.first?.error?.hasPrefix("timed out") == true)
        }
    }

    @Test("an unknown operator fails the attempt with the list of registered ones")
    func unknownOperator() async throws {
        let dag = DagDefinition(id: "ghost", tasks: [TaskDefinition(id: "t", operatorName: "no_such_operator")])
        try await withEngine(dags: [dag]) { store, engine in
            let run = try await store.trigger(dagID: "ghost", conf: .object([:]), now: Date())
            engine.poke()
            try await waitFor("the run finishes") { try await store.run(run.id)?.run.state.isFinal == true }
            let error = try #require(try await store.run(run.id)?.tasks.first?.error)
            #expect(error.contains("unknown operator 'no_such_operator'") && error.contains("shell"))
        }
    }

    @Test("a log larger than the cap is cut with a note")
    func logCap() async throws {
        let dag = DagDefinition(
            id: "chatty", tasks: [TaskDefinition(id: "t", operatorName: "shell", params: .object(["command": .string("yes line | head -n 20000")]))])
        try await withEngine(dags: [dag], configure: { $0.maxLogBytesPerAttempt = 10_000 }) { store, engine in
            let run = try await store.trigger(dagID: "chatty", conf: .object([:]), now: Date())
            engine.poke()
            try await waitFor("the run finishes") { try await store.run(run.id)?.run.state.isFinal == true }
            let attempt = try #require(try await store.run(run.id)?.attempts.first)
            let log = try await store.logs(attemptID: attempt.id, afterSequence: 0).map(\.text).joined()
            #expect(log.utf8.count < 12_000)
            #expect(log.contains("[log cut: this attempt wrote more than 10000 bytes]"))
        }
    }
}
