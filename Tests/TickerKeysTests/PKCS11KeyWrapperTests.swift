import CPKCS11
import Foundation
import Testing
import TickerTestSupport

@testable import TickerKeys

/// Against the real SoftHSM2 token of `scripts/softhsm-token`. Each test labels its KEKs with a
/// prefix of its own, so the tests share the token without seeing each other's keys.
@Suite struct PKCS11KeyWrapperTests {
    func wrapper(_ name: String, sessions: Int = 2) throws -> PKCS11KeyWrapper {
        let (module, token, pin) = try SoftHSMToken.environment()
        return try PKCS11KeyWrapper(PKCS11Settings(module: module, token: token, pin: pin, labelPrefix: SoftHSMToken.freshPrefix(name), sessions: sessions))
    }

    @Test func makesAKEKThatNeverLeavesTheToken() async throws {
        let wrapper = try wrapper("facts")
        try await wrapper.create(version: 1)
        try await wrapper.create(version: 1)
        #expect(try await wrapper.versions() == [1])
        let facts = try await wrapper.facts(version: 1)
        #expect(!facts.extractable && facts.sensitive && facts.canWrap)
        let refusal = try await wrapper.tryToExtract(version: 1)
        #expect(refusal?.contains("CKR_ATTRIBUTE_SENSITIVE") == true)
        try await wrapper.destroy(version: 1)
        #expect(try await wrapper.versions() == [])
    }

    @Test func wrapsAndUnwrapsAndCatchesEveryAlteration() async throws {
        let wrapper = try wrapper("roundtrip")
        try await wrapper.create(version: 1)
        try await wrapper.create(version: 2)
        defer { Task { try? await wrapper.destroy(version: 1); try? await wrapper.destroy(version: 2) } }
        let dek = (0..<32).map { UInt8($0) }
        let aad = DataKeyAAD.bytes(scope: "user:u1", kekVersion: 1)
        let wrapped = try await wrapper.wrap(dek, aad: aad, version: 1)
        let opened = try await wrapper.unwrap(wrapped, aad: aad)
        #expect(opened == dek)

        var tampered = wrapped
        tampered.sealed[3] ^= 1
        var relabelled = wrapped
        relabelled.kekVersion = 2
        for (key, aad) in [(wrapped, DataKeyAAD.bytes(scope: "user:u2", kekVersion: 1)), (tampered, aad), (relabelled, aad)] {
            let error = await #expect(throws: KeyWrapperError.self) { _ = try await wrapper.unwrap(key, aad: aad) }
            #expect(error?.kind == .integrity)
        }
        let missing = await #expect(throws: KeyWrapperError.self) { _ = try await wrapper.wrap(dek, aad: aad, version: 9) }
        #expect(missing?.kind == .keyNotFound && missing?.message.contains("ticker keys init") == true)
    }

    /// Many calls at once over a pool of 3 sessions: each session is used by one thread at a time.
    @Test func servesConcurrentCallsOverItsSessions() async throws {
        let wrapper = try wrapper("parallel", sessions: 3)
        try await wrapper.create(version: 1)
        defer { Task { try? await wrapper.destroy(version: 1) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let dek = Array(repeating: UInt8(index % 256), count: 32)
                    let aad = DataKeyAAD.bytes(scope: "user:\(index)", kekVersion: 1)
                    let opened = try await wrapper.unwrap(try await wrapper.wrap(dek, aad: aad, version: 1), aad: aad)
                    #expect(opened == dek)
                }
            }
            try await group.waitForAll()
        }
    }

    /// `server_kek.ckm_aes_gcm` through the token's own CKM_AES_GCM, with the vectors' KEK loaded as
    /// a session object (a real KEK is never given its value from outside).
    @Test func reproducesTheVectorsInTheToken() async throws {
        let vectors = try Vectors()
        let wrapper = try wrapper("vector")
        let kek = try vectors.hex("server_kek.kek_hex")
        let label = wrapper.label(1)
        _ = try await wrapper.token.run { session in
            try session.createObject([
                (CK_ATTRIBUTE_TYPE(CKA_CLASS), .number(CK_ULONG(CKO_SECRET_KEY))), (CK_ATTRIBUTE_TYPE(CKA_KEY_TYPE), .number(CK_ULONG(CKK_AES))),
                (CK_ATTRIBUTE_TYPE(CKA_TOKEN), .bool(false)), (CK_ATTRIBUTE_TYPE(CKA_LABEL), .bytes(Array(label.utf8))),
                (CK_ATTRIBUTE_TYPE(CKA_ENCRYPT), .bool(true)), (CK_ATTRIBUTE_TYPE(CKA_DECRYPT), .bool(true)), (CK_ATTRIBUTE_TYPE(CKA_VALUE), .bytes(kek)),
            ])
        }
        defer { Task { try? await wrapper.destroy(version: 1) } }
        let iv = try vectors.hex("server_kek.ckm_aes_gcm.iv_hex")
        let aad = Array(try vectors.text("server_kek.ckm_aes_gcm.aad_utf8").utf8)
        let dek = try vectors.hex("server_kek.dek_hex")
        let sealed = try await wrapper.withKEK(1) { session, key in try session.encrypt(dek, key: key, nonce: iv, aad: aad) }
        #expect(sealed.nonce == iv)
        #expect(sealed.sealed == (try vectors.hex("server_kek.ckm_aes_gcm.ct_hex")))
        let opened = try await wrapper.unwrap(WrappedKey(kekVersion: 1, nonce: iv, sealed: sealed.sealed), aad: aad)
        #expect(opened == dek)
    }

    @Test func namesWhatIsWrongWithTheSettings() async throws {
        let (module, token, pin) = try SoftHSMToken.environment()
        let noModule = #expect(throws: KeyWrapperError.self) { _ = try PKCS11KeyWrapper(PKCS11Settings(module: "/nowhere/libhsm.so", token: token, pin: pin)) }
        #expect(noModule?.kind == .module && noModule?.message.contains("/nowhere/libhsm.so") == true)
        let notAModule = #expect(throws: KeyWrapperError.self) { _ = try PKCS11KeyWrapper(PKCS11Settings(module: "/etc/hostname", token: token, pin: pin)) }
        #expect(notAModule?.kind == .module)
        let noToken = #expect(throws: KeyWrapperError.self) { _ = try PKCS11KeyWrapper(PKCS11Settings(module: module, token: "no-such-token", pin: pin)) }
        #expect(noToken?.kind == .tokenNotFound && noToken?.message.contains("\"\(token)\"") == true)
    }
}
