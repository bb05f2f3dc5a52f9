import Foundation
import Synchronization
import Testing
import TickerCore
@testable import TickerEngine

/// Collects what an operator writes to its attempt log.
final class LogRecorder: Sendable {
    private let entries = Mutex<[(stream: LogStream, text: String)]>([])

    var log: AttemptLog {
        AttemptLog { stream, text in self.entries.withLock { $0.append((stream, text)) } }
    }

    func lines(_ stream: LogStream) -> [String] {
        entries.withLock { $0.filter { $0.stream == stream }.map(\.text) }
    }

    /// Total bytes and count of the lines on one stream, for outputs too large to compare.
    func size(_ stream: LogStream) -> (bytes: Int, lines: Int) {
        entries.withLock { entries in
            let texts = entries.filter { $0.stream == stream }.map(\.text)
            return (texts.reduce(0) { $0 + $1.utf8.count }, texts.count)
        }
    }
}

func makeContext(
    log: AttemptLog, conf: JSONValue = .object([:]), upstream: [String: JSONValue] = [:]
) -> TaskContext {
    TaskContext(
        dagID: "nightly_export", runID: 42, taskID: "extract",
        scheduledAt: Date(timeIntervalSince1970: 1_772_600_767), // 2026-03-04T05:06:07Z
        attempt: 2, slotKey: "nightly_export@2026-03-04T05:06:07Z",
        conf: conf, upstreamOutputs: upstream, log: log
    )
}

/// A fresh directory for files a test's command writes.
func makeScratchDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-shell-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func shell(_ command: String, _ extra: [String: JSONValue] = [:]) throws -> ShellOperator {
    try ShellOperator(params: .object(extra.merging(["command": .string(command)]) { _, new in new }))
}

@Suite("shell operator: output and exit status")
struct ShellOutputTests {
    @Test func linesLandInTheLogOnTheirStream() async throws {
        let recorder = LogRecorder()
        let command = #"echo first; echo oops >&2; printf 'crlf\r\n'; echo; printf 'no newline'; printf 'err tail' >&2"#
        let output = try await shell(command).run(makeContext(log: recorder.log))
        #expect(recorder.lines(.stdout) == ["first", "crlf", "", "no newline"])
        #expect(recorder.lines(.stderr) == ["oops", "err tail"])
        #expect(recorder.lines(.system).first == "running: \(command)")
        #expect(output == .object(["exit_code": .number(0)]))
    }

    @Test func nonZeroExitFailsTheAttempt() async throws {
        let error = await #expect(throws: OperatorError.self) {
            try await shell("echo partial work; exit 3").run(makeContext(log: .discard))
        }
        #expect(error?.message == "command exited with status 3")
    }

    @Test func deathBySignalIsNamed() async throws {
        let error = await #expect(throws: OperatorError.self) {
            try await shell("kill -KILL $$").run(makeContext(log: .discard))
        }
        #expect(error?.message == "command was killed by signal 9 (SIGKILL)")
    }

    @Test func missingProgramIsAnExitStatus() async throws {
        let recorder = LogRecorder()
        let error = await #expect(throws: OperatorError.self) {
            try await shell("/nonexistent/program").run(makeContext(log: recorder.log))
        }
        #expect(error?.message == "command exited with status 127")
        #expect(recorder.lines(.stderr).joined().contains("/nonexistent/program"))
    }

    /// A descriptor the process inherited without close-on-exec (from whatever started it) does
    /// not reach the command, where it could keep a supervisor's pipe or socket open.
    @Test func inheritedDescriptorsStayWithTicker() async throws {
        let fd = open("/dev/null", O_RDONLY)  // deliberately without O_CLOEXEC
        try #require(fd > 2)
        defer { close(fd) }
        let recorder = LogRecorder()
        _ = try await shell("if [ -e /proc/$$/fd/\(fd) ]; then echo leaked; else echo closed; fi").run(makeContext(log: recorder.log))
        #expect(recorder.lines(.stdout) == ["closed"])
    }

    @Test func stdinIsEmpty() async throws {
        let recorder = LogRecorder()
        _ = try await shell("wc -c").run(makeContext(log: recorder.log))
        #expect(recorder.lines(.stdout).map { $0.trimmingCharacters(in: .whitespaces) } == ["0"])
    }

    /// Blocked and ignored signals are inherited across exec; the command must start with none
    /// of the standard ones (1-31) blocked or ignored. Swift Testing's threads do block some, so
    /// this checks the spawn resets them. (glibc itself ignores its internal signals 32 and 33.)
    @Test func commandsStartWithNoBlockedOrIgnoredSignals() async throws {
        let recorder = LogRecorder()
        _ = try await shell("grep -E '^Sig(Blk|Ign)' /proc/self/status").run(makeContext(log: recorder.log))
        let masks = recorder.lines(.stdout).map { line in
            UInt64(line.split(separator: "\t").last ?? "", radix: 16).map { $0 & 0x7FFF_FFFF }
        }
        #expect(masks == [0, 0])
    }

    /// The server may ignore SIGPIPE; the command must still get the default, or `yes` below
    /// would report a broken pipe instead of quietly dying.
    @Test func commandsGetDefaultSignalDispositions() async throws {
        signal(SIGPIPE, SIG_IGN)
        let recorder = LogRecorder()
        _ = try await shell("yes | head -n 2").run(makeContext(log: recorder.log))
        #expect(recorder.lines(.stdout) == ["y", "y"])
        #expect(recorder.lines(.stderr) == [])
    }
}

@Suite("shell operator: environment")
struct ShellEnvironmentTests {
    @Test func envAndWorkingDirectoryApply() async throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = LogRecorder()
        let op = try shell(#"echo "$REGION $MODE"; pwd -P; echo "${HOME:+home is inherited}""#, [
            "env": .object(["REGION": .string("eu-west-1"), "MODE": .string("a b")]),
            "working_dir": .string(directory),
        ])
        _ = try await op.run(makeContext(log: recorder.log))
        let realDirectory = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        #expect(recorder.lines(.stdout) == ["eu-west-1 a b", realDirectory, "home is inherited"])
    }

    @Test func missingWorkingDirectoryIsReportedClearly() async throws {
        let error = await #expect(throws: OperatorError.self) {
            try await shell("true", ["working_dir": .string("/nonexistent/ticker-dir")]).run(makeContext(log: .discard))
        }
        #expect(error?.message == "working_dir /nonexistent/ticker-dir does not exist or is not a directory")
    }

    @Test func tickerVariablesDescribeTheAttempt() async throws {
        let recorder = LogRecorder()
        let conf: JSONValue = .object(["day": .string("2026-03-04"), "full": .bool(true)])
        let upstream: [String: JSONValue] = ["fetch": .object(["rows": .number(3)])]
        let names = ["DAG_ID", "RUN_ID", "TASK_ID", "ATTEMPT", "SCHEDULED_AT", "SLOT_KEY", "CONF", "UPSTREAM"]
        let command = names.map { #"echo "$TICKER_\#($0)""# }.joined(separator: "; ")
            + #"; test -f "$TICKER_OUTPUT" && echo "$TICKER_OUTPUT""#
        _ = try await shell(command).run(makeContext(log: recorder.log, conf: conf, upstream: upstream))
        let lines = recorder.lines(.stdout)
        try #require(lines.count == 9)
        #expect(Array(lines.prefix(8)) == [
            "nightly_export", "42", "extract", "2", "2026-03-04T05:06:07Z", "nightly_export@2026-03-04T05:06:07Z",
            #"{"day":"2026-03-04","full":true}"#, #"{"fetch":{"rows":3}}"#,
        ])
        #expect(!FileManager.default.fileExists(atPath: lines[8]), "the TICKER_OUTPUT file is deleted afterwards")
    }
}

@Suite("shell operator: TICKER_OUTPUT")
struct ShellTaskOutputTests {
    @Test func jsonWrittenToTheOutputFileIsTheOutput() async throws {
        let output = try await shell(#"printf '{"rows": 3, "path": "s3://b/k"}\n' > "$TICKER_OUTPUT""#)
            .run(makeContext(log: .discard))
        #expect(output == .object(["rows": .number(3), "path": .string("s3://b/k")]))
    }

    @Test func invalidJSONFailsTheAttempt() async throws {
        let error = await #expect(throws: OperatorError.self) {
            try await shell(#"echo 'rows=3' > "$TICKER_OUTPUT""#).run(makeContext(log: .discard))
        }
        #expect(error?.message.hasPrefix("the command wrote invalid JSON to TICKER_OUTPUT") == true)
        #expect(error?.message.contains(#"it starts with: "rows=3\n""#) == true)
    }

    @Test func oversizedOutputFailsTheAttempt() async throws {
        let error = await #expect(throws: OperatorError.self) {
            try await shell(#"printf '"%070000d"' 0 > "$TICKER_OUTPUT""#).run(makeContext(log: .discard))
        }
        #expect(error?.message.hasPrefix("the command wrote more than 64 KiB to TICKER_OUTPUT") == true)
    }

    @Test func outputIsIgnoredWhenTheCommandFails() async throws {
        let error = await #expect(throws: OperatorError.self) {
            try await shell(#"echo '{}' > "$TICKER_OUTPUT"; exit 1"#).run(makeContext(log: .discard))
        }
        #expect(error?.message == "command exited with status 1")
    }
}

@Suite("shell operator: large output")
struct ShellLargeOutputTests {
    /// 10 MB on each stream at once: if the pipes were not read concurrently the child would
    /// block on a full pipe and this would never finish.
    @Test(.timeLimit(.minutes(1)))
    func tenMegabytesOnBothStreamsDoNotDeadlock() async throws {
        let recorder = LogRecorder()
        let line = String(repeating: "0", count: 99)
        let command = "(yes \(line) | head -c 10100000 >&2) & yes \(line) | head -c 10100000; wait"
        _ = try await shell(command).run(makeContext(log: recorder.log))
        #expect(recorder.size(.stdout).bytes == 9_999_000)
        #expect(recorder.size(.stdout).lines == 101_000)
        #expect(recorder.size(.stderr).lines == 101_000)
    }

    @Test(.timeLimit(.minutes(1)))
    func aHugeLineIsCut() async throws {
        let recorder = LogRecorder()
        _ = try await shell(#"head -c 10485760 /dev/zero | tr '\0' x; echo; echo after"#).run(makeContext(log: recorder.log))
        let lines = recorder.lines(.stdout)
        try #require(lines.count == 2)
        #expect(lines[0] == String(repeating: "x", count: 65536) + " [line cut at 64 KiB: 10420224 more bytes dropped]")
        #expect(lines[1] == "after")
    }
}

@Suite("shell operator: background processes")
struct ShellBackgroundTests {
    /// A process left running in the background keeps the output pipes open after the command
    /// exits; the attempt must still end, shortly after, and say why output stops there.
    @Test(.timeLimit(.minutes(1)))
    func aBackgroundProcessHoldingThePipesDoesNotHangTheAttempt() async throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = LogRecorder()
        let start = ContinuousClock.now
        let output = try await shell(#"sleep 30 & echo $! > "\#(directory)/pid"; echo done"#).run(makeContext(log: recorder.log))
        let elapsed = ContinuousClock.now - start
        let pid = try #require(pid_t(String(contentsOfFile: "\(directory)/pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(pid, SIGKILL) }
        #expect(output == .object(["exit_code": .number(0)]))
        #expect(recorder.lines(.stdout) == ["done"])
        // Far below the 30 s of the sleep; a loaded machine adds seconds.
        #expect(elapsed >= ChildMonitor.strayOutputGrace && elapsed < .seconds(20))
        #expect(recorder.lines(.system).contains { $0.hasPrefix("the command exited but a process it left running still holds") })
        #expect(isRunning(pid), "a background process is left alone when the command succeeds")
    }
}

@Suite("shell operator: cancellation")
struct ShellCancellationTests {
    @Test(.timeLimit(.minutes(1)))
    func cancellingStopsTheCommand() async throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = LogRecorder()
        let op = try shell(#"echo $$ > "\#(directory)/pid"; sleep 30"#)
        let (elapsed, pids) = try await runAndCancel(op, log: recorder.log, pidFiles: ["\(directory)/pid"])
        #expect(elapsed < .seconds(10), "far below the 30 s of the sleep")
        #expect(pids.allSatisfy { !isRunning($0) })
        #expect(recorder.lines(.system).contains { $0.hasPrefix("cancelled: sent SIGTERM") })
    }

    /// A grandchild that ignores SIGTERM keeps running after its parent dies; only SIGKILL to
    /// the whole process group, after the kill grace, stops it.
    @Test(.timeLimit(.minutes(1)))
    func cancellingKillsAGroupThatIgnoresSigterm() async throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = LogRecorder()
        let stubborn = #"trap "" TERM; echo $$ > "\#(directory)/child"; sleep 30"#
        let op = try shell(#"sh -c '\#(stubborn)' & echo $$ > "\#(directory)/parent"; wait"#, ["kill_grace": .string("1s")])
        let pidFiles = ["\(directory)/parent", "\(directory)/child"]
        let (elapsed, pids) = try await runAndCancel(op, log: recorder.log, pidFiles: pidFiles)
        #expect(elapsed >= .seconds(1), "the group gets the kill grace before SIGKILL")
        // Far below the 30 s the group would live; a loaded CI machine adds a few seconds.
        #expect(elapsed < .seconds(10))
        #expect(pids.allSatisfy { !isRunning($0) })
        #expect(recorder.lines(.system).contains { $0.contains("sent SIGKILL") })
    }

    /// The background `sleep` dies of SIGTERM but stays a zombie until PID 1 reaps it; that must
    /// not count as "still running", or every cancellation would wait out the kill grace.
    @Test(.timeLimit(.minutes(1)))
    func aGroupThatObeysSigtermIsNotKept() async throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recorder = LogRecorder()
        let op = try shell(#"sleep 30 & echo $! > "\#(directory)/pid"; wait"#, ["kill_grace": .string("10s")])
        let (elapsed, pids) = try await runAndCancel(op, log: recorder.log, pidFiles: ["\(directory)/pid"])
        #expect(elapsed < .seconds(9), "well inside the 10 s kill grace")
        #expect(pids.allSatisfy { !isRunning($0) })
        #expect(!recorder.lines(.system).contains { $0.contains("sent SIGKILL") })
    }

    @Test func alreadyCancelledTaskStartsNothing() async throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let op = try shell(#"touch "\#(directory)/started""#)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await op.run(makeContext(log: .discard))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/started"))
    }

    /// Starts the operator, waits until the command wrote every pid file, cancels, and returns
    /// how long the operator took to give up and the pids it had written.
    private func runAndCancel(_ op: ShellOperator, log: AttemptLog, pidFiles: [String]) async throws -> (Duration, [pid_t]) {
        let task = Task { try await op.run(makeContext(log: log)) }
        var pids: [pid_t] = []
        for file in pidFiles {
            pids.append(try await waitForPid(in: file))
        }
        let start = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        return (ContinuousClock.now - start, pids)
    }

    private func waitForPid(in file: String) async throws -> pid_t {
        for _ in 0..<500 {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw OperatorError("the command never wrote \(file)")
    }
}

/// `kill(pid, 0)` succeeds for a zombie too: an orphaned grandchild stays one until PID 1 reaps
/// it, and a container's PID 1 may never do so. A zombie runs nothing, so it counts as gone.
func isRunning(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0 else { return errno != ESRCH }
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    guard let state = stat.split(separator: ")").last?.split(separator: " ").first else { return false }
    return state != "Z"
}

@Suite("shell operator: parameters")
struct ShellParameterTests {
    @Test func validParametersHaveNoProblems() {
        let params: JSONValue = .object([
            "command": .string("echo hi"), "env": .object(["A": .string("1")]), "working_dir": .string("/tmp"),
            "kill_grace": .string("1m30s"),
        ])
        #expect(ShellOperator.validate(params) == [])
        #expect(ShellOperator.validate(.object(["command": .string("true"), "kill_grace": .number(0)])) == [])
    }

    @Test func everyProblemIsReported() {
        let problems = ShellOperator.validate(.object([
            "command": .number(1),
            "env": .object(["PORT": .number(8080), "TICKER_DAG_ID": .string("x"), "A=B": .string("y")]),
            "working_dir": .string("relative/dir"),
            "kill_grace": .string("soon"),
            "timeout": .string("5s"),
        ])).map(\.description)
        #expect(problems == [
            "timeout: unknown parameter (allowed: command, env, kill_grace, working_dir)",
            "command: must be a string",
            "env.PORT: must be a string (quote numbers and booleans in YAML)",
            "env.A=B: is not a valid environment variable name",
            "env.TICKER_DAG_ID: TICKER_ variables are set by Ticker and cannot be overridden",
            "working_dir: must be an absolute path",
            #"kill_grace: duration "soon": expected a whole number but found "s""#,
        ])
    }

    @Test func missingCommandAndWrongShapes() {
        #expect(ShellOperator.validate(.object([:])).map(\.description) == ["command: is required"])
        #expect(ShellOperator.validate(.string("echo")).map(\.description) == ["parameters must be a mapping"])
        #expect(ShellOperator.validate(.object(["command": .string(""), "env": .string("A=1")])).map(\.description) == [
            "command: must not be empty", "env: must be a mapping of names to strings",
        ])
        #expect(ShellOperator.validate(.object(["command": .string("x"), "kill_grace": .string("-1s")])).count == 1)
        #expect(ShellOperator.validate(.object(["command": .string("x"), "kill_grace": .number(-1)])).map(\.description) == [
            "kill_grace: must not be negative",
        ])
    }

    @Test func initRefusesInvalidParameters() {
        let error = #expect(throws: OperatorError.self) { try ShellOperator(params: .object(["comand": .string("ls")])) }
        #expect(error?.message == "invalid shell parameters: comand: unknown parameter (allowed: command, env, kill_grace, working_dir); command: is required")
    }

    @Test func killGraceIsParsed() throws {
        #expect(try shell("x").killGrace == .seconds(5))
        #expect(try shell("x", ["kill_grace": .string("1m30s")]).killGrace == .seconds(90))
        #expect(try shell("x", ["kill_grace": .string("250ms")]).killGrace == .milliseconds(250))
        #expect(try shell("x", ["kill_grace": .number(2.5)]).killGrace == .milliseconds(2500))
        #expect(try shell("x", ["kill_grace": .string("7")]).killGrace == .seconds(7))
    }
}

@Suite("line splitter")
struct LineSplitterTests {
    private func split(_ chunks: [[UInt8]]) -> [String] {
        var splitter = LineSplitter()
        var lines: [String] = []
        for chunk in chunks {
            chunk.withUnsafeBufferPointer { splitter.append($0) { lines.append($0) } }
        }
        splitter.finish { lines.append($0) }
        return lines
    }

    @Test func linesSpanningChunksAreJoined() {
        #expect(split([Array("ab".utf8), Array("c\nd".utf8), Array("\n\ne".utf8)]) == ["abc", "d", "", "e"])
    }

    @Test func aCutNeverSplitsACharacter() {
        let text = String(repeating: "x", count: LineSplitter.maxLineBytes - 1) + "é and more"
        let lines = split([Array(text.utf8)])
        #expect(lines == [String(repeating: "x", count: LineSplitter.maxLineBytes - 1) + " [line cut at 64 KiB: 11 more bytes dropped]"])
    }

    @Test func characterBoundary() {
        #expect(LineSplitter.characterBoundary(in: Array("aé".utf8)) == 3)
        #expect(LineSplitter.characterBoundary(in: Array(Array("aé".utf8).dropLast())) == 1)
        #expect(LineSplitter.characterBoundary(in: Array(Array("a🙂".utf8).dropLast(2))) == 1)
        #expect(LineSplitter.characterBoundary(in: []) == 0)
    }
}
