import Foundation
import Testing

/// `ticker vault` against a real `ticker serve`: two users on their own devices (vault homes),
/// from registration to sharing, key rotation and recovery. Secrets go in on standard input.
@Suite("Vault CLI (real ticker binary)", .serialized)
struct VaultCommandTests {
    struct Device {
        let harness: TickerHarness
        let home: URL
        let email: String
        var password: String

        func run(_ arguments: [String], input: String? = nil, extra: [String: String] = [:]) async throws -> TickerHarness.Output {
            var environment = harness.environment.merging(extra) { $1 }
            environment["TICKER_VAULT_HOME"] = home.path
            return try await harness.cli(["vault"] + arguments, environment: environment, input: input ?? password + "\n")
        }

        func ok(_ arguments: String...) async throws -> String {
            let output = try await run(arguments + ["--password-fd", "0"])
            #expect(output.status == 0, "vault \(arguments.joined(separator: " ")): \(output.stderr)")
            return output.stdout
        }

        var fingerprint: String {
            get async throws { try await run(["whoami"]).stdout.split(separator: "\n").first { $0.hasPrefix("fingerprint:") }!.split(separator: " ").last.map(String.init)! }
        }
    }

    func register(_ harness: TickerHarness, _ name: String, server: String) async throws -> Device {
        let device = Device(harness: harness, home: harness.root.appendingPathComponent("home-\(name)"), email: "\(name)@example.org", password: "\(name) password 1")
        let output = try await device.run(["register", "--server", server, "--email", device.email, "--kit", "kit-\(name).txt", "--password-fd", "0"])
        #expect(output.status == 0, "\(output.stderr)")
        return device
    }

    @Test("register, put, list, get, share with a verified contact, wrong password, rotate keys, recover")
    func wholeLife() async throws {
        let harness = try TickerHarness()
        try harness.startServer()
        let server = try await harness.httpAddress()
        let alice = try await register(harness, "alice", server: server)
        let bob = try await register(harness, "bob", server: server)

        // The Emergency Kit and the device file are the owner's only.
        let kit = harness.root.appendingPathComponent("kit-alice.txt").path
        #expect(try FileManager.default.attributesOfItem(atPath: kit)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: alice.home.appendingPathComponent("account.json").path)[.posixPermissions] as? Int == 0o600)
        let kitText = try String(contentsOfFile: kit, encoding: .utf8)
        let recoveryKey = try #require(kitText.split(separator: "\n").first { $0.hasPrefix("Recovery Key:") }?.split(separator: " ").last)

        let plan = harness.root.appendingPathComponent("plan.json")
        try #"{"type":"plan","name":"Retirement","goal":1000000}"#.write(to: plan, atomically: true, encoding: .utf8)
        let itemID = try #require(try await alice.ok("put", "--file", plan.path).split(separator: " ").first.map(String.init))
        #expect(try await alice.ok("list").contains("Retirement"))
        #expect(try await alice.ok("get", itemID) == #"{"type":"plan","name":"Retirement","goal":1000000}"# + "\n")

        // `edit` runs $EDITOR on a private copy; a result that is not JSON changes nothing.
        let edited = try await alice.run(["edit", itemID, "--password-fd", "0"], extra: ["EDITOR": "sed -i s/1000000/1200000/", "VISUAL": ""])
        #expect(edited.status == 0 && edited.stdout.contains("version 2"), "\(edited.stderr)")
        #expect(try await alice.ok("get", itemID).contains("1200000"))
        let broken = try await alice.run(["edit", itemID, "--password-fd", "0"], extra: ["EDITOR": "sed -i s/{/[/", "VISUAL": ""])
        #expect(broken.status != 0 && broken.stderr.contains("is not JSON"), "\(broken.stderr)")
        #expect(try await alice.ok("get", itemID).contains("1200000"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).allSatisfy { !$0.hasPrefix("ticker-edit-") }, "no plaintext left behind")

        // Sharing needs a fingerprint compared out of band; a wrong one is refused.
        let unverified = try await alice.run(["contacts", "verify", bob.email, "--password-fd", "0"])
        let bobFingerprint = try await bob.fingerprint
        #expect(unverified.status == 2 && unverified.stderr.contains(bobFingerprint))
        let wrong = try await alice.run(["contacts", "verify", bob.email, "--fingerprint", try await alice.fingerprint, "--password-fd", "0"])
        #expect(wrong.status == 2 && wrong.stderr.contains("do not share"))
        _ = try await alice.ok("contacts", "verify", bob.email, "--fingerprint", try await bob.fingerprint)
        let refused = try await alice.run(["share", itemID, "--to", "carol@example.org", "--password-fd", "0"])
        #expect(refused.status == 2 && refused.stderr.contains("not a verified contact"))
        _ = try await alice.ok("share", itemID, "--to", bob.email)
        #expect(!(try await bob.ok("shared")).contains("Retirement"), "Bob has not verified Alice yet")
        _ = try await bob.ok("contacts", "verify", alice.email, "--fingerprint", try await alice.fingerprint)
        #expect(try await bob.ok("shared").contains("Retirement"))

        // An encrypted backup: no plaintext in the file; restored as new items.
        _ = try await alice.ok("export", "--output", "backup.json")
        let backup = try String(contentsOf: harness.root.appendingPathComponent("backup.json"), encoding: .utf8)
        #expect(backup.contains("ticker-vault-backup/1") && !backup.contains("Retirement"))
        _ = try await alice.ok("import", "backup.json")
        #expect(try await alice.ok("list").components(separatedBy: "Retirement").count == 3, "the original and the restored copy")
        _ = try await alice.ok("export", "--plaintext", "--output", "clear.json")
        #expect(try String(contentsOf: harness.root.appendingPathComponent("clear.json"), encoding: .utf8).contains("Retirement"))
        let notMine = try await bob.run(["import", "backup.json", "--password-fd", "0"])
        #expect(notMine.status == 2 && notMine.stderr.contains("another account"), "\(notMine.stderr)")

        let badPassword = try await alice.run(["list", "--password-fd", "0"], input: "not the password\n")
        #expect(badPassword.status == 1 && badPassword.stderr.contains("bad_credentials"), "\(badPassword.stderr)")
        try await Task.sleep(for: .milliseconds(1100))

        // A rotation keeps everything readable, here and for Bob.
        let rotated = try await alice.run(["rotate-keys", "--password-fd", "0", "--recovery-key-fd", "0"], input: "\(alice.password)\n\(recoveryKey)\n")
        #expect(rotated.status == 0 && rotated.stdout.contains("epoch 2"), "\(rotated.stderr)")
        #expect(try await alice.ok("get", itemID).contains("Retirement"))
        #expect(try await bob.ok("shared").contains("Retirement"))

        // Recovery on a new device; the old device's Secret Key no longer works.
        var newDevice = Device(harness: harness, home: harness.root.appendingPathComponent("home-alice-2"), email: alice.email, password: "new alice password")
        let recovered = try await newDevice.run(
            ["recover", "--server", server, "--email", alice.email, "--recovery-key-fd", "0", "--password-fd", "0", "--kit", "kit-alice-2.txt"],
            input: "\(recoveryKey)\n\(newDevice.password)\n")
        #expect(recovered.status == 0, "\(recovered.stderr)")
        #expect(try await newDevice.ok("list").contains("Retirement"))
        #expect(try await alice.run(["list", "--password-fd", "0"]).status != 0)
        newDevice.password = "changed again 1"
        let change = try await Device(harness: harness, home: newDevice.home, email: alice.email, password: "new alice password")
            .run(["change-password", "--password-fd", "0", "--new-password-fd", "0"], input: "new alice password\n\(newDevice.password)\n")
        #expect(change.status == 0, "\(change.stderr)")
        #expect(try await newDevice.ok("list").contains("Retirement"))
        try await harness.stopServer()
    }
}
