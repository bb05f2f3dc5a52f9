import Foundation
import TickerCore

/// Runs a command with `/bin/sh -c`, streaming its stdout and stderr into the attempt log.
///
/// ```yaml
/// operator: shell
/// with:
///   command: ./export.sh --day "$TICKER_SCHEDULED_AT"
///   env: { REGION: eu-west-1 }
///   working_dir: /srv/exports
///   kill_grace: 10s
/// ```
///
/// The command learns about its attempt from `TICKER_*` variables. To hand a value to downstream
/// tasks it writes JSON to the file named by `TICKER_OUTPUT`; otherwise the output is
/// `{"exit_code": 0}`. A non-zero exit fails the attempt.
///
/// The command runs in its own process group. When the attempt is cancelled (timeout, run
/// cancellation, shutdown) the whole group gets SIGTERM, then SIGKILL after `kill_grace`, so
/// the processes a script started in the background are stopped with it.
public struct ShellOperator: TaskOperator {
    static let allowedKeys = ["command", "env", "working_dir", "kill_grace"]
    static let defaultKillGrace: Duration = .seconds(5)
    /// Outputs travel through the database to every downstream task; they are meant to be small.
    static let maxOutputBytes = 64 * 1024

    public static func validate(_ params: JSONValue) -> [ParameterProblem] {
        guard let fields = ParameterCheck.fields(params) else { return [ParameterCheck.notAMapping] }
        return ParameterCheck.unknownKeys(fields, allowed: allowedKeys)
            + ParameterCheck.requiredString(fields, "command")
            + envProblems(fields)
            + workingDirectoryProblems(fields)
            + ParameterCheck.duration(fields, "kill_grace", allowZero: true)
    }

    private static func envProblems(_ fields: [String: JSONValue]) -> [ParameterProblem] {
        let problems = ParameterCheck.stringMapping(fields, "env")
        let names = fields["env"]?.objectValue?.keys.sorted() ?? []
        return problems + names.compactMap { name in
            if name.isEmpty || name.contains("=") || name.contains("\0") {
                return ParameterProblem(path: ["env", name], "is not a valid environment variable name")
            }
            if name.hasPrefix("TICKER_") {
                return ParameterProblem(path: ["env", name], "TICKER_ variables are set by Ticker and cannot be overridden")
            }
            return nil
        }
    }

    /// Relative paths are refused: they would depend on where the server happened to be started.
    private static func workingDirectoryProblems(_ fields: [String: JSONValue]) -> [ParameterProblem] {
        let problems = ParameterCheck.optionalString(fields, "working_dir")
        if problems.isEmpty, let path = fields["working_dir"]?.stringValue, !path.hasPrefix("/") {
            return [ParameterProblem(path: ["working_dir"], "must be an absolute path")]
        }
        return problems
    }

    let command: String
    let env: [String: String]
    let workingDirectory: String?
    let killGrace: Duration

    public init(params: JSONValue) throws {
        try ParameterCheck.require(Self.validate(params), operator: "shell")
        command = params["command"]?.stringValue ?? ""
        env = (params["env"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        workingDirectory = params["working_dir"]?.stringValue
        killGrace = params["kill_grace"].flatMap { try? DurationParameter.parse($0) } ?? Self.defaultKillGrace
    }

    public func run(_ context: TaskContext) async throws -> JSONValue? {
        try Task.checkCancellation()
        try checkWorkingDirectory()
        let outputFile = try ShellOutputFile()
        defer { outputFile.remove() }

        context.log.write("running: \(command)", stream: .system)
        let child = try ChildProcess.spawn(
            ChildProcessSpec(
                arguments: ["/bin/sh", "-c", command],
                environment: environment(for: context, outputPath: outputFile.path),
                workingDirectory: workingDirectory,
                killGrace: killGrace
            ),
            log: context.log
        )
        let outcome = await withTaskCancellationHandler {
            await child.waitForExit()
        } onCancel: {
            child.terminate()
        }
        if outcome.wasTerminated { throw CancellationError() }
        try Self.check(outcome.termination, log: context.log)
        return try outputFile.readOutput() ?? .object(["exit_code": .number(0)])
    }

    /// Checked here rather than left to the spawn, whose error would only say "No such file".
    private func checkWorkingDirectory() throws {
        guard let workingDirectory else { return }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OperatorError("working_dir \(workingDirectory) does not exist or is not a directory")
        }
    }

    /// The server's environment, then `env`, then the `TICKER_*` variables.
    func environment(for context: TaskContext, outputPath: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment.merge(env) { _, new in new }
        environment.merge(Self.tickerVariables(context, outputPath: outputPath)) { _, new in new }
        return environment
    }

    static func tickerVariables(_ context: TaskContext, outputPath: String) -> [String: String] {
        [
            "TICKER_DAG_ID": context.dagID,
            "TICKER_RUN_ID": String(context.runID),
            "TICKER_TASK_ID": context.taskID,
            "TICKER_ATTEMPT": String(context.attempt),
            "TICKER_SCHEDULED_AT": context.scheduledAt.ISO8601Format(),
            "TICKER_SLOT_KEY": context.slotKey,
            "TICKER_CONF": context.conf.encodedString(),
            "TICKER_UPSTREAM": JSONValue.object(context.upstreamOutputs).encodedString(),
            "TICKER_OUTPUT": outputPath,
        ]
    }

    static func check(_ termination: ChildTermination, log: AttemptLog) throws {
        switch termination {
        case .exited(status: 0):
            log.write("command exited with status 0", stream: .system)
        case .exited(let status):
            throw OperatorError("command exited with status \(status)")
        case .signaled(let signal):
            throw OperatorError("command was killed by signal \(signal) (\(signalName(signal)))")
        }
    }

    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGUSR1: "SIGUSR1",
            SIGSEGV: "SIGSEGV", SIGUSR2: "SIGUSR2", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM",
            SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ",
        ]
        return names[signal] ?? "signal \(signal)"
    }
}

/// The file a command may write its JSON output to: created empty and private (mode 0600) before
/// the command starts, read and deleted after it ends.
struct ShellOutputFile {
    let path: String

    init() throws {
        let directory = FileManager.default.temporaryDirectory.path
        var template = Array("\(directory)/ticker-output-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else {
            throw OperatorError("could not create the TICKER_OUTPUT file in \(directory): \(String(cString: strerror(errno)))")
        }
        close(fd)
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() {
        unlink(path)
    }

    /// The JSON the command wrote, or nil if it wrote nothing.
    func readOutput() throws -> JSONValue? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw OperatorError("the TICKER_OUTPUT file \(path) disappeared while the command ran")
        }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: ShellOperator.maxOutputBytes + 1) ?? Data()
        guard data.count <= ShellOperator.maxOutputBytes else {
            throw OperatorError("the command wrote more than 64 KiB to TICKER_OUTPUT; outputs are for small values handed to downstream tasks, so write large data elsewhere and output where it is")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard !text.allSatisfy(\.isWhitespace) else { return nil }
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw OperatorError("the command wrote invalid JSON to TICKER_OUTPUT (\(Self.reason(error))); it starts with: \(text.prefix(80).debugDescription)")
        }
    }

    private static func reason(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
        if let underlying = context.underlyingError as? NSError,
           let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
            return detail
        }
        return context.debugDescription
    }
}
