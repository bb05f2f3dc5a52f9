import Foundation

/// A python3 HTTP server for a test: started with `arguments` (a script and its arguments, or
/// `-c` and a program), it must bind 127.0.0.1 port 0 and print the port on its first line, so
/// tests running in parallel never collide.
///
/// Its standard input is a pipe this object holds open: a server that exits at end of input (as
/// the fixture scripts do) goes away with the test process, even after a crash or `kill -9`.
public final class PythonServer: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public let port: Int
    private let process: Process
    private let lifeline = Pipe()

    /// Started on the calling thread, not a Dispatch thread: Foundation's `Process` on Linux
    /// reports the exit to the run loop of the thread that launched it, so a server launched on a
    /// Dispatch thread is never seen to exit by `stop()`'s `waitUntilExit` (a hang, seen in CI).
    public init(arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardInput = lifeline
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let data = stdout.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw StartError(description: "the test HTTP server did not start (python3 printed \(text.debugDescription))")
        }
        self.port = port
    }

    /// Stops the server by its pid and reaps it. SIGKILL, because Foundation's `Process` passes on
    /// the test runner's blocked signals, and python3 started that way never sees SIGTERM.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
