import CPKCS11
import Crypto
import Synchronization

/// Where a PKCS#11 token is and how to log in to it.
public struct PKCS11Settings: Sendable {
    /// The module's shared library, for example `/usr/lib/softhsm/libsofthsm2.so`.
    public var module: String
    /// The token's label (`softhsm2-util --init-token --label ...`).
    public var token: String
    /// The user PIN. Read from the environment or a file, never from a flag or a config file.
    public var pin: String
    /// KEKs are labelled `<prefix><N>`; a separate prefix lets two deployments share a token.
    public var labelPrefix: String
    /// How many sessions run calls at once.
    public var sessions: Int

    public init(module: String, token: String, pin: String, labelPrefix: String = "ticker-kek-v", sessions: Int = 4) {
        self.module = module
        self.token = token
        self.pin = pin
        self.labelPrefix = labelPrefix
        self.sessions = sessions
    }
}

/// KEKs in a PKCS#11 token: AES-256, made inside the token as sensitive and non-extractable, used
/// through `CKM_AES_GCM` so that data keys come back as plain bytes for swift-crypto while the
/// KEK's value never leaves the token (vault protocol, section 8).
public final class PKCS11KeyWrapper: KeyWrapper {
    let token: PKCS11Token
    let prefix: String
    /// Object handles by KEK version; they stay valid for the life of the module's session state,
    /// and are looked up again when the token says a handle is no longer valid.
    private let handles = Mutex<[Int: CK_OBJECT_HANDLE]>([:])

    /// Loads the module, finds the token and logs in; blocks, so call it while starting up.
    public init(_ settings: PKCS11Settings) throws {
        let module = try PKCS11Module.named(settings.module)
        token = try PKCS11Token(module: module, label: settings.token, pin: Array(settings.pin.utf8), sessions: settings.sessions)
        prefix = settings.labelPrefix
    }

    public var location: String { "PKCS#11 token \"\(token.label)\" in \(token.module.path)" }
    public var isHardwareBacked: Bool { true }

    /// The module's own description (`C_GetInfo`).
    public func moduleInfo() throws -> String { try token.module.info() }

    public func versions() async throws -> [Int] {
        let prefix = self.prefix
        let labels = try await token.run { try $0.secretKeys(labelledWith: prefix).keys }
        return labels.compactMap { Int($0.dropFirst(prefix.count)) }.filter { $0 >= 1 }.sorted()
    }

    public func create(version: Int) async throws {
        let label = label(version)
        _ = try await token.run { session -> CK_OBJECT_HANDLE in
            if let existing = try Self.lookUp(label, in: session) { return existing }
            return try session.generateAESKey(Self.kekTemplate(label: label))
        }
    }

    public func destroy(version: Int) async throws {
        let label = label(version)
        try await token.run { session in
            if let handle = try Self.lookUp(label, in: session) { try session.destroy(handle) }
        }
        _ = handles.withLock { $0.removeValue(forKey: version) }
    }

    public func wrap(_ key: [UInt8], aad: [UInt8], version: Int) async throws -> WrappedKey {
        let nonce = Array(AES.GCM.Nonce())
        let (used, sealed) = try await withKEK(version) { session, kek in try session.encrypt(key, key: kek, nonce: nonce, aad: aad) }
        return WrappedKey(kekVersion: version, nonce: used, sealed: sealed)
    }

    public func unwrap(_ key: WrappedKey, aad: [UInt8]) async throws -> [UInt8] {
        do {
            return try await withKEK(key.kekVersion) { session, kek in try session.decrypt(key.sealed, key: kek, nonce: key.nonce, aad: aad) }
        } catch let error as KeyWrapperError where error.kind == .token {
            // SoftHSM2 reports a failed GCM tag as CKR_GENERAL_ERROR, other tokens as
            // CKR_ENCRYPTED_DATA_INVALID: any refusal to decrypt is an integrity failure.
            throw KeyWrapperError(.integrity, "a data key sealed by KEK v\(key.kekVersion) failed its integrity check (\(error.message))")
        }
    }

    public func facts(version: Int) async throws -> KEKFacts {
        let label = label(version)
        return try await withKEK(version) { session, kek in
            KEKFacts(
                version: version, label: label,
                extractable: session.flag(CK_ATTRIBUTE_TYPE(CKA_EXTRACTABLE), of: kek) ?? true,
                sensitive: session.flag(CK_ATTRIBUTE_TYPE(CKA_SENSITIVE), of: kek) ?? false,
                canWrap: session.flag(CK_ATTRIBUTE_TYPE(CKA_ENCRYPT), of: kek) ?? false && session.flag(CK_ATTRIBUTE_TYPE(CKA_DECRYPT), of: kek) ?? false)
        }
    }

    /// Tries to read KEK `version`'s value out of the token, as an attacker with the PIN would.
    /// Returns the token's refusal; a KEK made by `create(version:)` is always refused.
    public func tryToExtract(version: Int) async throws -> String? {
        try await withKEK(version) { session, kek in
            do {
                _ = try session.value(CK_ATTRIBUTE_TYPE(CKA_VALUE), of: kek)
                return nil
            } catch let failure as PKCS11Failure {
                return PKCS11Result.error(failure.result, failure.call, module: "").message
            }
        }
    }

    func label(_ version: Int) -> String { prefix + String(version) }

    /// Runs `body` with KEK `version`'s handle, looking it up again once if the token no longer
    /// knows the cached one.
    func withKEK<T: Sendable>(_ version: Int, _ body: @escaping @Sendable (PKCS11Session, CK_OBJECT_HANDLE) throws -> T) async throws -> T {
        let label = label(version)
        let cached = handles.withLock { $0[version] }
        let (result, handle) = try await token.run { session -> (T, CK_OBJECT_HANDLE) in
            if let cached {
                do {
                    return (try body(session, cached), cached)
                } catch let failure as PKCS11Failure
                    where [CKR_KEY_HANDLE_INVALID, CKR_OBJECT_HANDLE_INVALID].contains(where: { CK_RV($0) == failure.result }) {}
            }
            guard let handle = try Self.lookUp(label, in: session) else {
                throw KeyWrapperError(.keyNotFound, "the token has no KEK labelled \"\(label)\"; run `ticker keys init` (or check the label prefix)")
            }
            return (try body(session, handle), handle)
        }
        handles.withLock { $0[version] = handle }
        return result
    }

    static func lookUp(_ label: String, in session: PKCS11Session) throws -> CK_OBJECT_HANDLE? {
        let found = try session.find([
            (CK_ATTRIBUTE_TYPE(CKA_CLASS), .number(CK_ULONG(CKO_SECRET_KEY))), (CK_ATTRIBUTE_TYPE(CKA_LABEL), .bytes(Array(label.utf8))),
        ])
        guard found.count <= 1 else {
            throw KeyWrapperError(.token, "the token holds \(found.count) keys labelled \"\(label)\"; two `ticker keys` commands ran at once. Keep the one in use and destroy the others")
        }
        return found.first
    }

    /// Section 8: a token object, private, sensitive, never extractable, for encrypting and
    /// wrapping only.
    static func kekTemplate(label: String) -> [(CK_ATTRIBUTE_TYPE, PKCS11Session.Value)] {
        [
            (CK_ATTRIBUTE_TYPE(CKA_CLASS), .number(CK_ULONG(CKO_SECRET_KEY))), (CK_ATTRIBUTE_TYPE(CKA_KEY_TYPE), .number(CK_ULONG(CKK_AES))),
            (CK_ATTRIBUTE_TYPE(CKA_VALUE_LEN), .number(32)), (CK_ATTRIBUTE_TYPE(CKA_LABEL), .bytes(Array(label.utf8))),
            (CK_ATTRIBUTE_TYPE(CKA_TOKEN), .bool(true)), (CK_ATTRIBUTE_TYPE(CKA_PRIVATE), .bool(true)),
            (CK_ATTRIBUTE_TYPE(CKA_SENSITIVE), .bool(true)), (CK_ATTRIBUTE_TYPE(CKA_EXTRACTABLE), .bool(false)),
            (CK_ATTRIBUTE_TYPE(CKA_ENCRYPT), .bool(true)), (CK_ATTRIBUTE_TYPE(CKA_DECRYPT), .bool(true)),
            (CK_ATTRIBUTE_TYPE(CKA_WRAP), .bool(true)), (CK_ATTRIBUTE_TYPE(CKA_UNWRAP), .bool(true)),
        ]
    }
}
