import Benchmark
import TickerISIN

/// How fast one ISIN is validated, through each entry point, for the inputs a daily file holds:
/// clean ISINs (the fast path, which must not allocate), ones that need normalizing, and invalid
/// ones. The target is at least 5 million clean inputs per second on one core.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
        scalingFactor: .kilo,
        maxDuration: .seconds(3)
    )
    let clean = sampleISINs(count: 1_024)
    let spelled = clean.map { "  " + $0.prefix(2).lowercased() + " " + $0.dropFirst(2).prefix(4) + "-" + $0.dropFirst(6) }
    let wrongCheckDigit = clean.map { String($0.dropLast()) + String((Int(String($0.last!))! + 1) % 10) }
    let cleanBytes = clean.map { Array($0.utf8) }

    Benchmark("validate(String) clean") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(ISIN.validate(clean[index & 1_023]))
        }
    }
    Benchmark("validate(String) spaced, lower case") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(ISIN.validate(spelled[index & 1_023]))
        }
    }
    Benchmark("validate(String) wrong check digit") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(ISIN.validate(wrongCheckDigit[index & 1_023]))
        }
    }
    Benchmark("isValid(utf8:) clean") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(cleanBytes[index & 1_023].withUnsafeBufferPointer { ISIN.isValid(utf8: $0) })
        }
    }
    Benchmark("validate(utf8:) clean") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(cleanBytes[index & 1_023].withUnsafeBufferPointer { ISIN.validate(utf8: $0) })
        }
    }
}

/// Real-looking ISINs from a fixed linear congruential sequence: a spread of prefixes, mostly digits.
/// Computed with TickerISIN itself, which the tests check against a plain implementation.
func sampleISINs(count: Int) -> [String] {
    let prefixes = ["US", "DE", "GB", "FR", "CH", "NL", "JP", "XS", "EU", "IE", "LU", "CA"]
    let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    var state: UInt64 = 6166
    func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
    var result: [String] = []
    while result.count < count {
        var first11 = prefixes[next(prefixes.count)]
        for _ in 0..<9 { first11.append(alphabet[next(10) < 8 ? next(10) : next(36)]) }
        // The one digit that completes it: exactly one of ten candidates validates.
        if let isin = (0...9).lazy.map({ first11 + String($0) }).first(where: ISIN.isValid) { result.append(isin) }
    }
    return result
}
