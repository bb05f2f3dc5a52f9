import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The peers allowed to say who the client is, in `X-Forwarded-For`: the load balancer or
/// ingress in front of Ticker. Without them every request behind a proxy comes from the proxy's
/// address, and per-address rate limits would throttle all users together.
public struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        var bytes: [UInt8]
        var prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var left = prefix
            for (a, b) in zip(address, bytes) where left > 0 {
                let bits = min(8, left)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                guard a & mask == b & mask else { return false }
                left -= bits
            }
            return true
        }
    }

    let networks: [Network]

    /// No proxy is trusted: the peer's own address is the client's.
    public static let none = TrustedProxies(networks: [])

    init(networks: [Network]) { self.networks = networks }

    /// A comma-separated list of addresses and networks: `10.0.0.0/8, 192.168.1.7, fd00::/8`.
    public init(parsing text: String) throws {
        networks = try text.split(separator: ",").map { item in
            let part = item.trimmingCharacters(in: .whitespaces)
            let pieces = part.split(separator: "/", maxSplits: 1)
            guard let bytes = Self.address(String(pieces[0])) else { throw TrustedProxiesError(item: part, reason: "is not an IP address") }
            let prefix = pieces.count == 2 ? Int(pieces[1]) : bytes.count * 8
            guard let prefix, (0...(bytes.count * 8)).contains(prefix) else {
                throw TrustedProxiesError(item: part, reason: "has a prefix length outside 0...\(bytes.count * 8)")
            }
            return Network(bytes: bytes, prefix: prefix)
        }
    }

    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.address(address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then, from the right
    /// of `X-Forwarded-For`, the first address that is not a trusted proxy (anything to its left
    /// was written by the client and proves nothing).
    public func client(peer: String, forwardedFor: String?) -> String {
        guard contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !contains(hop) {
            return Self.address(hop) == nil ? peer : hop
        }
        return hops.first ?? peer
    }

    static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

public struct TrustedProxiesError: Error, CustomStringConvertible {
    public var item: String
    public var reason: String
    public var description: String { "trusted proxy '\(item)' \(reason)" }
}
