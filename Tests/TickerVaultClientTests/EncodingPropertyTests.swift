import Crypto
import Foundation
import PropertyBased
import Testing

@testable import TickerVaultClient

/// Rules that hold for every input: text forms round-trip, strict decoders have exactly one
/// accepted spelling, and an envelope opens only under the context it was sealed with.
@Suite("Vault encodings and envelopes: properties")
struct EncodingPropertyTests {
    static let bytes = Generator<[UInt8], Shrink.None<[UInt8]>> { rng in
        (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    @Test("base64url round-trips, and its strict decoder refuses padding, +, /, spaces and stray bits")
    func base64url() async {
        await propertyCheck(count: 300, input: Self.bytes) { bytes in
            let text = Base64URL.encode(bytes)
            #expect((try? Base64URL.decode(text)) == bytes)
            #expect(!text.contains("="))
            for bad in [text + "=", text + " ", "+" + text, "/" + text] {
                #expect(throws: VaultError.self) { try Base64URL.decode(bad) }
            }
            // One byte left over: its last character carries 4 unused bits, which must be zero.
            if bytes.count % 3 == 1 {
                let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                let last = alphabet.firstIndex(of: text.last!)!
                let stray = String(text.dropLast()) + String(alphabet[last | 1])
                #expect(throws: VaultError.self) { try Base64URL.decode(stray) }
            }
        }
    }

    @Test("Crockford text round-trips and forgives case, dashes and look-alike letters")
    func crockford() async {
        await propertyCheck(count: 300, input: Generator<[UInt8], Shrink.None<[UInt8]>> { rng in
            (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }) { bytes in
            guard let key = try? SecretKey(bytes: bytes) else {
                Issue.record("16 bytes make a Secret Key")
                return
            }
            #expect((try? SecretKey(text: key.text)) == key)
            #expect((try? SecretKey(text: key.text.lowercased())) == key)
            let typed = key.text.replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l").replacingOccurrences(of: "-", with: " ")
            #expect((try? SecretKey(text: "TK1-" + typed.dropFirst(4))) == key)
        }
        #expect(throws: VaultError.self) { try SecretKey(text: "TK1-KSJAAC-HA6S9-H19R4-5HDH6-QEB1U") }
        #expect(throws: VaultError.self) { try SecretKey(text: "TK1-KSJAAC-HA6S9-H19R4-5HDH6-QEB1") }
        // 26 characters carry 130 bits for 128: the last two must be zero.
        #expect(throws: VaultError.self) { try SecretKey(text: "TK1-KSJAAC-HA6S9-H19R4-5HDH6-QEB1H") }
    }

    @Test("an envelope opens under its own context only: any other owner, object, version, purpose or header fails")
    func envelopes() async {
        await propertyCheck(count: 100, input: Self.bytes) { plaintext in
            do {
                try Self.envelopeOpensUnderItsOwnContextOnly(plaintext)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    static func envelopeOpensUnderItsOwnContextOnly(_ plaintext: [UInt8]) throws {
        let key = SymmetricKey(size: .bits256)
        let context = EnvelopeContext(
            purpose: .itemContent, owner: UUID().uuidString.lowercased(), vault: UUID().uuidString.lowercased(),
            objectID: UUID().uuidString.lowercased(), version: UInt64.random(in: 1...1000), extra: "application/vnd.ticker.plan+json")
        let sealed = try Envelope.seal(plaintext, key: key, kid: 3, context: context)
        #expect(sealed.count == plaintext.count + 34)
        #expect(try Envelope.open(sealed, key: key, context: context) == plaintext)
        var others = [context, context, context, context, context]
        others[0].version += 1
        others[1].objectID = UUID().uuidString.lowercased()
        others[2].owner = UUID().uuidString.lowercased()
        others[3].purpose = .itemKey
        others[4].extra = "text/plain"
        for other in others {
            #expect(throws: VaultError.self) { try Envelope.open(sealed, key: key, context: other) }
        }
        var kidChanged = sealed
        kidChanged[5] ^= 1
        #expect(throws: VaultError.self) { try Envelope.open(kidChanged, key: key, context: context) }
        #expect(throws: VaultError.self) { try Envelope.open(sealed, key: SymmetricKey(size: .bits256), context: context) }
    }

    @Test("e-mail canonicalization is idempotent and folds only ASCII case and outer white space")
    func email() {
        for input in ["  Alice.Example@Example.COM ", "\u{3000}BOB@EXAMPLE.ORG\u{00A0}", "W\u{030A}@x.org", "Ｆｕｌｌ@ｗｉｄｔｈ.jp", "ÄRGER@Example.de"] {
            let once = EmailAddress.canonical(input)
            #expect(EmailAddress.canonical(once) == once, "\(input)")
        }
        #expect(EmailAddress.canonical("  Alice.Example@Example.COM ") == "alice.example@example.com")
        #expect(EmailAddress.canonical("W\u{030A}@x.org") == "\u{1E98}@x.org")
        #expect(EmailAddress.canonical("ÄRGER@x.de") == "Ärger@x.de")
    }
}
