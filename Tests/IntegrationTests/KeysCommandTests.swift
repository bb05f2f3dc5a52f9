import Foundation
import Testing

/// `ticker keys` against the real SoftHSM2 token of `scripts/softhsm-token`, through the binary, as
/// an operator runs it. The KEKs get a label prefix of this test's own.
@Suite("ticker keys on a PKCS#11 token")
struct KeysCommandTests {
    struct KeysStatus: Decodable {
        struct KEK: Decodable {
            struct Facts: Decodable {
                var version: Int
                var extractable: Bool
                var sensitive: Bool
            }
            var facts: Facts
            var dataKeys: Int
        }
        var hardwareBacked: Bool
        var currentVersion: Int?
        var keks: [KEK]
    }

    struct Rotation: Decodable {
        var to: Int
        var resumed: Bool
        var destroyed: [Int]
    }

    /// A token of the test's own, in its own SoftHSM2 folder: SoftHSM2's file store is not made for
    /// several processes writing one token at once, which the parallel tests would do.
    private func tokenEnvironment(_ harness: TickerHarness) async throws -> [String: String] {
        guard let module = ProcessInfo.processInfo.environment["TICKER_TEST_PKCS11_MODULE"] else {
            throw HarnessError("no test token: run the tests with scripts/test (scripts/softhsm-token)")
        }
        let folder = harness.root.appendingPathComponent("hsm")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("tokens"), withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("softhsm2.conf")
        try "directories.tokendir = \(folder.path)/tokens\nobjectstore.backend = file\nlog.level = ERROR\n".write(to: config, atomically: true, encoding: .utf8)
        let initialise = Process()
        initialise.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        initialise.arguments = ["softhsm2-util", "--init-token", "--free", "--label", "it-token", "--pin", "1234", "--so-pin", "5678"]
        initialise.environment = ["SOFTHSM2_CONF": config.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        initialise.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            initialise.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try initialise.run() } catch { continuation.resume(throwing: error) }
        }
        guard status == 0 else { throw HarnessError("softhsm2-util --init-token failed") }
        var environment = harness.environment
        environment["SOFTHSM2_CONF"] = config.path
        environment["TICKER_KEYS_PROVIDER"] = "pkcs11"
        environment["TICKER_KEYS_PKCS11_MODULE"] = module
        environment["TICKER_KEYS_PKCS11_TOKEN"] = "it-token"
        environment["TICKER_KEYS_PKCS11_PIN"] = "1234"
        return environment
    }

    @Test func initStatusAndRotate() async throws {
        let harness = try TickerHarness()
        let env = try await tokenEnvironment(harness)
        let before = try await harness.cli(["keys", "status"], environment: env)
        #expect(before.status == 0 && before.stdout.contains("no KEK is current: run `ticker keys init`"), "\(before.stderr)")

        let made = try await harness.cli(["keys", "init"], environment: env)
        #expect(made.status == 0 && made.stdout.contains("KEK v1"), "\(made.stderr)")
        let again = try await harness.cli(["keys", "init"], environment: env)
        #expect(again.stdout.contains("already current"))

        let status = try JSONDecoder().decode(KeysStatus.self, from: Data(try await harness.cli(["keys", "status", "--json"], environment: env).stdout.utf8))
        #expect(status.hardwareBacked && status.currentVersion == 1)
        #expect(status.keks.map(\.facts.version) == [1])
        #expect(status.keks.allSatisfy { !$0.facts.extractable && $0.facts.sensitive })

        let rotated = try await harness.cli(["keys", "rotate", "--json"], environment: env)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let report = try JSONDecoder().decode(Rotation.self, from: Data(rotated.stdout.utf8))
        #expect(report.to == 2 && !report.resumed && report.destroyed == [1])
        let after = try JSONDecoder().decode(KeysStatus.self, from: Data(try await harness.cli(["keys", "status", "--json"], environment: env).stdout.utf8))
        #expect(after.currentVersion == 2 && after.keks.map(\.facts.version) == [2])
    }

    @Test func namesWhatIsWrong() async throws {
        let harness = try TickerHarness()
        let env = try await tokenEnvironment(harness)
        var wrongPIN = env
        wrongPIN["TICKER_KEYS_PKCS11_PIN"] = "9999"
        let pin = try await harness.cli(["keys", "status"], environment: wrongPIN)
        #expect(pin.status != 0 && pin.stderr.contains("refused the PIN") && pin.stderr.contains("CKR_PIN_INCORRECT"), "\(pin.stderr)")
        #expect(!pin.stderr.contains("9999"), "the PIN is never printed")

        var noToken = env
        noToken["TICKER_KEYS_PKCS11_TOKEN"] = "nonesuch"
        let token = try await harness.cli(["keys", "status"], environment: noToken)
        #expect(token.status != 0 && token.stderr.contains("no token labelled \"nonesuch\""), "\(token.stderr)")

        var noModule = env
        noModule["TICKER_KEYS_PKCS11_MODULE"] = "/nowhere/libhsm.so"
        let module = try await harness.cli(["keys", "status"], environment: noModule)
        #expect(module.status != 0 && module.stderr.contains("no PKCS#11 module at /nowhere/libhsm.so"), "\(module.stderr)")

        var noPIN = env
        noPIN["TICKER_KEYS_PKCS11_PIN"] = nil
        let missing = try await harness.cli(["keys", "status"], environment: noPIN)
        #expect(missing.status != 0 && missing.stderr.contains("TICKER_KEYS_PKCS11_PIN"), "\(missing.stderr)")
    }

    /// A server on a token without a KEK refuses to start, saying what to run.
    @Test func serveNeedsAKEKInTheToken() async throws {
        let harness = try TickerHarness()
        let env = try await tokenEnvironment(harness)
        let serve = try await harness.cli(["serve", "--port", "0"], environment: env)
        #expect(serve.status != 0 && serve.stderr.contains("ticker keys init"), "\(serve.stderr)")
    }
}
