import Crypto
import Foundation
import Testing
import TickerKeys
import TickerStore
import TickerTestSupport
import TickerVault
import TickerVaultFormat

@Suite("At-rest sealing (protocol section 8)")
struct AtRestTests {
    /// `server_at_rest`: the client's envelope wrapped again in a purpose-0x10 envelope under the
    /// vectors' data key, byte for byte, and opened back.
    @Test func reproducesTheVector() throws {
        let v = try Vectors()
        let context = EnvelopeContext(
            purpose: .serverAtRest, owner: try v.text("server_at_rest.ctx.owner"), vault: try v.text("server_at_rest.ctx.vault"),
            objectID: try v.text("server_at_rest.ctx.object_id"), version: UInt64(try v.int("server_at_rest.ctx.version")),
            extra: try v.text("server_at_rest.ctx.extra_utf8"))
        #expect(try context.encoded() == (try v.hex("server_at_rest.ctx.encoded_hex")))
        let inner = try Base64URL.decode(try v.text("server_at_rest.inner_envelope_b64u"))
        let dek = SymmetricKey(data: try v.hex("server_kek.dek_hex"))
        let outer = try Envelope.seal(inner, key: dek, kid: UInt32(try v.int("server_at_rest.dek_kid")), context: context, nonce: try v.hex("server_at_rest.nonce_hex"))
        #expect(Base64URL.encode(outer) == (try v.text("server_at_rest.outer_b64u")))
        #expect(try Envelope.open(outer, key: dek, context: context) == inner)
        var swapped = context
        swapped.objectID = "00000000-0000-4000-8000-000000000000"
        #expect(throws: VaultError.self) { _ = try Envelope.open(outer, key: dek, context: swapped) }
    }

    /// The prelogin secret: every node gets the same one, and the database holds it sealed.
    @Test func sealsTheServerSecret() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ticker-atrest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try DataDirectory(path: folder.path).openStore()
        let keys = DataKeys(keeper: FileKeyWrapper(folder: folder.appendingPathComponent("keys")), store: store)
        try await keys.initialise()
        let first = try await AtRest(keys: keys).serverSecret(named: "prelogin", store: store, now: Date())
        let second = try await AtRest(keys: DataKeys(keeper: keys.keeper, store: store)).serverSecret(named: "prelogin", store: store, now: Date())
        #expect(first == second)
        let stored = try await store.serverSecret(named: "prelogin", proposed: [], now: Date())
        #expect(stored.count == EnvelopeHeader.overhead + 32)
        #expect(!(stored.count >= 32 && first.withUnsafeBytes { Array($0) }.withUnsafeBufferPointer { secret in
            (0...(stored.count - 32)).contains { Array(stored[$0..<($0 + 32)]) == Array(secret) }
        }), "the secret is not in the row in clear")
    }
}
