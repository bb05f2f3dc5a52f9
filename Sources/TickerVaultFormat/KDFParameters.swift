/// How a password is stretched, as the server stores and returns it for an account.
///
/// The client is the one that decides what is safe: parameters outside the floor and ceiling
/// are refused before anything is derived, whatever the server says.
public struct KDFParameters: Sendable, Hashable, Codable {
    /// 1: PBKDF2-HMAC-SHA256 (the v1 default). 2: Argon2id, reserved until browsers have it.
    public var kdf: Int
    public var iterations: Int
    public var memoryKiB: Int
    public var parallelism: Int
    /// 32 random bytes, new at registration and at every password change.
    public var seed: [UInt8]

    public static let pbkdf2 = 1
    public static let argon2id = 2
    public static let defaultIterations = 600_000

    public init(kdf: Int, iterations: Int, memoryKiB: Int, parallelism: Int, seed: [UInt8]) {
        self.kdf = kdf
        self.iterations = iterations
        self.memoryKiB = memoryKiB
        self.parallelism = parallelism
        self.seed = seed
    }

    /// The current defaults with a fresh seed.
    public static func fresh() -> KDFParameters {
        KDFParameters(kdf: pbkdf2, iterations: defaultIterations, memoryKiB: 0, parallelism: 0, seed: RandomBytes.make(32))
    }

    enum CodingKeys: String, CodingKey {
        case kdf, iterations, seed, parallelism
        case memoryKiB = "memory_kib"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kdf = try c.decode(Int.self, forKey: .kdf)
        iterations = try c.decode(Int.self, forKey: .iterations)
        memoryKiB = try c.decode(Int.self, forKey: .memoryKiB)
        parallelism = try c.decode(Int.self, forKey: .parallelism)
        seed = try Base64URL.decode(try c.decode(String.self, forKey: .seed), field: "kdf seed")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kdf, forKey: .kdf)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(memoryKiB, forKey: .memoryKiB)
        try c.encode(parallelism, forKey: .parallelism)
        try c.encode(Base64URL.encode(seed), forKey: .seed)
    }

    /// `"TKP1" ‖ u8(kdf) ‖ u32(iterations) ‖ u32(memory_kib) ‖ u8(parallelism) ‖ lp(seed)`: what
    /// derivations and the parameters' MAC bind.
    public func canonicalBytes() throws -> [UInt8] {
        try checkRanges()
        var w = ByteWriter("TKP1")
        w.u8(UInt8(kdf))
        w.u32(UInt32(iterations))
        w.u32(UInt32(memoryKiB))
        w.u8(UInt8(parallelism))
        try w.lp(seed)
        return w.bytes
    }

    /// The floor and ceiling of the protocol, checked before any key is derived. Argon2id is
    /// reserved: this version derives with PBKDF2 only and refuses to create or use kdf 2.
    public func checkSafe() throws {
        try checkRanges()
        switch kdf {
        case Self.pbkdf2:
            guard iterations >= 600_000 else { throw VaultError.unsafeParameters("\(iterations) PBKDF2 iterations is below the floor of 600,000") }
            guard iterations <= 10_000_000 else { throw VaultError.unsafeParameters("\(iterations) PBKDF2 iterations is above the ceiling of 10,000,000") }
            guard memoryKiB == 0, parallelism == 0 else { throw VaultError.unsafeParameters("PBKDF2 takes no memory or parallelism parameters") }
        case Self.argon2id:
            throw VaultError.unsupported("Argon2id (kdf 2) is reserved in protocol v1")
        default:
            throw VaultError.unsafeParameters("unknown key-derivation function \(kdf)")
        }
    }

    /// Whether these parameters are at least as strong as `pinned` (the same function, no
    /// component lower). A switch from PBKDF2 to Argon2id counts as stronger.
    public func isAtLeastAsStrong(as pinned: KDFParameters) -> Bool {
        switch (pinned.kdf, kdf) {
        case (Self.pbkdf2, Self.pbkdf2): iterations >= pinned.iterations
        case (Self.pbkdf2, Self.argon2id): true
        case (Self.argon2id, Self.argon2id):
            iterations >= pinned.iterations && memoryKiB >= pinned.memoryKiB && parallelism >= pinned.parallelism
        default: false
        }
    }

    private func checkRanges() throws {
        guard (0...255).contains(kdf), (0...255).contains(parallelism), (0...Int(UInt32.max)).contains(iterations),
            (0...Int(UInt32.max)).contains(memoryKiB)
        else { throw VaultError.malformed("key-derivation parameters out of range") }
        guard seed.count == 32 else { throw VaultError.unsafeParameters("the key-derivation seed is \(seed.count) bytes, not 32") }
    }
}
