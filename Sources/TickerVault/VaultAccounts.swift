import Crypto
import Foundation
import TickerStore
import TickerVaultFormat

/// The server's side of accounts and sessions. It checks what a client sends (sizes, formats,
/// parameter bounds, the identity's self-signature), keeps only hashes of the keys that prove a
/// password, and answers the same way for e-mails it does not know as for those it does.
public struct VaultAccounts: Sendable {
    let store: any VaultStore
    /// Keys the fake answers for unknown e-mails; constant per deployment, so they are stable.
    let serverSecret: SymmetricKey
    let sessionLifetime: Duration
    let now: @Sendable () -> Date
    let sessions: SessionCache

    /// `cacheSeconds`: how long this node trusts a session it already looked up (0: never).
    public init(
        store: any VaultStore, serverSecret: SymmetricKey, sessionLifetime: Duration = .seconds(12 * 3600), cacheSeconds: TimeInterval = 1,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.serverSecret = serverSecret
        self.sessionLifetime = sessionLifetime
        self.now = now
        sessions = SessionCache(lifetime: cacheSeconds)
    }

    /// What `POST /v1/accounts` carries, decoded.
    public struct Registration: Sendable {
        public var userID: String
        public var email: String
        public var vaultID: String
        public var kdf: KDFParameters
        public var kdfMAC: [UInt8]
        public var authKey: [UInt8]
        public var wrappedUserKey: [UInt8]
        public var userKeyEpoch: Int
        public var recoveryWrappedUserKey: [UInt8]
        public var recoveryAuthKey: [UInt8]
        public var identity: IdentityBundle
        public var wrappedPrivate: [UInt8]

        public init(
            userID: String, email: String, vaultID: String, kdf: KDFParameters, kdfMAC: [UInt8], authKey: [UInt8], wrappedUserKey: [UInt8],
            userKeyEpoch: Int, recoveryWrappedUserKey: [UInt8], recoveryAuthKey: [UInt8], identity: IdentityBundle, wrappedPrivate: [UInt8]
        ) {
            self.userID = userID
            self.email = email
            self.vaultID = vaultID
            self.kdf = kdf
            self.kdfMAC = kdfMAC
            self.authKey = authKey
            self.wrappedUserKey = wrappedUserKey
            self.userKeyEpoch = userKeyEpoch
            self.recoveryWrappedUserKey = recoveryWrappedUserKey
            self.recoveryAuthKey = recoveryAuthKey
            self.identity = identity
            self.wrappedPrivate = wrappedPrivate
        }
    }

    public func register(_ r: Registration) async throws {
        try VaultInput.uuid(r.userID, field: "user_id")
        try VaultInput.uuid(r.vaultID, field: "vault_id")
        let email = try VaultInput.email(r.email)
        do { try r.kdf.checkSafe() } catch { throw VaultInputError("kdf", "\(error)") }
        try VaultInput.bytes(r.kdfMAC, 32, field: "kdf_mac")
        try VaultInput.bytes(r.authKey, 32, field: "auth_key")
        try VaultInput.bytes(r.recoveryAuthKey, 32, field: "recovery.auth_key")
        guard r.userKeyEpoch == 1 else { throw VaultInputError("user_key_epoch", "must be 1 for a new account") }
        try VaultInput.envelope(r.wrappedUserKey, plaintext: 32, kid: 0, field: "wrapped_user_key")
        try VaultInput.envelope(r.recoveryWrappedUserKey, plaintext: 32, kid: 0, field: "recovery.wrapped_user_key")
        try VaultInput.envelope(r.wrappedPrivate, plaintext: 65, kid: 1, field: "identity.wrapped_private")
        guard r.identity.userID == r.userID, r.identity.epoch >= 1 else { throw VaultInputError("identity.epoch", "must be 1 or more") }
        try VaultInput.bytes(r.identity.signingKey, 32, field: "identity.sign_pk")
        try VaultInput.bytes(r.identity.agreementKey, 32, field: "identity.enc_pk")
        do { try r.identity.verifySelfSignature() } catch { throw VaultInputError("identity.self_sig", "does not verify") }
        try await store.createAccount(
            VaultAccountRecord(
                userID: r.userID, email: email, vaultID: r.vaultID,
                kdf: VaultKDFSettings(kdf: r.kdf.kdf, iterations: r.kdf.iterations, memoryKiB: r.kdf.memoryKiB, parallelism: r.kdf.parallelism, seed: r.kdf.seed),
                kdfMAC: r.kdfMAC, authVerifier: try Verifier.of(userID: r.userID, key: r.authKey), wrappedUserKey: r.wrappedUserKey, userKeyEpoch: 1,
                recoveryWrappedUserKey: r.recoveryWrappedUserKey, recoveryVerifier: try Verifier.of(userID: r.userID, key: r.recoveryAuthKey),
                identity: VaultIdentityRecord(
                    epoch: Int(r.identity.epoch), signPK: r.identity.signingKey, encPK: r.identity.agreementKey, selfSig: r.identity.selfSignature,
                    wrappedPrivate: r.wrappedPrivate),
                createdAt: now()))
    }

    /// `POST /v1/prelogin`: the account's id and parameters, or for an unknown e-mail a stable
    /// fake of the same shape, so that the answer does not tell whether an account exists.
    public func prelogin(email: String) async throws -> (userID: String, kdf: KDFParameters, kdfMAC: [UInt8]) {
        let email = try VaultInput.email(email)
        if let account = try await store.account(email: email) {
            let k = account.kdf
            return (account.userID, KDFParameters(kdf: k.kdf, iterations: k.iterations, memoryKiB: k.memoryKiB, parallelism: k.parallelism, seed: k.seed), account.kdfMAC)
        }
        return fake(email: email)
    }

    func fake(email: String) -> (userID: String, kdf: KDFParameters, kdfMAC: [UInt8]) {
        func mac(_ label: String) -> [UInt8] { Array(HMAC<SHA256>.authenticationCode(for: Array((label + email).utf8), using: serverSecret)) }
        var uid = Array(mac("fake-uid").prefix(16))
        uid[6] = uid[6] & 0x0F | 0x40
        uid[8] = uid[8] & 0x3F | 0x80
        let kdf = KDFParameters(kdf: KDFParameters.pbkdf2, iterations: KDFParameters.defaultIterations, memoryKiB: 0, parallelism: 0, seed: mac("fake-seed"))
        return (VaultInput.uuidText(uid), kdf, mac("fake-mac"))
    }

    /// `POST /v1/sessions`: a new session token for a matching `auth_key`. An unknown e-mail costs
    /// the same work and gets the same refusal as a wrong key.
    public func logIn(email: String, authKey: [UInt8]) async throws -> (token: String, account: VaultAccountRecord) {
        try VaultInput.bytes(authKey, 32, field: "auth_key")
        let email = try VaultInput.email(email)
        let account = try await store.account(email: email)
        let userID = account?.userID ?? fake(email: email).userID
        let presented = try Verifier.of(userID: userID, key: authKey)
        let stored = account?.authVerifier ?? Array(repeating: 0, count: 32)
        guard let account, Self.constantTimeEqual(presented, stored) else { throw VaultAuthError.badCredentials }
        let token = RandomBytes.make(32)
        let at = now()
        try await store.createSession(
            VaultSessionRecord(tokenHash: Self.tokenHash(token), userID: account.userID, kind: .session, createdAt: at, expiresAt: at + sessionLifetime))
        return (Base64URL.encode(token), account)
    }

    /// The account behind a bearer token, or `unauthorized`.
    public func authenticate(token: String, kind: VaultSessionRecord.Kind = .session) async throws -> (VaultAccountRecord, tokenHash: [UInt8]) {
        guard let bytes = try? Base64URL.decode(token), bytes.count == 32 else { throw VaultAuthError.unauthorized }
        let hash = Self.tokenHash(bytes)
        let at = now()
        if let account = sessions.account(tokenHash: hash, kind: kind, now: at) { return (account, hash) }
        guard let account = try await store.sessionAccount(tokenHash: hash, kind: kind, now: at) else { throw VaultAuthError.unauthorized }
        sessions.remember(account, tokenHash: hash, kind: kind, now: at)
        return (account, hash)
    }

    public func logOut(tokenHash: [UInt8]) async throws {
        sessions.forget(tokenHash: tokenHash)
        try await store.revokeSession(tokenHash: tokenHash, now: now())
    }

    static func tokenHash(_ token: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: token)) }

    /// Compares without stopping at the first difference, so timing says nothing about how much
    /// of a guess was right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Date {
    static func + (date: Date, duration: Duration) -> Date { date.addingTimeInterval(Double(duration.components.seconds)) }
}

public enum VaultAuthError: Error, Sendable, Equatable {
    /// Wrong e-mail, key or password: one answer for all, so nobody learns which.
    case badCredentials
    /// No token, or one that expired or was revoked.
    case unauthorized
    /// Signed in, but the object is another user's.
    case forbidden
}

/// A field of a request that is not what the protocol fixes: the answer names it.
public struct VaultInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field) \(message)" }
}

/// Format checks of request fields.
enum VaultInput {
    static func uuid(_ text: String, field: String) throws {
        let chars = Array(text.utf8)
        let dashes = [8, 13, 18, 23]
        let ok = chars.count == 36 && chars.enumerated().allSatisfy { i, c in
            dashes.contains(i) ? c == UInt8(ascii: "-") : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
        }
        guard ok else { throw VaultInputError(field, "must be a UUID in lower case") }
    }

    /// The canonical form of an e-mail address (rule 11.17), if it can be one.
    static func email(_ text: String, field: String = "email") throws -> String {
        let email = EmailAddress.canonical(text)
        guard (3...254).contains(email.utf8.count), email.contains("@") else { throw VaultInputError(field, "is not an e-mail address") }
        return email
    }

    static func uuidText(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    static func bytes(_ value: [UInt8], _ count: Int, field: String) throws {
        guard value.count == count else { throw VaultInputError(field, "must be \(count) bytes, not \(value.count)") }
    }

    /// A v1 envelope of a `plaintext`-byte value, under key id `kid` when one is required.
    static func envelope(_ value: [UInt8], plaintext: Int, kid: UInt32?, field: String) throws {
        let size = plaintext + EnvelopeHeader.overhead
        guard value.count == size else { throw VaultInputError(field, "must be an envelope of \(size) bytes, not \(value.count)") }
        guard let header = try? EnvelopeHeader(of: value) else { throw VaultInputError(field, "has an unknown envelope format or algorithm") }
        if let kid, header.kid != kid { throw VaultInputError(field, "must carry key id \(kid), not \(header.kid)") }
    }
}

extension VaultAccounts {
    /// A user's public identity, for `GET /v1/users/{id}/identity` and `GET /v1/users/lookup`
    /// (both for signed-in callers only: they tell that an account exists, as in every product
    /// that lets people share). Nil for an unknown user.
    public func identity(userID: String) async throws -> IdentityBundle? {
        try await store.account(userID: userID).map(Self.bundle)
    }

    public func identity(email: String) async throws -> IdentityBundle? {
        try await store.account(email: try VaultInput.email(email)).map(Self.bundle)
    }

    private static func bundle(_ account: VaultAccountRecord) -> IdentityBundle {
        IdentityBundle(
            userID: account.userID, epoch: UInt32(account.identity.epoch), signingKey: account.identity.signPK,
            agreementKey: account.identity.encPK, selfSignature: account.identity.selfSig)
    }
}
