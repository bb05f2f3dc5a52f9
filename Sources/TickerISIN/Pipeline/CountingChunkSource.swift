import Synchronization

/// Counts the bytes a source hands out, so that an import can report how far through it is
/// while the reader owns the source.
struct CountingChunkSource: ByteChunkSource {
    final class Counter: Sendable {
        let bytes = Atomic<Int64>(0)
        var value: Int64 { bytes.load(ordering: .relaxed) }
    }

    private var upstream: any ByteChunkSource
    let counter: Counter

    init(_ upstream: any ByteChunkSource, counter: Counter) {
        self.upstream = upstream
        self.counter = counter
    }

    mutating func next() throws -> [UInt8]? {
        let chunk = try upstream.next()
        if let chunk { counter.bytes.add(Int64(chunk.count), ordering: .relaxed) }
        return chunk
    }
}
