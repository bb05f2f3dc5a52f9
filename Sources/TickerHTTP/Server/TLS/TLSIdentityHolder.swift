import Foundation
import Logging
import NIOSSL
import Synchronization

/// The identity new TLS connections are served with. `reload()` reads the files again; a
/// connection already open keeps the context it was accepted with, so a reload drops nothing,
/// and files that fail their checks leave the current identity in place.
public final class TLSIdentityHolder: Sendable {
    private let current: Mutex<TLSIdentity>

    public init(_ identity: TLSIdentity) {
        current = Mutex(identity)
    }

    public var identity: TLSIdentity { current.withLock { $0 } }

    var context: NIOSSLContext { current.withLock { $0.context } }

    /// Reads the same two files again. Returns the new identity, or throws and keeps the old one.
    @discardableResult
    public func reload() throws(TLSIdentityError) -> TLSIdentity {
        let old = identity
        let new = try TLSIdentity(certificateFile: old.certificateFile, keyFile: old.keyFile)
        current.withLock { $0 = new }
        return new
    }
}

extension TLSIdentity {
    /// What a log line says of an identity.
    public var metadata: Logger.Metadata {
        ["subject": "\(subject)", "not_after": "\(notValidAfter)", "sha256": "\(fingerprint)"]
    }
}
