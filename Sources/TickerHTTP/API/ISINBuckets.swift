import Crypto
import Foundation
import TickerStore

/// The current snapshot's ISINs ordered by SHA-256, for k-anonymous look-ups by hash prefix.
///
/// Derived data, so it lives in memory: built on the first request after a publish (one pass over
/// the snapshot in ISIN order), then shared. An entry is the hash's first 8 bytes and the ISIN
/// (24 bytes), about 24 MB for a million instruments; a bucket's full hashes are recomputed when
/// it is served, which costs microseconds for the few thousand ISINs a bucket holds.
public actor ISINBuckets {
    struct Entry: Sendable {
        var key: UInt64
        var isin: String
    }

    struct Index: Sendable {
        var snapshot: Int64
        var entries: [Entry]
    }

    /// One bucket as served.
    public struct Bucket: Sendable {
        public var snapshot: Int64
        public var entries: [(sha256: String, isin: String)]
    }

    let store: any ISINStore
    private var index: Index?
    private var building: (snapshot: Int64, task: Task<Index, any Error>)?

    public init(store: any ISINStore) {
        self.store = store
    }

    /// The ISINs whose hash starts with `prefix` (hex digits, at most 16), or nil before the first
    /// snapshot.
    public func bucket(prefix: String) async throws -> Bucket? {
        guard let current = try await store.currentSnapshot() else { return nil }
        let index = try await index(for: current.id)
        let digits = prefix.lowercased()
        let shift = UInt64(64 - 4 * digits.count)
        guard let value = UInt64(digits, radix: 16) else { return Bucket(snapshot: index.snapshot, entries: []) }
        let low = value << shift
        let high = low | ((1 << shift) - 1)
        let start = index.entries.partitionPoint { $0.key < low }
        let end = index.entries.partitionPoint { $0.key <= high }
        let entries = index.entries[start..<end].map { (sha256: Self.hex(SHA256.hash(data: Data($0.isin.utf8))), isin: $0.isin) }
        return Bucket(snapshot: index.snapshot, entries: entries.sorted { $0.sha256 < $1.sha256 })
    }

    private func index(for snapshot: Int64) async throws -> Index {
        if let index, index.snapshot == snapshot { return index }
        if let building, building.snapshot == snapshot { return try await building.task.value }
        let store = self.store
        let task = Task { try await Self.build(store, snapshot: snapshot) }
        building = (snapshot, task)
        defer { if building?.snapshot == snapshot { building = nil } }
        let built = try await task.value
        if (index?.snapshot ?? .min) < built.snapshot { index = built }
        return built
    }

    private static func build(_ store: any ISINStore, snapshot: Int64) async throws -> Index {
        var entries: [Entry] = []
        var after: String?
        while true {
            let page = try await store.instruments(snapshot: snapshot, after: after, limit: 20_000)
            for instrument in page {
                entries.append(Entry(key: key(instrument.isin), isin: instrument.isin))
            }
            guard let last = page.last, page.count == 20_000 else { break }
            after = last.isin
        }
        entries.sort { $0.key < $1.key }
        return Index(snapshot: snapshot, entries: entries)
    }

    static func key(_ isin: String) -> UInt64 {
        SHA256.hash(data: Data(isin.utf8)).withUnsafeBytes { bytes in
            bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Array {
    /// The index of the first element for which `belongs` is false, in a collection where every
    /// element for which it is true comes first.
    func partitionPoint(_ belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
