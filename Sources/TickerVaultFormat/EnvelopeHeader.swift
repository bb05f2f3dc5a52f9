/// The first six bytes of a v1 envelope: format `0x01`, algorithm `0x01` (AES-256-GCM) and the
/// key id. The client reads them before it decrypts; the server checks them before it stores.
public struct EnvelopeHeader: Sendable, Equatable {
    public static let format: UInt8 = 0x01
    public static let aesGCM: UInt8 = 0x01
    public static let size = 6
    /// Header, 12-byte nonce and 16-byte tag: an envelope of nothing.
    public static let overhead = size + 12 + 16

    /// The generation of the key that encrypted the envelope.
    public var kid: UInt32

    /// Reads the header of `envelope`, refusing one too short to be an envelope or of a format or
    /// algorithm this version does not know.
    public init(of envelope: [UInt8]) throws {
        guard envelope.count >= Self.overhead else {
            throw VaultError.malformed("an envelope of \(envelope.count) bytes is shorter than \(Self.overhead)")
        }
        guard envelope[0] == Self.format else { throw VaultError.unsupported("envelope format \(envelope[0])") }
        guard envelope[1] == Self.aesGCM else { throw VaultError.unsupported("envelope algorithm \(envelope[1])") }
        kid = envelope[2..<6].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
