import ArgumentParser
import Crypto
import Foundation
import TickerAudit
import TickerKeys
import TickerStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check or export the tamper-evident audit log.",
        discussion: """
            Every sign-up, login, token use, vault write and share, key operation, DAG pause, trigger and \
            backfill, and admin action is a line in a hash chain; servers sign its head every minute \
            (audit.checkpoint.seconds) with an Ed25519 key sealed by the KEK. See docs/security.md.
            """,
        subcommands: [Verify.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every entry and signed checkpoint; exit 1 and name the first bad entry if anything was edited, deleted, reordered or inserted.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Check signatures with this public key (hex) instead of opening the signing key through the keeper.")
        var publicKey: String?
        @Flag(help: "Print JSON.") var json = false

        struct View: Encodable {
            var intact: Bool
            var entries: Int64
            var checkpoints: Int
            var lastSignedSeq: Int64?
            var keyFingerprint: String
            var firstBadSeq: Int64?
            var problems: [String]
        }

        func run() async throws {
            let runtime = try await Runtime.open(global, syncDags: false)
            let key = try await signingKey(runtime)
            let keyIDs = try await runtime.store.auditKeys().map(\.id)
            let report = try await AuditVerifier.verify(runtime.store, keys: Dictionary(uniqueKeysWithValues: keyIDs.map { ($0, key) }))
            let view = View(
                intact: report.isIntact, entries: report.entries, checkpoints: report.checkpoints, lastSignedSeq: report.lastSignedSeq,
                keyFingerprint: key.fingerprint, firstBadSeq: report.firstProblem?.seq, problems: report.problems.map(\.description))
            if json {
                try printJSON(view)
            } else if let first = report.firstProblem {
                print("AUDIT LOG TAMPERED: the first bad entry is \(first.seq): \(first.description)")
                for problem in report.problems.dropFirst().prefix(20) { print("  also: \(problem.description)") }
            } else {
                let signed = report.lastSignedSeq.map { "signed up to entry \($0)" } ?? "no checkpoint yet"
                print("audit log intact: \(report.entries) entries, \(report.checkpoints) checkpoints, \(signed); signing key \(key.fingerprint)")
                if let signed = report.lastSignedSeq, report.lastSeq > signed {
                    print("entries \(signed + 1)…\(report.lastSeq) are chained but not signed yet (the next checkpoint signs them)")
                }
            }
            if !report.isIntact { throw ExitCode(1) }
        }

        /// The key checkpoints must verify with: the one given, or the public half of the sealed
        /// signing key as the keeper opens it (a public key swapped in the table is refused there).
        private func signingKey(_ runtime: Runtime) async throws -> Curve25519.Signing.PublicKey {
            if let publicKey {
                guard let bytes = Hex.bytes(publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else {
                    throw ValidationError("--public-key must be 64 hex digits (an Ed25519 public key)")
                }
                return key
            }
            guard let stored = try await runtime.store.currentAuditKey() else {
                throw ValidationError("this database has no audit signing key yet: `ticker serve` makes one at its first start")
            }
            let keys = DataKeys(keeper: try KeeperSettings.keeper(runtime.settings), store: runtime.store)
            do {
                return try await AuditSigner.open(stored, atRest: AtRest(keys: keys)).publicKey
            } catch let error as AuditError {
                print("AUDIT LOG TAMPERED: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the log as JSON lines: the signing keys' public halves, the entries, then the checkpoints.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only entries after this sequence number.") var after: Int64 = 0

        func run() async throws {
            let runtime = try await Runtime.open(global, syncDags: false)
            var output = OutputBuffer()
            for key in try await runtime.store.auditKeys() { try output.line(AuditExport.line(key)) }
            var after = self.after
            while true {
                let page = try await runtime.store.auditEntries(after: after, limit: 5_000)
                for entry in page { try output.line(AuditExport.line(entry)) }
                guard let last = page.last else { break }
                after = last.seq
            }
            for checkpoint in try await runtime.store.auditCheckpoints() where checkpoint.seq > self.after {
                try output.line(AuditExport.line(checkpoint))
            }
            try output.flush()
        }
    }
}

extension OutputBuffer {
    mutating func line(_ text: String) throws {
        append(text)
        append(UInt8(ascii: "\n"))
        try flushIfFull()
    }
}

enum Hex {
    static func bytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
