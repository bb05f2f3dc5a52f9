import Crypto
import Foundation
import Testing
import TickerKeys
import TickerStore

#if canImport(Glibc)
import Glibc
#endif

/// `ticker keys rotate` killed with SIGKILL half way through, then run again: every data key still
/// opens to the value it had, and the old KEK goes only when no key needs it. (The resumption
/// logic is the keeper's business only through wrap and unwrap; the PKCS#11 keeper's own resume
/// is tested in `KEKRotationTests` and `KeysCommandTests`.)
@Suite("Key rotation after kill -9 (real ticker binary)")
struct KeyRotationCrashTests {
    @Test func killedAndResumed() async throws {
        let harness = try TickerHarness()
        let keyFolder = harness.dataDir.appendingPathComponent("keys")
        let store = try harness.store()
        let keys = DataKeys(keeper: FileKeyWrapper(folder: keyFolder), store: store)
        try await keys.initialise()
        var values: [String: [UInt8]] = [:]
        for n in 0..<1_500 {
            let scope = "user:\(n)"
            values[scope] = try await keys.key(for: scope).withUnsafeBytes { Array($0) }
        }

        // One key per transaction, so the kill lands in the middle; killed at its first progress line.
        let rotation = Process()
        rotation.executableURL = TickerHarness.binary
        rotation.arguments = ["keys", "rotate", "--batch-size", "1"]
        rotation.environment = harness.environment
        let progress = Pipe()
        rotation.standardError = progress
        rotation.standardOutput = FileHandle.nullDevice
        try rotation.run()
        let sawProgress = await firstLine(of: progress, containing: "re-wrapped")
        kill(rotation.processIdentifier, SIGKILL)
        rotation.waitUntilExit()
        #expect(sawProgress && rotation.terminationReason == .uncaughtSignal)

        let counts = try await store.dataKeyCounts()
        #expect(try await store.currentKEKVersion() == 2)
        #expect(counts[1, default: 0] > 0 && counts[2, default: 0] > 0, "killed half way: \(counts)")
        #expect(counts.values.reduce(0, +) == 1_500)

        let resumed = try await harness.cli(["keys", "rotate"])
        #expect(resumed.status == 0 && resumed.stdout.contains("finished an interrupted rotation") && resumed.stdout.contains("destroyed KEK v1"), "\(resumed.stdout) \(resumed.stderr)")
        #expect(try await store.dataKeyCounts() == [2: 1_500])
        let fresh = DataKeys(keeper: FileKeyWrapper(folder: keyFolder), store: store)
        for (scope, value) in values {
            #expect(try await fresh.key(for: scope).withUnsafeBytes { Array($0) } == value, "\(scope)")
        }
        let audit = try await harness.cli("audit", "export").stdout
        #expect(audit.components(separatedBy: "\"action\":\"keys.rotate.start\"").count == 3 && audit.contains("\"action\":\"keys.rotate\""))
    }

    /// Reads the pipe on a Dispatch thread until a line contains `text` or the pipe closes.
    private func firstLine(of pipe: Pipe, containing text: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var seen = ""
                while true {
                    let data = pipe.fileHandleForReading.availableData
                    if data.isEmpty { return continuation.resume(returning: false) }
                    seen += String(decoding: data, as: UTF8.self)
                    if seen.contains(text) { return continuation.resume(returning: true) }
                }
            }
        }
    }
}
