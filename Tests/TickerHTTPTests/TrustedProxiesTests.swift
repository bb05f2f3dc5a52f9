import Testing
import TickerHTTP

@Suite("Trusted proxies")
struct TrustedProxiesTests {
    @Test("networks of both families; a bad entry is named")
    func parsing() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8, 192.168.1.7, fd00::/8")
        #expect(proxies.contains("10.200.3.4") && proxies.contains("192.168.1.7") && proxies.contains("fd12::1"))
        #expect(!proxies.contains("11.0.0.1") && !proxies.contains("192.168.1.8") && !proxies.contains("fe80::1") && !proxies.contains("nonsense"))
        #expect(throws: TrustedProxiesError.self) { try TrustedProxies(parsing: "10.0.0.0/33") }
        #expect(throws: TrustedProxiesError.self) { try TrustedProxies(parsing: "example.org") }
        #expect(try TrustedProxies(parsing: "") == .none)
    }

    @Test("the client is the right-most address a trusted proxy did not add")
    func client() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8")
        // Not behind a trusted proxy: the header is the client's own words and ignored.
        #expect(proxies.client(peer: "203.0.113.9", forwardedFor: "198.51.100.1") == "203.0.113.9")
        #expect(proxies.client(peer: "10.0.0.5", forwardedFor: nil) == "10.0.0.5")
        #expect(proxies.client(peer: "10.0.0.5", forwardedFor: "198.51.100.1") == "198.51.100.1")
        // A forged entry on the left does not help: the right-most untrusted hop counts.
        #expect(proxies.client(peer: "10.0.0.5", forwardedFor: "1.2.3.4, 198.51.100.1, 10.0.0.9") == "198.51.100.1")
        #expect(proxies.client(peer: "10.0.0.5", forwardedFor: "garbage") == "10.0.0.5")
        #expect(TrustedProxies.none.client(peer: "10.0.0.5", forwardedFor: "198.51.100.1") == "10.0.0.5")
    }
}
