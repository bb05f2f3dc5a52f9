import Foundation
import TickerISIN

#if canImport(Glibc)
import Glibc
#endif

/// I1: import of a generated list of `rows` instruments by a child `ticker isin import`, with its
/// wall time and peak RSS (from `wait4`): first into an empty store (everything added), then a
/// second list with 1% of the names changed, 0.5% removed and 0.5% added, as a day's update.
struct ISINImportBench {
    let rows: Int

    struct Result: Encodable {
        var rows: Int
        var fileMB: Double
        var firstSeconds: Double
        var firstPeakRSSMB: Double
        var updateSeconds: Double
        var updatePeakRSSMB: Double
        var rowsPerSecond: Double
    }

    func run() async throws -> Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-bench-isin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let first = root.appendingPathComponent("list1.csv")
        let second = root.appendingPathComponent("list2.csv")
        try Self.writeList(to: first, rows: rows, variant: 0)
        try Self.writeList(to: second, rows: rows, variant: 1)
        let data = root.appendingPathComponent("data").path
        let firstRun = try ChildRun.measure(["isin", "import", first.path, "--data-dir", data, "--column", "name=Name", "--column", "currency=Currency"])
        let update = try ChildRun.measure(["isin", "import", second.path, "--data-dir", data, "--column", "name=Name", "--column", "currency=Currency"])
        let size = (try? first.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        return Result(
            rows: rows, fileMB: Double(size) / 1_000_000, firstSeconds: firstRun.seconds, firstPeakRSSMB: firstRun.peakRSSMB,
            updateSeconds: update.seconds, updatePeakRSSMB: update.peakRSSMB, rowsPerSecond: Double(rows) / firstRun.seconds)
    }

    /// Row i is `XS` + i as nine digits + its check digit. Variant 1 renames every 100th, drops
    /// every 200th and adds as many new ones after the end.
    static func writeList(to url: URL, rows: Int, variant: Int) throws {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var text = "ISIN,Name,Currency\n"
        func flush() throws {
            try handle.write(contentsOf: Data(text.utf8))
            text.removeAll(keepingCapacity: true)
        }
        let extra = variant == 1 ? rows / 200 : 0
        for i in 0..<(rows + extra) {
            if variant == 1, i < rows, i % 200 == 199 { continue }
            let renamed = variant == 1 && i % 100 == 0
            text += "\(isin(i)),\(renamed ? "Renamed" : "Instrument") \(i) bond 2031,EUR\n"
            if text.utf8.count > 1 << 20 { try flush() }
        }
        try flush()
    }

    static func isin(_ i: Int) -> String {
        let body = "XS" + String(repeating: "0", count: 9 - String(i).count) + String(i)
        for digit in 0...9 where ISIN.isValid(body + String(digit)) { return body + String(digit) }
        fatalError("no check digit makes \(body) valid")
    }
}

/// Runs this binary as a child and measures it the way `/usr/bin/time -v` would.
enum ChildRun {
    struct Measurement {
        var seconds: Double
        var peakRSSMB: Double
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static func measure(_ arguments: [String]) throws -> Measurement {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let start = ContinuousClock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, binary, &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failed(description: "cannot start \(binary): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = ContinuousClock.now - start
        guard status == 0 else { throw Failed(description: "ticker \(arguments.joined(separator: " ")) exited with status \(status)") }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Measurement(seconds: seconds, peakRSSMB: Double(usage.ru_maxrss) / 1024)
    }
}
