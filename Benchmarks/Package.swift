// swift-tools-version: 6.2
// Micro-benchmarks with package-benchmark, kept in their own package so that building and testing
// Ticker never compiles the benchmark harness. Run: `cd Benchmarks && swift package benchmark`.
import PackageDescription

let package = Package(
    name: "ticker-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "ticker", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "NextFire",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TickerCore", package: "ticker"),
            ],
            path: "Benchmarks/NextFire",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ClaimPath",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TickerCore", package: "ticker"),
                .product(name: "TickerStore", package: "ticker"),
            ],
            path: "Benchmarks/ClaimPath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ISINValidate",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TickerISIN", package: "ticker"),
            ],
            path: "Benchmarks/ISINValidate",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Plain executable for scripts/isin-compare.py: validates a file's lines in memory.
        .executableTarget(
            name: "ISINThroughput",
            dependencies: [.product(name: "TickerISIN", package: "ticker")],
            path: "Benchmarks/ISINThroughput"
        ),
    ]
)
