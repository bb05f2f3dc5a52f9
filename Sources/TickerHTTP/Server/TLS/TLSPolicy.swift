import NIOSSL

/// What `ticker serve --tls-cert --tls-key` accepts from a client: TLS 1.2 and 1.3 only, and only
/// suites with an ephemeral key exchange (forward secrecy) and an AEAD cipher.
///
/// TLS 1.3's suites are all AEAD with ephemeral keys, and BoringSSL does not let them be narrowed;
/// the list below therefore only constrains TLS 1.2, where it leaves out every CBC, RSA-key-exchange
/// and SHA-1 suite.
public enum TLSPolicy {
    public static let tls12Suites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    /// The `Strict-Transport-Security` value sent on every response over TLS: one year, and
    /// subdomains too, since a finance service's neighbours should not be reachable in clear either.
    public static let strictTransportSecurity = "max-age=31536000; includeSubDomains"

    static func serverConfiguration(chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.cipherSuiteValues = tls12Suites
        configuration.curves = [.x25519, .secp256r1, .secp384r1]
        configuration.renegotiationSupport = .none
        configuration.applicationProtocols = ["http/1.1"]
        return configuration
    }
}
