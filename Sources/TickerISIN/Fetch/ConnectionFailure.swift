import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure to reach the server at all, told apart from failures of the transfer so the message
/// can say "connection refused" or "host not found" instead of NIO's type dump.
struct ConnectionFailure: Sendable {
    var reason: String

    init?(_ error: any Error) {
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first {
                reason = Self.describe(first.error) + " (\(error.host) port \(error.port))"
            } else {
                reason = "host \(error.host) not found"
            }
        } else if let error = error as? IOError, Self.connectErrnos.contains(error.errnoCode) {
            reason = Self.describe(error)
        } else if error is SocketAddressError {
            reason = "host not found"
        } else if let error = error as? ChannelError, case .connectTimeout = error {
            reason = "connect timed out"
        } else {
            return nil
        }
    }

    private static let connectErrnos: Set<CInt> = [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH]

    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connect timed out" }
        return "\(error)"
    }
}
