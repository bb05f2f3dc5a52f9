import Foundation
import TickerCore

/// A kind of work a task can do: run a shell command, call a URL, or anything written in Swift.
///
/// An operator type is registered under a name (`OperatorRegistry`); a DAG file names it in a
/// task's `operator:` key and passes parameters under `with:`. Parameters are checked when the DAG
/// is loaded (`validate`), so a typo is reported with its file and line instead of failing a run.
///
/// `run` must honour task cancellation: it is how timeouts, run cancellation and shutdown reach it.
public protocol TaskOperator: TaskRunner {
    /// Reports every problem with the parameters; an empty list means `init(params:)` will succeed.
    static func validate(_ params: JSONValue) -> [ParameterProblem]

    init(params: JSONValue) throws
}

/// What runs one attempt of a task. Operators built by an `OperatorFactory` closure (because they
/// need something the process owns) need only this; plain operators are `TaskOperator`s.
public protocol TaskRunner: Sendable {
    /// Does the work of one attempt. Returns a small JSON output handed to downstream tasks, or nil.
    /// Throwing fails the attempt; the message becomes the attempt's error.
    func run(_ context: TaskContext) async throws -> JSONValue?
}

/// A problem with one operator parameter, located by its key path (`["headers", "Accept"]`).
public struct ParameterProblem: Sendable, Hashable, CustomStringConvertible {
    public var path: [String]
    public var message: String

    public init(path: [String], _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? message : "\(path.joined(separator: ".")): \(message)"
    }
}

/// What an attempt knows about itself while it runs.
public struct TaskContext: Sendable {
    public var dagID: String
    public var runID: Int64
    public var taskID: String
    /// The nominal time of the slot this run belongs to (the trigger time for manual runs).
    public var scheduledAt: Date
    /// 1 for the first attempt.
    public var attempt: Int
    /// A stable key for the slot, usable as an idempotency key by external systems.
    public var slotKey: String
    /// The run's configuration (`ticker trigger --conf`), an empty object if none.
    public var conf: JSONValue
    /// Outputs of the upstream tasks that succeeded, by task id.
    public var upstreamOutputs: [String: JSONValue]
    /// Lines written here end up in this attempt's log.
    public var log: AttemptLog

    public init(
        dagID: String, runID: Int64, taskID: String, scheduledAt: Date, attempt: Int, slotKey: String,
        conf: JSONValue, upstreamOutputs: [String: JSONValue], log: AttemptLog
    ) {
        self.dagID = dagID
        self.runID = runID
        self.taskID = taskID
        self.scheduledAt = scheduledAt
        self.attempt = attempt
        self.slotKey = slotKey
        self.conf = conf
        self.upstreamOutputs = upstreamOutputs
        self.log = log
    }
}

/// The stream a log line came from.
public enum LogStream: String, Sendable, Codable {
    case stdout, stderr, system
}

/// Where an attempt writes its log. Writes are buffered and never block on storage.
public struct AttemptLog: Sendable {
    private let sink: @Sendable (LogStream, String) -> Void

    public init(_ sink: @escaping @Sendable (LogStream, String) -> Void) {
        self.sink = sink
    }

    /// Appends one or more whole lines; a missing final newline is added.
    public func write(_ text: String, stream: LogStream = .system) {
        sink(stream, text)
    }

    /// A log that drops everything, for tests and dry runs.
    public static let discard = AttemptLog { _, _ in }
}

/// A failure an operator reports on purpose, with a message meant for the operator of Ticker.
public struct OperatorError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How to check parameters for, and build, one kind of operator.
///
/// Usually made from a `TaskOperator` type. Operators that need something the process owns (a
/// store, an HTTP client) are registered with closures that capture it, because `init(params:)`
/// alone has nowhere to take it from.
public struct OperatorFactory: Sendable {
    public let validate: @Sendable (JSONValue) -> [ParameterProblem]
    public let make: @Sendable (JSONValue) throws -> any TaskRunner

    public init(
        validate: @escaping @Sendable (JSONValue) -> [ParameterProblem],
        make: @escaping @Sendable (JSONValue) throws -> any TaskRunner
    ) {
        self.validate = validate
        self.make = make
    }

    public init<Operator: TaskOperator>(_ type: Operator.Type) {
        self.init(validate: { Operator.validate($0) }, make: { try Operator(params: $0) })
    }
}

/// The operators Ticker can run, by name.
public struct OperatorRegistry: Sendable {
    private var factories: [String: OperatorFactory] = [:]

    public init() {}

    /// The registry with Ticker's built-in operators.
    public static var builtIn: OperatorRegistry {
        var registry = OperatorRegistry()
        registry.register(NoopOperator.self, as: "noop")
        registry.register(ShellOperator.self, as: "shell")
        registry.register(HTTPOperator.self, as: "http")
        return registry
    }

    /// Adds an operator type; a later registration under the same name replaces the earlier one.
    public mutating func register<Operator: TaskOperator>(_ type: Operator.Type, as name: String) {
        factories[name] = OperatorFactory(type)
    }

    /// Adds an operator built by `factory`; a later registration under the same name replaces it.
    public mutating func register(_ factory: OperatorFactory, as name: String) {
        factories[name] = factory
    }

    public func factory(named name: String) -> OperatorFactory? {
        factories[name]
    }

    public var names: [String] { factories.keys.sorted() }
}

/// Does nothing and succeeds. Useful for joins in a DAG and for measuring the engine itself.
public struct NoopOperator: TaskOperator {
    public static func validate(_ params: JSONValue) -> [ParameterProblem] {
        guard let fields = params.objectValue else { return [ParameterProblem(path: [], "must be a mapping")] }
        return fields.keys.sorted().filter { $0 != "output" }.map { ParameterProblem(path: [$0], "unknown parameter") }
    }

    private let output: JSONValue?

    public init(params: JSONValue) throws {
        output = params["output"]
    }

    public func run(_ context: TaskContext) async throws -> JSONValue? {
        output
    }
}
