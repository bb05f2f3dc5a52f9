import TickerCore

/// Which operator a task built in Swift runs, with its parameters: the code twin of a DAG
/// file's `operator:` and `with:` keys.
///
/// The helpers produce exactly the parameters the built-in operators document, so a DAG written
/// in Swift and the same DAG written in YAML yield equal definitions.
public struct OperatorSpec: Sendable, Hashable {
    /// The registered operator name.
    public var name: String
    public var params: JSONValue

    public init(name: String, params: JSONValue = .object([:])) {
        self.name = name
        self.params = params
    }

    /// Runs `command` with `/bin/sh -c`; `env` adds environment variables; `killGrace` is how
    /// long a cancelled command gets between SIGTERM and SIGKILL.
    public static func shell(
        _ command: String, env: [String: String] = [:], workingDirectory: String? = nil, killGrace: Duration? = nil
    ) -> OperatorSpec {
        var params: [String: JSONValue] = ["command": .string(command)]
        if !env.isEmpty { params["env"] = .object(env.mapValues(JSONValue.string)) }
        if let workingDirectory { params["working_dir"] = .string(workingDirectory) }
        if let killGrace { params["kill_grace"] = seconds(killGrace) }
        return OperatorSpec(name: "shell", params: .object(params))
    }

    /// Calls `url`. `body` is sent as is when it is a string, as JSON otherwise; `expectStatus`
    /// lists the status codes that count as success (the operator's default when empty);
    /// `maxResponseBytes` caps how much of the response is read.
    public static func http(
        url: String, method: String? = nil, headers: [String: String] = [:], body: JSONValue? = nil,
        expectStatus: [Int] = [], timeout: Duration? = nil, maxResponseBytes: Int? = nil
    ) -> OperatorSpec {
        var params: [String: JSONValue] = ["url": .string(url)]
        if let method { params["method"] = .string(method) }
        if !headers.isEmpty { params["headers"] = .object(headers.mapValues(JSONValue.string)) }
        if let body { params["body"] = body }
        switch expectStatus.count {
        case 0: break
        case 1: params["expect_status"] = .number(Double(expectStatus[0]))
        default: params["expect_status"] = .array(expectStatus.map { .number(Double($0)) })
        }
        if let timeout { params["timeout"] = seconds(timeout) }
        if let maxResponseBytes { params["max_response_bytes"] = .number(Double(maxResponseBytes)) }
        return OperatorSpec(name: "http", params: .object(params))
    }

    /// Durations travel as a number of seconds, which the built-in operators accept and which
    /// needs no duration syntax.
    private static func seconds(_ duration: Duration) -> JSONValue {
        .number(duration.seconds)
    }

    /// Does nothing; `output` is handed to downstream tasks. Useful as a join point.
    public static func noop(output: JSONValue? = nil) -> OperatorSpec {
        OperatorSpec(name: "noop", params: .object(output.map { ["output": $0] } ?? [:]))
    }

    /// Any registered operator, by name, with parameters as that operator documents them.
    public static func custom(_ name: String, _ params: JSONValue = .object([:])) -> OperatorSpec {
        OperatorSpec(name: name, params: params)
    }
}
