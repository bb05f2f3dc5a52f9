import Foundation

/// Runs blocking `work` on a Dispatch thread and awaits its result.
///
/// Every test in a test process shares a few cooperative threads: two on a 2-core CI machine.
/// A test that blocks one of them in `waitUntilExit`, `readDataToEndOfFile` or `Thread.sleep`
/// for seconds stalls every other test's timers, timeouts and database sessions with it. Waiting
/// for a child process, or anything else that sleeps in the kernel, belongs here instead.
public func awayFromTheCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

/// What a child process left when it ended.
public struct FinishedProcess: Sendable {
    public var status: Int32
    public var reason: Process.TerminationReason
    public var stdout: Data
    public var stderr: Data

    public var standardOutput: String { String(decoding: stdout, as: UTF8.self) }
    public var standardError: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs a program to completion without holding a cooperative thread; `input` becomes its
/// standard input. Launch and wait happen on one Dispatch thread: Foundation's `Process` on Linux
/// tells of the exit on the launching thread's run loop, so a process must be waited for where it
/// was launched.
public func runToCompletion(
    _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil, input: Data? = nil
) async throws -> FinishedProcess {
    try await awayFromTheCooperativePool {
        try runBlocking(executable, arguments, environment: environment, directory: directory, input: input)
    }
}

/// Both streams are drained at once: a child that fills one pipe while the other is read
/// would otherwise wait forever.
private func runBlocking(
    _ executable: URL, _ arguments: [String], environment: [String: String]?, directory: URL?, input: Data?
) throws -> FinishedProcess {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe()
    let err = Pipe()
    let stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input == nil ? FileHandle.nullDevice : stdin
    try process.run()
    let stderr = ReadToEnd(err.fileHandleForReading)
    if let input {
        // A child that exits without reading its input must not kill the test with SIGPIPE.
        try? stdin.fileHandleForWriting.write(contentsOf: input)
        try? stdin.fileHandleForWriting.close()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return FinishedProcess(status: process.terminationStatus, reason: process.terminationReason, stdout: stdout, stderr: stderr.wait())
}

/// Reads a file handle to its end on a Dispatch thread of its own.
private final class ReadToEnd: @unchecked Sendable {  // `data` is written once, before `done` is signalled
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
