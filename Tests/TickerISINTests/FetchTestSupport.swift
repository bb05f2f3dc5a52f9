import Crypto
import Foundation
import TickerISIN

/// A fresh directory under the system's temporary directory, removed after `body`.
func withTemporaryDirectory<R>(_ body: (URL) async throws -> R) async throws -> R {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("ticker-isin-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// SHA-256 in lowercase hex, computed independently of the fetcher's streaming hash.
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

/// Deterministic CSV-like text of about `size` bytes: compressible, like real ISIN lists.
func sampleCSV(bytes size: Int) -> [UInt8] {
    var text = "ISIN;Name;Currency\n"
    var row = 0
    while text.utf8.count < size {
        text += "US\(String(format: "%09d", row * 7919 % 1_000_000_000))\(row % 10);Issuer \(row);USD\n"
        row += 1
    }
    return Array(text.utf8.prefix(size))
}

/// Deterministic incompressible bytes.
func noiseBytes(_ count: Int, seed: UInt64 = 42) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

func write(_ bytes: [UInt8], to url: URL) throws {
    try Data(bytes).write(to: url)
}

func contents(of url: URL) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: url))
}

/// The names in `directory`, hidden ones included, sorted; none if it does not exist.
func fileNames(in directory: URL) throws -> [String] {
    guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
    return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

/// Reads all chunks of a source.
func drain(_ source: any ByteChunkSource) throws -> [UInt8] {
    var source = source
    var bytes: [UInt8] = []
    while let chunk = try source.next() { bytes += chunk }
    return bytes
}
