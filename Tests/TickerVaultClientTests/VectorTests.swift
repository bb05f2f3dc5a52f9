import Crypto
import Foundation
import Testing
import _CryptoExtras
import TickerTestSupport

@testable import TickerVaultClient

/// Every known-answer vector of the protocol, reproduced byte for byte; every negative one refused.
@Suite("Vault protocol vectors")
struct VectorTests {
    let v: Vectors
    init() throws { v = try Vectors() }

    func context(_ path: String) throws -> EnvelopeContext {
        let c = try v.object(path)
        let context = try Self.context(c)
        #expect(Hex.encode(try context.encoded()) == c["encoded_hex"] as? String, "\(path)")
        return context
    }

    static func context(_ c: [String: Any]) throws -> EnvelopeContext {
        EnvelopeContext(
            purpose: try need(EnvelopeContext.Purpose(rawValue: UInt8(try need(c["purpose"] as? Int)))),
            owner: try need(c["owner"] as? String), vault: try need(c["vault"] as? String),
            objectID: try need(c["object_id"] as? String), version: UInt64(try need(c["version"] as? Int)),
            extra: try need(c["extra_utf8"] as? String))
    }

    func parameters(_ path: String) throws -> KDFParameters {
        try JSONDecoder().decode(KDFParameters.self, from: JSONSerialization.data(withJSONObject: try v.object(path)))
    }

    var secretKey: SecretKey { get throws { try SecretKey(bytes: try v.hex("encoding.secret_key_hex")) } }
    var userKey: SymmetricKey { get throws { SymmetricKey(data: try v.hex("user_key.user_key_hex")) } }

    @Test func encodings() throws {
        var w = ByteWriter()
        try w.lp("ab")
        #expect(Hex.encode(w.bytes) == (try v.text("encoding.lp_example_hex")))
        #expect(try secretKey.text == (try v.text("encoding.secret_key_text")))
        #expect(try SecretKey(text: try v.text("encoding.secret_key_text")) == secretKey)
        let recovery = try RecoveryKey(bytes: try v.hex("encoding.recovery_key_hex"))
        #expect(recovery.text == (try v.text("encoding.recovery_key_text")))
        #expect(try RecoveryKey(text: try v.text("encoding.recovery_key_text").lowercased()) == recovery)
    }

    @Test func primitives() throws {
        let pbkdf2 = try KDF.Insecure.PBKDF2.deriveKey(
            from: try v.hex("primitives.pbkdf2_sha256.password_hex"), salt: try v.hex("primitives.pbkdf2_sha256.salt_hex"), using: .sha256,
            outputByteCount: 32, unsafeUncheckedRounds: try v.int("primitives.pbkdf2_sha256.iterations"))
        #expect(pbkdf2.withUnsafeBytes { Hex.encode($0) } == (try v.text("primitives.pbkdf2_sha256.out_hex")))
        let okm = HKDFBytes.derive(
            try v.hex("primitives.hkdf_sha256.ikm_hex"), salt: try v.hex("primitives.hkdf_sha256.salt_hex"),
            info: try v.hex("primitives.hkdf_sha256.info_hex"), count: try v.int("primitives.hkdf_sha256.length"))
        #expect(Hex.encode(okm) == (try v.text("primitives.hkdf_sha256.okm_hex")))
    }

    @Test func passwordDerivation() throws {
        let p = "kdf_pbkdf2"
        let email = try v.text("\(p).email_input")
        #expect(EmailAddress.canonical(email) == (try v.text("\(p).email_canonical")))
        let password = try v.text("\(p).password")
        #expect(Hex.encode(password.precomposedStringWithCompatibilityMapping.utf8) == (try v.text("\(p).password_nfkc_hex")))
        let params = try parameters("\(p).params")
        #expect(Hex.encode(try params.canonicalBytes()) == (try v.text("\(p).params_canonical_hex")))
        let userID = try v.text("\(p).user_id")

        let keys = try PasswordKeys(password: password, email: email, secretKey: try secretKey, parameters: params)
        #expect(Hex.encode(keys.salt) == (try v.text("\(p).salt_hex")))
        #expect(Hex.encode(PasswordKeys.secretKeyKey(try secretKey, salt: keys.salt)) == (try v.text("\(p).sk_key_hex")))
        #expect(Hex.encode(keys.authKey) == (try v.text("\(p).auth_key_hex")))
        #expect(keys.wrapKey.withUnsafeBytes { Hex.encode($0) } == (try v.text("\(p).wrap_key_hex")))
        #expect(Hex.encode(try Verifier.of(userID: userID, key: keys.authKey)) == (try v.text("\(p).auth_verifier_hex")))

        let macKey = try ParametersMAC.key(secretKey: try secretKey, email: email, parameters: params)
        #expect(macKey.withUnsafeBytes { Hex.encode($0) } == (try v.text("\(p).params_mac_key_hex")))
        let mac = try ParametersMAC.mac(secretKey: try secretKey, email: email, userID: userID, parameters: params)
        #expect(Hex.encode(mac) == (try v.text("\(p).params_mac_hex")))
        try ParametersMAC.verify(mac, secretKey: try secretKey, email: email, userID: userID, parameters: params)

        // The user key, wrapped under the password.
        let wrapped = try Base64URL.decode(try v.text("user_key.wrapped_b64u"))
        let context = try context("user_key.ctx")
        #expect(try Envelope.open(wrapped, key: keys.wrapKey, context: context) == (try v.hex("user_key.user_key_hex")))
        let resealed = try Envelope.seal(
            try v.hex("user_key.user_key_hex"), key: keys.wrapKey, kid: 0, context: context, nonce: try v.hex("user_key.nonce_hex"))
        #expect(Base64URL.encode(resealed) == (try v.text("user_key.wrapped_b64u")))
    }

    @Test func downgradeIsRefusedBeforeAnyDerivation() throws {
        let email = try v.text("kdf_pbkdf2.email_input")
        let userID = try v.text("kdf_pbkdf2.user_id")
        let weak = try parameters("kdf_downgrade.weak_params")
        #expect(throws: VaultError.self) { try weak.checkSafe() }
        #expect(throws: VaultError.self) {
            try ParametersMAC.verify(try v.hex("kdf_downgrade.weak_params_mac_hex"), secretKey: try secretKey, email: email, userID: userID, parameters: weak)
        }
        // The stored MAC does not cover the weak parameters, and does not depend on the password.
        #expect(try v.text("kdf_downgrade.stored_params_mac_hex") == (try v.text("kdf_downgrade.params_mac_with_other_password_hex")))
        let strong = try parameters("kdf_pbkdf2.params")
        #expect(!weak.isAtLeastAsStrong(as: strong) && strong.isAtLeastAsStrong(as: weak))
        #expect(throws: VaultError.self) { try parameters("kdf_argon2id_reserved.params").checkSafe() }
    }

    @Test func recovery() throws {
        let userID = try v.text("kdf_pbkdf2.user_id")
        let keys = try RecoveryKeys(recoveryKey: try RecoveryKey(bytes: try v.hex("encoding.recovery_key_hex")), userID: userID)
        #expect(Hex.encode(keys.authKey) == (try v.text("user_key.recovery.recovery_auth_key_hex")))
        #expect(keys.wrapKey.withUnsafeBytes { Hex.encode($0) } == (try v.text("user_key.recovery.recovery_wrap_key_hex")))
        #expect(Hex.encode(try Verifier.of(userID: userID, key: keys.authKey)) == (try v.text("user_key.recovery.recovery_verifier_hex")))
        let wrapped = try Base64URL.decode(try v.text("user_key.recovery.wrapped_b64u"))
        #expect(try Envelope.open(wrapped, key: keys.wrapKey, context: try context("user_key.recovery.ctx")) == (try v.hex("user_key.user_key_hex")))
    }

    @Test func itemAndManifest() throws {
        let itemKey = try Envelope.open(
            try Base64URL.decode(try v.text("item.wrapped_item_key_b64u")), key: try userKey, context: try context("item.item_key_ctx"))
        #expect(itemKey == (try v.hex("item.item_key_hex")))
        #expect(try Envelope.kid(of: try Base64URL.decode(try v.text("item.wrapped_item_key_b64u"))) == UInt32(try v.int("item.item_key_kid")))
        let rewrapped = try Envelope.seal(itemKey, key: try userKey, kid: UInt32(try v.int("item.item_key_kid")), context: try context("item.item_key_ctx"), nonce: try v.hex("item.item_key_nonce_hex"))
        #expect(Base64URL.encode(rewrapped) == (try v.text("item.wrapped_item_key_b64u")))

        let content = try Base64URL.decode(try v.text("item.envelope_b64u"))
        #expect(Hex.encode(content) == (try v.text("item.envelope_hex")))
        let plaintext = try Envelope.open(content, key: SymmetricKey(data: itemKey), context: try context("item.ctx"))
        #expect(String(decoding: plaintext, as: UTF8.self) == (try v.text("item.plaintext_utf8")))
        let sealed = try Envelope.seal(plaintext, key: SymmetricKey(data: itemKey), kid: UInt32(try v.int("item.kid")), context: try context("item.ctx"), nonce: try v.hex("item.nonce_hex"))
        #expect(sealed == content)
        let digest = try Manifest.digest(itemKey: try Base64URL.decode(try v.text("item.wrapped_item_key_b64u")), content: content)
        #expect(Hex.encode(digest) == (try v.text("item.digest_hex")))

        let entries = try #require(v["manifest.entries"] as? [[String: Any]]).map { entry in
            Manifest.Entry(
                itemID: try #require(entry["item_id"] as? String), version: UInt64(try #require(entry["version"] as? Int)),
                digest: try Hex.decode(try #require(entry["digest_hex"] as? String)))
        }
        let manifest = Manifest(owner: try v.text("item.owner"), vaultID: try v.text("item.vault_id"), counter: UInt64(try v.int("manifest.counter")), entries: entries.reversed())
        #expect(Hex.encode(try manifest.encoded()) == (try v.text("manifest.bytes_hex")))
        #expect(Manifest.macKey(userKey: try userKey, vaultID: manifest.vaultID).withUnsafeBytes { Hex.encode($0) } == (try v.text("manifest.mac_key_hex")))
        let mac = try manifest.mac(userKey: try userKey)
        #expect(Hex.encode(mac) == (try v.text("manifest.mac_hex")))
        try manifest.verify(mac: mac, userKey: try userKey)
        var rolledBack = manifest
        rolledBack.counter -= 1
        #expect(throws: VaultError.self) { try rolledBack.verify(mac: mac, userKey: try userKey) }
    }

    @Test func identities() throws {
        for name in ["alice", "bob"] {
            let keys = try IdentityKeys(signingSeed: try v.hex("identity.\(name).sign_seed_hex"), agreementKey: try v.hex("identity.\(name).enc_sk_hex"))
            let bundle = try keys.bundle(userID: try v.text("identity.\(name).user_id"), epoch: 1)
            #expect(Hex.encode(bundle.signingKey) == (try v.text("identity.\(name).sign_pk_hex")))
            #expect(Hex.encode(bundle.agreementKey) == (try v.text("identity.\(name).enc_pk_hex")))
            #expect(Hex.encode(try bundle.fingerprint().bytes) == (try v.text("identity.\(name).fingerprint_hex")))
            #expect(try bundle.fingerprint().text == (try v.text("identity.\(name).fingerprint_text")))
            #expect(try Fingerprint(text: try v.text("identity.\(name).fingerprint_text")) == (try bundle.fingerprint()))
            try bundle.verifySelfSignature()
        }
        var alice = try IdentityKeys(signingSeed: try v.hex("identity.alice.sign_seed_hex"), agreementKey: try v.hex("identity.alice.enc_sk_hex"))
            .bundle(userID: try v.text("identity.alice.user_id"), epoch: 1)
        #expect(Hex.encode(try alice.statement()) == (try v.text("identity.alice.statement_hex")))
        alice.selfSignature = try v.hex("identity.alice.self_sig_hex")
        try alice.verifySelfSignature()
        alice.epoch = 2
        #expect(throws: VaultError.self) { try alice.verifySelfSignature() }

        let wrapped = try Base64URL.decode(try v.text("identity.alice.wrapped_private_b64u"))
        let context = EnvelopeContext(purpose: .identityKeys, owner: try v.text("identity.alice.user_id"), vault: "", objectID: "identity", version: 1)
        let bundle = try IdentityKeys(privateBundle: try Envelope.open(wrapped, key: try userKey, context: context))
        #expect(Hex.encode(bundle.signing.rawRepresentation) == (try v.text("identity.alice.sign_seed_hex")))
        #expect(Base64URL.encode(try Envelope.seal(bundle.privateBundle, key: try userKey, kid: 1, context: context, nonce: try v.hex("identity.alice.wrapped_private_nonce_hex"))) == (try v.text("identity.alice.wrapped_private_b64u")))
    }

    func identity(_ name: String) throws -> (IdentityKeys, IdentityBundle) {
        let keys = try IdentityKeys(signingSeed: try v.hex("identity.\(name).sign_seed_hex"), agreementKey: try v.hex("identity.\(name).enc_sk_hex"))
        return (keys, try keys.bundle(userID: try v.text("identity.\(name).user_id"), epoch: 1))
    }

    func share(_ path: String) throws -> Share {
        Share(
            header: try Base64URL.decode(try v.text("\(path).header")), encapsulatedKey: try Base64URL.decode(try v.text("\(path).enc")),
            ciphertext: try Base64URL.decode(try v.text("\(path).ct")), signature: try Base64URL.decode(try v.text("\(path).sig")))
    }

    @Test func shares() throws {
        let (alice, aliceBundle) = try identity("alice")
        let (bob, bobBundle) = try identity("bob")
        let vector = try share("share.share")
        #expect(Hex.encode(vector.header) == (try v.text("share.header_hex")))
        #expect(Hex.encode(Label.with("ticker/v1/share", vector.header)) == (try v.text("share.info_hex")))
        let (header, itemKey) = try vector.open(
            recipient: bob, recipientFingerprint: try bobBundle.fingerprint(), senderSigningKey: aliceBundle.signingKey,
            senderFingerprint: try aliceBundle.fingerprint())
        #expect(itemKey == (try v.hex("share.item_key_hex")))
        #expect(try header.encoded() == vector.header)
        #expect(throws: VaultError.self) {
            try share("share.tampered_header_share").open(
                recipient: bob, recipientFingerprint: try bobBundle.fingerprint(), senderSigningKey: aliceBundle.signingKey,
                senderFingerprint: try aliceBundle.fingerprint())
        }
        // Our own share opens the same way; the wrong recipient or a forged sender does not.
        let mine = try Share(header: header, itemKey: itemKey, recipientKey: bobBundle.agreementKey, sender: alice)
        #expect(try mine.open(recipient: bob, recipientFingerprint: try bobBundle.fingerprint(), senderSigningKey: aliceBundle.signingKey, senderFingerprint: try aliceBundle.fingerprint()).1 == itemKey)
        #expect(throws: VaultError.self) {
            try mine.open(recipient: alice, recipientFingerprint: try aliceBundle.fingerprint(), senderSigningKey: aliceBundle.signingKey, senderFingerprint: try aliceBundle.fingerprint())
        }
        #expect(throws: VaultError.self) {
            try mine.open(recipient: bob, recipientFingerprint: try bobBundle.fingerprint(), senderSigningKey: bobBundle.signingKey, senderFingerprint: try aliceBundle.fingerprint())
        }
    }

    @Test func negativeVectorsAreRefused() throws {
        let itemKey = SymmetricKey(data: try v.hex("item.item_key_hex"))
        let negatives = try #require(v["negative"] as? [[String: Any]])
        #expect(negatives.count == 8)
        for (index, negative) in negatives.enumerated() {
            #expect(negative["must_fail"] as? Bool == true)
            let envelope = try Base64URL.decode(try #require(negative["envelope_b64u"] as? String))
            let context = try Self.context(try need(negative["ctx"] as? [String: Any]))
            #expect(throws: VaultError.self, "\(negative["name"] ?? index)") { try Envelope.open(envelope, key: itemKey, context: context) }
        }
    }
}

/// A value the vectors must have (a plain function: `#require` cannot nest).
func need<T>(_ value: T?, _ what: String = "a vector field") throws -> T {
    guard let value else { throw VaultError.malformed("missing \(what)") }
    return value
}
