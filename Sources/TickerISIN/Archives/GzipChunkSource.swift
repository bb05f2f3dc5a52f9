import CompressNIO
import NIOCore
import Synchronization

/// Decompresses gzip as it is read: pulls compressed chunks from another source and hands out
/// decompressed chunks of at most `chunkSize` bytes, so memory stays at one chunk of each however
/// large the file.
///
/// The stream must end properly: data that stops before the gzip end marker and checksum is
/// `ArchiveError.Kind.gzipTruncated`, the usual result of a download cut short. Concatenated
/// gzip members (what `cat a.gz b.gz` makes, and what `gzip` itself reads) are decompressed one
/// after the other; anything else after the end is `gzipTrailingData`.
///
/// Copies of a source share one decompression stream, as copies of a `FileChunkSource` share
/// one file handle: use one copy.
public struct GzipChunkSource: ByteChunkSource {
    public static let defaultChunkSize = 64 * 1024

    private let stream: Stream

    /// `name` (the file's name) prefixes error messages; `chunkSize` is clamped to at least 1.
    public init(_ compressed: some ByteChunkSource, name: String? = nil, chunkSize: Int = Self.defaultChunkSize) {
        stream = Stream(Inflater(source: compressed, name: name, chunkSize: max(1, chunkSize)))
    }

    public mutating func next() throws -> [UInt8]? {
        try stream.inflater.withLock { try $0.next() }
    }

    /// The shared state behind the copies of a source.
    private final class Stream: Sendable {
        let inflater: Mutex<Inflater>

        init(_ inflater: consuming sending Inflater) {
            self.inflater = Mutex(inflater)
        }
    }
}

/// The state machine behind `GzipChunkSource`.
///
/// CompressNIO does not say when a gzip member ends, but zlib consumes no input once it has: so a
/// call that returns normally with input left over means the end was reached, and at the end of
/// the input one probe byte is offered, which a finished stream leaves alone and a truncated one
/// swallows.
private struct Inflater {
    private enum Phase {
        case inflating
        /// A member ended; what follows must be another member or nothing.
        case betweenMembers
        case finished
        case failed(ArchiveError)
    }

    private var source: any ByteChunkSource
    private let name: String?
    private let chunkSize: Int
    private let decompressor: any NIODecompressor
    private var input = ByteBuffer()
    private var sourceEnded = false
    private var started = false
    private var phase = Phase.inflating
    /// Compressed bytes consumed by completed members and the current one, for messages.
    private var consumed: Int64 = 0

    init(source: some ByteChunkSource, name: String?, chunkSize: Int) {
        self.source = source
        self.name = name
        self.chunkSize = chunkSize
        decompressor = CompressionAlgorithm.gzip().decompressor
    }

    mutating func next() throws -> [UInt8]? {
        do {
            return try step()
        } catch let error as ArchiveError {
            phase = .failed(error)
            throw error
        }
    }

    private mutating func step() throws -> [UInt8]? {
        if !started {
            try decompressor.startStream()
            started = true
        }
        while true {
            switch phase {
            case .finished:
                return nil
            case .failed(let error):
                throw error
            case .betweenMembers:
                if input.readableBytes < 2, !sourceEnded {
                    try pull()
                    continue
                }
                if input.readableBytes == 0 {
                    phase = .finished
                    return nil
                }
                let view = input.readableBytesView
                guard view.count >= 2, view[view.startIndex] == 0x1F, view[view.startIndex + 1] == 0x8B else {
                    throw fail(.gzipTrailingData(offset: consumed))
                }
                try decompressor.resetStream()
                phase = .inflating
            case .inflating:
                if input.readableBytes == 0 {
                    if !sourceEnded {
                        try pull()
                        continue
                    }
                    return try probeEnd()
                }
                if let chunk = try inflateInput() { return chunk }
            }
        }
    }

    /// Appends the source's next non-empty chunk to the input, or notes its end.
    private mutating func pull() throws {
        while let chunk = try source.next() {
            guard !chunk.isEmpty else { continue }
            input.discardReadBytes()
            input.writeBytes(chunk)
            return
        }
        sourceEnded = true
    }

    /// Runs the input through zlib; a chunk of output, or nil when zlib needs more input first.
    private mutating func inflateInput() throws -> [UInt8]? {
        var output = outputBuffer()
        let before = input.readableBytes
        defer { consumed += Int64(before - input.readableBytes) }
        do {
            try decompressor.streamInflate(from: &input, to: &output)
            // A normal return with input left over: this member is complete.
            if input.readableBytes > 0 { phase = .betweenMembers }
        } catch let error as CompressNIOError where error == .bufferOverflow {
            // The output chunk is full; the input left over is taken next time.
        } catch let error as CompressNIOError where error == .inputBufferOverflow {
            // All input consumed with nothing more to give yet.
        } catch is CompressNIOError {
            throw fail(.gzipCorrupt)
        }
        return output.readableBytes > 0 ? Array(output.readableBytesView) : nil
    }

    /// At the end of the input: offers one probe byte. A complete stream leaves it alone (and may
    /// still flush output); a stream cut short consumes it.
    private mutating func probeEnd() throws -> [UInt8]? {
        var probe = ByteBuffer(bytes: [0])
        var output = outputBuffer()
        do {
            try decompressor.streamInflate(from: &probe, to: &output)
            guard probe.readableBytes == 1 else { throw fail(.gzipTruncated) }
            phase = .finished
        } catch let error as CompressNIOError where error == .bufferOverflow {
            guard probe.readableBytes == 1 else { throw fail(.gzipTruncated) }
        } catch is CompressNIOError {
            throw fail(.gzipTruncated)
        }
        return output.readableBytes > 0 ? Array(output.readableBytesView) : nil
    }

    /// A buffer with room for exactly `chunkSize` bytes: NIO rounds capacities up to a power of
    /// two, and zlib fills all the room there is.
    private func outputBuffer() -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: chunkSize)
        let unused = buffer.capacity - chunkSize
        buffer.moveWriterIndex(to: unused)
        buffer.moveReaderIndex(to: unused)
        return buffer
    }

    private func fail(_ kind: ArchiveError.Kind) -> ArchiveError {
        ArchiveError(kind, file: name)
    }
}
