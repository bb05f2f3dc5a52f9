/// Why the client refused something. Messages are for the person at the keyboard: what happened
/// and, where there is one, what to do. Integrity failures are fatal for the object concerned;
/// the client never falls back to anything weaker.
public enum VaultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A value did not have the form the protocol fixes (length, alphabet, version byte).
    case malformed(String)
    /// Decryption or a MAC or signature check failed: the data was altered, swapped or replayed,
    /// or the key is wrong.
    case integrity(String)
    /// The server presented key-derivation parameters outside the allowed range, weaker than the
    /// ones this device pinned, or without a valid MAC.
    case unsafeParameters(String)
    /// An algorithm or format this version does not know.
    case unsupported(String)

    public var description: String {
        switch self {
        case .malformed(let what): "malformed: \(what)"
        case .integrity(let what): "integrity error: \(what)"
        case .unsafeParameters(let what): "refused key-derivation parameters: \(what)"
        case .unsupported(let what): "unsupported: \(what)"
        }
    }
}
