import Foundation
import Testing
import TickerTestSupport
import TickerVaultFormat

/// The vectors from the server's side: what it computes and checks without any client key (the
/// verifiers it stores, the envelope headers, identities and share headers it checks) matches the
/// independent implementation byte for byte.
@Suite("Vault protocol vectors, as the server checks them")
struct ServerVectorTests {
    let v: Vectors
    init() throws { v = try Vectors() }

    @Test("stored verifiers of auth_key and the Recovery Key's auth")
    func verifiers() throws {
        let userID = try v.text("kdf_pbkdf2.user_id")
        #expect(Hex.encode(try Verifier.of(userID: userID, key: try v.hex("kdf_pbkdf2.auth_key_hex"))) == (try v.text("kdf_pbkdf2.auth_verifier_hex")))
        #expect(
            Hex.encode(try Verifier.of(userID: userID, key: try v.hex("user_key.recovery.recovery_auth_key_hex")))
                == (try v.text("user_key.recovery.recovery_verifier_hex")))
    }

    @Test("envelope headers, parameters, identities and share headers")
    func checks() throws {
        let itemKey = try Base64URL.decode(try v.text("item.wrapped_item_key_b64u"))
        #expect(try EnvelopeHeader(of: itemKey).kid == UInt32(try v.int("item.item_key_kid")))
        #expect(try EnvelopeHeader(of: try Base64URL.decode(try v.text("item.envelope_b64u"))).kid == UInt32(try v.int("item.kid")))
        for negative in try #require(v["negative"] as? [[String: Any]]) where (negative["name"] as? String)?.contains("alg") == true {
            #expect(throws: VaultError.self) { try EnvelopeHeader(of: try Base64URL.decode(try #require(negative["envelope_b64u"] as? String))) }
        }
        let parameters = try JSONDecoder().decode(KDFParameters.self, from: JSONSerialization.data(withJSONObject: try v.object("kdf_pbkdf2.params")))
        #expect(Hex.encode(try parameters.canonicalBytes()) == (try v.text("kdf_pbkdf2.params_canonical_hex")))
        try parameters.checkSafe()
        let weak = try JSONDecoder().decode(KDFParameters.self, from: JSONSerialization.data(withJSONObject: try v.object("kdf_downgrade.weak_params")))
        #expect(throws: VaultError.self) { try weak.checkSafe() }
        #expect(!weak.isAtLeastAsStrong(as: parameters), "a password change to these is refused")

        for name in ["alice", "bob"] {
            var bundle = IdentityBundle(
                userID: try v.text("identity.\(name).user_id"), epoch: 1, signingKey: try v.hex("identity.\(name).sign_pk_hex"),
                agreementKey: try v.hex("identity.\(name).enc_pk_hex"), selfSignature: [])
            #expect(Hex.encode(try bundle.fingerprint().bytes) == (try v.text("identity.\(name).fingerprint_hex")))
            if let signature = v["identity.\(name).self_sig_hex"] as? String {
                bundle.selfSignature = try Hex.decode(signature)
                try bundle.verifySelfSignature()
                bundle.epoch = 2
                #expect(throws: VaultError.self) { try bundle.verifySelfSignature() }
            }
        }

        let header = try ShareHeader(encoded: try v.hex("share.header_hex"))
        #expect(Hex.encode(try header.encoded()) == (try v.text("share.header_hex")))
        let (itemID, vaultID) = (try v.text("item.item_id"), try v.text("item.vault_id"))
        #expect(header.itemID == itemID && header.vaultID == vaultID)
        var truncated = try v.hex("share.header_hex")
        truncated.removeLast()
        #expect(throws: VaultError.self) { try ShareHeader(encoded: truncated) }
    }
}
