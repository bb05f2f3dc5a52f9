import Foundation

/// tcpdump on the loopback interface: every TCP byte that crosses it while the capture runs, for
/// the canary scan. Needs tcpdump and the right to capture (root on CI; `scripts/test` installs it).
final class LoopbackCapture: @unchecked Sendable {  // used by one test, start then stop, never concurrently
    static var tcpdump: String? {
        ["/usr/bin/tcpdump", "/usr/sbin/tcpdump"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private let process = Process()
    private let file: URL

    init(tcpdump: String) throws {
        file = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-capture-\(UUID().uuidString).pcap")
        process.executableURL = URL(fileURLWithPath: tcpdump)
        // -U writes each packet at once; -s 0 keeps whole packets.
        process.arguments = ["-i", "lo", "-U", "-s", "0", "-w", file.path, "tcp"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The file's header appears once tcpdump listens.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let size = try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int, size >= 24 { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGKILL)
        throw CaptureFailed(description: "tcpdump did not start capturing on lo (status \(process.isRunning ? "running" : "\(process.terminationStatus)"))")
    }

    /// Stops the capture and returns the packets' bytes (pcap: headers, then payloads as sent).
    func stop() throws -> [UInt8] {
        // Give the last packets a moment to be written (-U writes each at once), then stop it.
        // SIGKILL, because a child of the test runner inherits its blocked SIGINT and SIGTERM.
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: file) }
        return Array(try Data(contentsOf: file))
    }

    struct CaptureFailed: Error, CustomStringConvertible {
        var description: String
    }
}
