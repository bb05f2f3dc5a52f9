// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "ticker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ticker", targets: ["ticker"]),
        .library(name: "TickerCore", targets: ["TickerCore"]),
        .library(name: "TickerStore", targets: ["TickerStore"]),
        .library(name: "TickerEngine", targets: ["TickerEngine"]),
        .library(name: "TickerISIN", targets: ["TickerISIN"]),
        .library(name: "TickerHTTP", targets: ["TickerHTTP"]),
        .library(name: "TickerVaultClient", targets: ["TickerVaultClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: ["YAML"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Pure domain: schedules, DAG model, state machines, policies. Foundation only, no I/O.
        .target(name: "TickerCore", swiftSettings: strict),
        // Storage protocols and their SQLite (embedded) and PostgreSQL (several nodes) implementations.
        .target(
            name: "TickerStore",
            dependencies: [
                "TickerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // The ISIN pipeline: ISO 6166 validation, the parsers of ISIN list files (delimited text,
        // FIRDS XML, zip and gzip), the download, and the snapshots built on TickerStore.
        .target(
            name: "TickerISIN",
            dependencies: [
                "TickerCore", "TickerStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // Scheduler loop, workers, operators, DAG files.
        .target(
            name: "TickerEngine",
            dependencies: [
                "TickerCore", "TickerStore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // The REST API's types and server protocol, generated from openapi/ticker.yaml.
        .target(
            name: "TickerAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            swiftSettings: strict,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The web layer: the API's handlers, the UI, authentication, operations endpoints.
        .target(
            name: "TickerHTTP",
            dependencies: [
                "TickerCore", "TickerStore", "TickerEngine", "TickerISIN", "TickerAPI", "TickerAudit",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ticker",
            dependencies: [
                "TickerCore", "TickerStore", "TickerEngine", "TickerISIN", "TickerHTTP", "TickerVaultHTTP", "TickerVaultClient", "TickerKeys", "TickerAudit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // What the vault's client and server both read and check, and nothing secret: encodings,
        // key-derivation parameters and their bounds, the envelope format, public identities, share headers.
        .target(
            name: "TickerVaultFormat",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // The vault's server side: accounts, sessions, items, shares. It never imports the client.
        .target(
            name: "TickerVault",
            dependencies: ["TickerStore", "TickerKeys", "TickerVaultFormat", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TickerVaultTests",
            dependencies: [
                "TickerVault", "TickerVaultClient", "TickerStore", "TickerKeys", "TickerTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        // The tamper-evident audit log: the hash chain, its signed checkpoints, group-commit
        // appends, verification and export.
        .target(
            name: "TickerAudit",
            dependencies: [
                "TickerStore", "TickerKeys", "TickerVaultFormat",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The PKCS#11 header (p11-kit's, from Debian's libp11-kit-dev); the module itself is
        // loaded with dlopen, so nothing links p11-kit.
        .systemLibrary(name: "CPKCS11", pkgConfig: "p11-kit-1", providers: [.apt(["libp11-kit-dev"])]),
        // Key-encryption keys and the data keys they wrap: a PKCS#11 token in production, a key
        // file in development, behind one `KeyWrapper` protocol.
        .target(
            name: "TickerKeys",
            dependencies: ["CPKCS11", "TickerStore", "TickerVaultFormat", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(name: "TickerKeysTests", dependencies: ["TickerKeys", "TickerTestSupport"]),
        // The vault API's types and server protocol, generated from openapi/vault.yaml.
        .target(
            name: "TickerVaultAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            swiftSettings: strict,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The vault API's handlers, mounted at /v1 on the web server.
        .target(
            name: "TickerVaultHTTP",
            dependencies: [
                "TickerVault", "TickerVaultAPI", "TickerHTTP", "TickerStore", "TickerKeys", "TickerAudit",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The browser client: plain ES modules and their page, no build step.
            resources: [.copy("Public")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TickerVaultHTTPTests",
            dependencies: [
                "TickerVaultHTTP", "TickerVaultClient", "TickerHTTP", "TickerStore", "TickerAudit", "TickerTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        // The vault's client side: key derivation, envelopes, manifests, identities and shares of
        // docs/vault-protocol.md. It imports no server module, so plaintext handling stays here.
        .target(
            name: "TickerVaultClient",
            dependencies: [
                "TickerVaultFormat",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TickerVaultClientTests",
            dependencies: [
                "TickerVaultClient", "TickerTestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "TickerCoreTests",
            dependencies: ["TickerCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "TickerStoreTests",
            dependencies: [
                "TickerCore", "TickerStore", "TickerKeys", "TickerAudit", "TickerVault", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "TickerISINTests",
            dependencies: [
                "TickerCore", "TickerISIN", "TickerStore", "TickerTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "TickerHTTPTests",
            dependencies: [
                "TickerHTTP", "TickerStore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "TickerEngineTests", dependencies: ["TickerCore", "TickerStore", "TickerEngine", "TickerTestSupport"]),
        // What several test targets share: starting the python3 fixture servers.
        .target(name: "TickerTestSupport", path: "Tests/TickerTestSupport"),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "TickerCore", "TickerStore", "TickerKeys", "TickerTestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)
