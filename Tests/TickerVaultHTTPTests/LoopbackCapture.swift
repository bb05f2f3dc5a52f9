import Foundation
import TickerTestSupport

/// tcpdump on the loopback interface: every TCP byte that crosses it while the capture runs, for
/// the canary scan. Needs tcpdump and the right to capture (root on CI; `scripts/test` installs it).
final class LoopbackCapture: @unchecked Sendable {  // used by one test, start then stop, never concurrently
    static var tcpdump: String? {
        ["/usr/bin/tcpdump", "/usr/sbin/tcpdump"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private let process = Process()
    private let file: URL

    /// Starts tcpdump and returns once it captures.
    static func start(tcpdump: String) async throws -> LoopbackCapture {
        let capture = try LoopbackCapture(tcpdump: tcpdump)
        // The file's header appears once tcpdump listens.
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline && capture.process.isRunning {
            if capture.size >= 24 { return capture }
            try await Task.sleep(for: .milliseconds(50))
        }
        let status = capture.process.isRunning ? "running" : "\(capture.process.terminationStatus)"
        try await capture.kill()
        throw CaptureFailed(description: "tcpdump did not start capturing on lo (status \(status))")
    }

    private init(tcpdump: String) throws {
        file = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-capture-\(UUID().uuidString).pcap")
        process.executableURL = URL(fileURLWithPath: tcpdump)
        // -U writes each packet at once; -s 0 keeps whole packets; -B 16 MiB of kernel buffer, so
        // a loaded machine where tcpdump runs late drops nothing.
        process.arguments = ["-i", "lo", "-U", "-s", "0", "-B", "16384", "-w", file.path, "tcp"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    private var size: Int {
        (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
    }

    /// Stops the capture once its packets satisfy `complete` (tcpdump, busy on a loaded machine,
    /// may still be writing what was sent), or after `limit`; returns the bytes it holds (pcap:
    /// headers, then payloads as sent).
    func stop(once complete: ([UInt8]) -> Bool, limit: Duration = .seconds(20)) async throws -> [UInt8] {
        let deadline = ContinuousClock.now + limit
        var packets = try Array(Data(contentsOf: file))
        while !complete(packets) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            packets = try Array(Data(contentsOf: file))
        }
        try await kill()
        return try Array(Data(contentsOf: file))
    }

    /// SIGKILL, because a child of the test runner inherits its blocked SIGINT and SIGTERM. The
    /// wait stays on this task's thread: Foundation's `Process` tells of the exit on the launching
    /// thread's run loop, and a wait on a Dispatch thread may never see it. tcpdump dies at once.
    private func kill() async throws {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { try? FileManager.default.removeItem(at: file) }

    struct CaptureFailed: Error, CustomStringConvertible {
        var description: String
    }
}
